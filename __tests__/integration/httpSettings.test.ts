// Pins a known difference (docs/config.md): awsx's STS calls read neither a proxy variable
// nor AWS_CA_BUNDLE, where the AWS CLI reads both. The proxy is a closed loopback port and
// the endpoints are moto on loopback (plain, or behind a TLS front with a self-signed
// certificate), so neither tool can send a packet off the machine.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { startMoto, type Moto } from "../helpers/moto.js";
import { needs } from "../helpers/requirements.js";

const describeIf = await needs("moto_server", "aws");

const CLOSED = "http://127.0.0.1:9";

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

describeIf("HTTP settings of the AWS CLI that awsx does not read", () => {
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

  it.each([
    ["HTTP_PROXY and HTTPS_PROXY (a closed port)", { HTTP_PROXY: CLOSED, HTTPS_PROXY: CLOSED }],
  ])(
    "%s: the AWS CLI fails, awsx assumes the role",
    async (_, extra) => {
      const cli = await runCli(["--profile", "r", "sts", "get-caller-identity"], env(extra));
      expect(cli.code).not.toBe(0);
      await moto.startRecording();
      // The child only says whether it got a session: the STS call was awsx's own.
      const child = ["sh", "-c", 'test -n "$AWS_SESSION_TOKEN" && echo session'];
      const r = await runAwsx(["exec", "r", "--", ...child], env(extra));
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("session\n");
      expect(await moto.countCalls("AssumeRole")).toBe(1);
      // Without either setting, the same CLI call works: the settings made it fail.
      expect((await runCli(["--profile", "r", "sts", "get-caller-identity"], env({}))).code).toBe(
        0,
      );
    },
    60_000,
  );

  it("AWS_CA_BUNDLE: the AWS CLI trusts it, awsx does not (NODE_EXTRA_CA_CERTS does)", async () => {
    const dir = path.join(home.dir, "tls");
    execFileSync("mkdir", ["-p", dir]);
    const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { stdio: "ignore" },
    );
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
      const untrusted = await runAwsx(["exec", "r", "--", "true"], tls({ AWS_CA_BUNDLE: cert }));
      expect(untrusted.code).toBe(69);
      expect(untrusted.stderr).toMatch(/^awsx: the TLS certificate of STS .* NODE_EXTRA_CA_CERTS/);
      const trusted = await runAwsx(
        ["exec", "r", "--", "true"],
        tls({ NODE_EXTRA_CA_CERTS: cert }),
      );
      expect(trusted.stderr).toBe("");
      expect(trusted.code).toBe(0);
    } finally {
      front.close();
    }
  }, 60_000);
});
