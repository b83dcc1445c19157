// The proxy variables and AWS_CA_BUNDLE, read by awsx's STS calls as by the AWS CLI
// (docs/proxy.md; the real proxies are in proxy.test.ts). The proxy is a closed loopback port and
// the endpoints are moto on loopback (plain, or behind a TLS front with a self-signed
// certificate), so neither tool can send a packet off the machine.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { startMoto, type Moto } from "../helpers/moto.js";
import { needs } from "../helpers/requirements.js";
import { joinRegExp } from "../helpers/regex.js";

const describeIf = await needs("moto_server", "aws");

const CLOSED = "http://127.0.0.1:9";

// A self-signed certificate for one day, with openssl: its key and certificate files.
function selfSigned(subject: string, key: string, cert: string, extra: string[] = []) {
  const args = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", subject];
  execFileSync("openssl", [...args, ...extra, "-keyout", key, "-out", cert], { stdio: "ignore" });
}

function runCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn("aws", args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describeIf("the HTTP settings of the AWS CLI, without a real proxy", () => {
  let moto: Moto;
  let home: TempHome;
  let roleArn: string;

  beforeAll(async () => {
    moto = await startMoto();
    const user = await moto.createUser("http-settings");
    roleArn = (await moto.createRole("http-settings-role")).arn;
    home = makeHome({
      credentials:
        `[base]\naws_access_key_id = ${user.accessKeyId}\n` +
        `aws_secret_access_key = ${user.secretAccessKey}\n`,
      config: `[profile r]\nrole_arn = ${roleArn}\nsource_profile = base\nregion = eu-west-1\n`,
    });
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
    home?.cleanup();
  });

  const env = (extra: Record<string, string>) =>
    home.env({
      AWS_ENDPOINT_URL_STS: moto.url,
      AWS_EC2_METADATA_DISABLED: "true",
      AWSX_BACKEND: "none",
      AWSX_CACHE_DIR: path.join(home.dir, "cache"),
      ...extra,
    });

  it("HTTP_PROXY at a closed port: both tools fail, awsx naming the proxy; " +
    "NO_PROXY: both work", async () => {
    const proxy = { HTTP_PROXY: CLOSED, HTTPS_PROXY: CLOSED };
    const cli = await runCli(["--profile", "r", "sts", "get-caller-identity"], env(proxy));
    expect(cli.code).not.toBe(0);
    await moto.startRecording();
    const r = await runAwsx(["exec", "r", "--", "true"], env(proxy));
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(
      joinRegExp(
        /^awsx: cannot reach STS at http:\/\/127\.0\.0\.1:\d+ for AssumeRole of /,
        /.* for profile "r" through the proxy http:\/\/127\.0\.0\.1:9 \(from /,
        /HTTP_PROXY\): it cannot be reached: ECONNREFUSED; check HTTP_PROXY, or /,
        /add 127\.0\.0\.1:\d+ to NO_PROXY\n$/,
      ),
    );
    expect(await moto.countCalls("AssumeRole")).toBe(0);
    // NO_PROXY names moto's host: both go direct.
    const direct = env({ ...proxy, NO_PROXY: "127.0.0.1" });
    expect((await runCli(["--profile", "r", "sts", "get-caller-identity"], direct)).code).toBe(0);
    const ok = await runAwsx(["exec", "r", "--", "true"], direct);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
  }, 60_000);

  it("a warm run with proxy variables loads no SDK and no proxy code, " +
    "and sends nothing", async () => {
    // Every file Node requires, written down by a preload of the test's.
    const seen = path.join(home.dir, "required.txt");
    const hook = path.join(home.dir, "hook.cjs");
    writeFileSync(
      hook,
      "const M = require('module'); const fs = require('fs'); const load = M._load;\n" +
        `M._load = function (r, ...a) { fs.appendFileSync(${JSON.stringify(seen)}, r + "\\n"); ` +
        "return load.call(this, r, ...a); };\n",
    );
    const warm = env({
      AWSX_BACKEND: "file",
      AWSX_FILE_PASSPHRASE: "warm",
      HTTPS_PROXY: CLOSED,
      // The first run goes direct to moto; the second must not send anything at all.
      HTTP_PROXY: CLOSED,
      NO_PROXY: "127.0.0.1",
    });
    const first = await runAwsx(["exec", "r", "--", "true"], warm);
    expect(first.code).toBe(0);
    writeFileSync(seen, "");
    const second = await runAwsx(["exec", "r", "--", "true"], {
      ...warm,
      NO_PROXY: "",
      NODE_OPTIONS: `--require ${hook}`,
    });
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    const files = readFileSync(seen, "utf8").split("\n");
    // The trace sees the warm bundle's own requires (exec runs dist/awsx.cjs from its code
    // cache, not through require: node:tty is the bundle's, bin/awsx.js needs none).
    expect(files).toContain("node:tty");
    expect(files.filter((f) => /lazy-|node:https|node:tls/.test(f))).toEqual([]);
  }, 60_000);

  it("AWS_CA_BUNDLE: both tools trust it, and it replaces the default trust", async () => {
    const dir = path.join(home.dir, "tls");
    execFileSync("mkdir", ["-p", dir]);
    const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
    selfSigned("/CN=127.0.0.1", key, cert, ["-addext", "subjectAltName=IP:127.0.0.1"]);
    // A TLS front for moto: every request is passed on as it came.
    const front = https.createServer(
      { key: readFileSync(key), cert: readFileSync(cert) },
      (q, a) => {
        const back = http.request(
          `${moto.url}${q.url}`,
          { method: q.method, headers: q.headers },
          (r) => {
            a.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(a);
          },
        );
        q.pipe(back);
      },
    );
    await new Promise<void>((ok) => front.listen(0, "127.0.0.1", ok));
    const url = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
    try {
      const tls = (extra: Record<string, string>) => env({ AWS_ENDPOINT_URL_STS: url, ...extra });
      const cliArgs = ["--profile", "r", "sts", "get-caller-identity"];
      expect((await runCli(cliArgs, tls({ AWS_CA_BUNDLE: cert }))).code).toBe(0);
      const trusted = await runAwsx(["exec", "r", "--", "true"], tls({ AWS_CA_BUNDLE: cert }));
      expect(trusted.stderr).toBe("");
      expect(trusted.code).toBe(0);
      // Without a bundle: not trusted, the line names the settings that would fix it.
      const untrusted = await runAwsx(["exec", "r", "--", "true"], tls({}));
      expect(untrusted.code).toBe(69);
      expect(untrusted.stderr).toMatch(
        joinRegExp(
          /^awsx: the TLS certificate of STS at https:\/\/127\.0\.0\.1:\d+ is not /,
          /trusted on .*: \w+; add its CA with AWS_CA_BUNDLE, the profile's /,
          /ca_bundle or NODE_EXTRA_CA_CERTS\n$/,
        ),
      );
      // NODE_EXTRA_CA_CERTS still works without a bundle.
      const extra = await runAwsx(["exec", "r", "--", "true"], tls({ NODE_EXTRA_CA_CERTS: cert }));
      expect(extra.stderr).toBe("");
      expect(extra.code).toBe(0);
      // A bundle is the whole trust, as in the CLI: another CA there is not trusted, even
      // with the right one in NODE_EXTRA_CA_CERTS.
      const other = path.join(dir, "other.pem");
      selfSigned("/CN=other", path.join(dir, "other.key"), other);
      const replaced = tls({ AWS_CA_BUNDLE: other, NODE_EXTRA_CA_CERTS: cert });
      expect((await runCli(cliArgs, replaced)).code).not.toBe(0);
      const r = await runAwsx(["exec", "r", "--", "true"], replaced);
      expect(r.code).toBe(69);
      expect(r.stderr).toMatch(
        /its CA is not in .*other\.pem \(from AWS_CA_BUNDLE\): add it there\n$/,
      );
    } finally {
      front.close();
    }
  }, 60_000);
});
