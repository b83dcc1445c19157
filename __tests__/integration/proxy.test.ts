// awsx behind a proxy, against real servers in a private network namespace (unshare -n, only
// loopback): moto, a TLS front for it (https://*.proxy.test, a CA of the lab), squid (the only
// one that resolves *.proxy.test, so an endpoint there is reachable through it or not at all)
// and mitmdump (a TLS-inspecting proxy). The fixture __tests__/fixtures/proxy/proxyLab.mjs
// starts them, runs the commands and returns each one's outcome and squid's access log lines.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AWSX_BIN, runDetached } from "../helpers/awsx.js";
import { commandRuns, hasCommand, needs } from "../helpers/requirements.js";
import { joinRegExp } from "../helpers/regex.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "../..");
const LAB = path.join(ROOT, "__tests__", "fixtures", "proxy", "proxyLab.mjs");

const describeIf = await needs(
  "moto_server",
  { name: "aws", probe: () => commandRuns("aws", ["--version"]), hint: "the AWS CLI v1" },
  { name: "squid", probe: async () => hasCommand("/usr/sbin/squid"), hint: "apt install squid" },
  { name: "mitmdump", probe: async () => hasCommand("mitmdump"), hint: "apt install mitmproxy" },
  {
    name: "unshare -n (root)",
    probe: () => commandRuns("unshare", ["-n", "sh", "-c", "ip link set lo up"]),
    hint: "a private network namespace, where only the proxy reaches the fake endpoints",
  },
);

interface Run {
  cmd: string;
  args: string[];
  env: Record<string, string>;
}
interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  log: string[];
}

const CONFIG =
  "[profile base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" +
  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n" +
  "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/lab\nsource_profile = base\n" +
  "region = eu-west-1\n";

// One lab: the servers started once, the runs one after the other.
async function lab(
  runs: Run[],
  options: { squidAuth?: [string, string]; mitm?: boolean } = {},
): Promise<Outcome[]> {
  const input = JSON.stringify({ dir: labDir, ...options, runs });
  const r = await runDetached(
    "unshare",
    ["-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', process.execPath, LAB, input],
    { PATH: process.env.PATH ?? "", HOME: labDir },
    240_000,
  );
  const out = JSON.parse(r.stdout || JSON.stringify({ error: r.stderr }));
  if (!Array.isArray(out)) throw new Error(`the lab failed: ${out.error}\n${out.stderr ?? ""}`);
  return out;
}

let labDir: string;
let configFile: string;

// The env of a run: the lab's profile, no cache, no instance metadata, STS at `endpoint`.
function env(extra: Record<string, string>, config = configFile): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: labDir,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: path.join(labDir, "no-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWSX_BACKEND: "none",
    AWSX_AGENT: "0",
    // One attempt per call in the CLI (awsx only checks these): failures stay quick.
    AWS_MAX_ATTEMPTS: "1",
    AWS_RETRY_MODE: "standard",
    AWS_ENDPOINT_URL_STS: "https://sts.proxy.test",
    ...extra,
  };
}

const awsx = (e: Record<string, string>, ...args: string[]): Run => ({
  cmd: process.execPath,
  args: [AWSX_BIN, "exec", "r", ...args, "--", "true"],
  env: e,
});
const cli = (e: Record<string, string>): Run => ({
  cmd: "aws",
  args: ["--profile", "r", "sts", "get-caller-identity"],
  env: e,
});

const SQUID = "http://127.0.0.1:@SQUID@";
const MITM = "http://127.0.0.1:@MITM@";
const PASSWORD = "s3cret-Pass!word";

describeIf("behind a proxy (squid, mitmdump; a private network namespace)", () => {
  beforeAll(() => {
    labDir = mkdtempSync(path.join(tmpdir(), "awsx-proxy-"));
    configFile = path.join(labDir, "config");
    writeFileSync(configFile, CONFIG);
  });
  afterAll(() => rmSync(labDir, { recursive: true, force: true }));

  it("squid: CONNECT for https, the absolute URL for http, NO_PROXY, a refusal, " +
    "a proxy down", async () => {
    const bundleConfig = path.join(labDir, "config-bundle");
    writeFileSync(bundleConfig, `${CONFIG}ca_bundle = @TLSCA@\n`);
    const runs = [
      // 0: through squid with the front's CA from AWS_CA_BUNDLE
      awsx(env({ HTTPS_PROXY: SQUID, AWS_CA_BUNDLE: "@TLSCA@" })),
      // 1: the same CA from the profile's ca_bundle (lower-case https_proxy)
      awsx(env({ https_proxy: SQUID }, bundleConfig)),
      // 2: no CA bundle: the front's certificate is not trusted
      awsx(env({ HTTPS_PROXY: SQUID })),
      // 3: NO_PROXY names the domain: sent direct, where nothing resolves it
      awsx(
        env({ HTTPS_PROXY: SQUID, AWS_CA_BUNDLE: "@TLSCA@", NO_PROXY: "localhost,.proxy.test" }),
      ),
      // 4: http endpoint through HTTP_PROXY: the absolute URL, no CONNECT
      awsx(env({ HTTP_PROXY: SQUID, AWS_ENDPOINT_URL_STS: "http://sts.proxy.test:@MOTO@" })),
      // 5: http endpoint with HTTPS_PROXY only: direct (HTTP_PROXY is the one for http)
      awsx(env({ HTTPS_PROXY: SQUID, AWS_ENDPOINT_URL_STS: "http://sts.proxy.test:@MOTO@" })),
      // 6: squid refuses the host (403)
      awsx(
        env({
          HTTPS_PROXY: SQUID,
          AWS_CA_BUNDLE: "@TLSCA@",
          AWS_ENDPOINT_URL_STS: "https://blocked.proxy.test",
        }),
      ),
      // 7: no proxy listens there
      awsx(env({ HTTPS_PROXY: "http://127.0.0.1:9", AWS_CA_BUNDLE: "@TLSCA@" })),
      // 8: a CA bundle that does not exist
      awsx(env({ HTTPS_PROXY: SQUID, AWS_CA_BUNDLE: path.join(labDir, "missing.pem") })),
      // 9-10: an https:// proxy, whose certificate the bundle also vouches for (awsx, the CLI)
      awsx(env({ HTTPS_PROXY: "https://127.0.0.1:@SQUIDTLS@", AWS_CA_BUNDLE: "@TLSCA@" })),
      cli(env({ HTTPS_PROXY: "https://127.0.0.1:@SQUIDTLS@", AWS_CA_BUNDLE: "@TLSCA@" })),
      // 11: the same without the bundle: neither the proxy nor the endpoint is trusted
      awsx(env({ HTTPS_PROXY: "https://127.0.0.1:@SQUIDTLS@" })),
    ];
    const r = await lab(runs);
    expect(r[0]).toMatchObject({ code: 0, stderr: "", log: ["CONNECT sts.proxy.test:443 200"] });
    expect(r[1]).toMatchObject({ code: 0, stderr: "", log: ["CONNECT sts.proxy.test:443 200"] });
    expect(r[2]!.stderr).toMatch(
      joinRegExp(
        /^awsx: the TLS certificate of STS at https:\/\/sts\.proxy\.test is not /,
        /trusted on AssumeRole of .* for profile "r": \w+; a TLS-inspecting /,
        /proxy \(http:\/\/127\.0\.0\.1:3128, from HTTPS_PROXY\) may sign for it: /,
        /add that CA with AWS_CA_BUNDLE or the profile's ca_bundle\n$/,
      ),
    );
    expect(r[2]!.code).toBe(69);
    expect(r[3]!.code).toBe(69);
    expect(r[3]!.stderr).toMatch(/cannot reach STS at https:\/\/sts\.proxy\.test .*: EAI_AGAIN/);
    expect(r[3]!.log).toEqual([]);
    expect(r[4]).toMatchObject({
      code: 0,
      stderr: "",
      log: ["POST http://sts.proxy.test:5000/ 200"],
    });
    expect(r[5]!.code).toBe(69);
    expect(r[5]!.log).toEqual([]);
    expect(r[6]!.code).toBe(69);
    expect(r[6]!.stderr).toBe(
      "awsx: cannot reach STS at https://blocked.proxy.test for AssumeRole of " +
        'arn:aws:iam::123456789012:role/lab for profile "r" through the proxy ' +
        "http://127.0.0.1:3128 (from HTTPS_PROXY): it refused the tunnel: HTTP/1.1 403 " +
        "Forbidden; the proxy does not allow blocked.proxy.test: ask its administrators\n",
    );
    expect(r[7]!.code).toBe(69);
    expect(r[7]!.stderr).toMatch(
      joinRegExp(
        /^awsx: cannot reach STS at https:\/\/sts\.proxy\.test .* through the /,
        /proxy http:\/\/127\.0\.0\.1:9 \(from HTTPS_PROXY\): it cannot be /,
        /reached: ECONNREFUSED; check HTTPS_PROXY, or add sts\.proxy\.test to /,
        /NO_PROXY\n$/,
      ),
    );
    expect(r[9]).toMatchObject({ code: 0, stderr: "", log: ["CONNECT sts.proxy.test:443 200"] });
    expect(r[10]!.code).toBe(0);
    expect(r[11]!.code).toBe(69);
    expect(r[11]!.stderr).toMatch(
      joinRegExp(
        /not trusted .*: \w+; a TLS-inspecting /,
        /proxy \(https:\/\/127\.0\.0\.1:3129, from HTTPS_PROXY\)/,
      ),
    );
    expect(r[8]!.code).toBe(78);
    expect(r[8]!.stderr).toMatch(
      /^awsx: cannot read the CA bundle .*missing\.pem \(from AWS_CA_BUNDLE\): ENOENT/,
    );
  }, 300_000);

  it("squid with basic auth: the user and password from the URL, never printed", async () => {
    const logFile = path.join(labDir, "awsx.log");
    const good = `http://lab-user:${encodeURIComponent(PASSWORD)}@127.0.0.1:@SQUID@`;
    const bad = "http://lab-user:wrong-password@127.0.0.1:@SQUID@";
    const runs = [
      awsx(env({ HTTPS_PROXY: good, AWS_CA_BUNDLE: "@TLSCA@", AWSX_LOG_FILE: logFile }), "--debug"),
      awsx(env({ HTTPS_PROXY: bad, AWS_CA_BUNDLE: "@TLSCA@", AWSX_LOG_FILE: logFile }), "--debug"),
      awsx(env({ HTTPS_PROXY: "http://127.0.0.1:@SQUID@", AWS_CA_BUNDLE: "@TLSCA@" })),
      awsx(env({ HTTP_PROXY: good, AWS_ENDPOINT_URL_STS: "http://sts.proxy.test:@MOTO@" })),
      awsx(env({ HTTP_PROXY: bad, AWS_ENDPOINT_URL_STS: "http://sts.proxy.test:@MOTO@" })),
    ];
    const r = await lab(runs, { squidAuth: ["lab-user", PASSWORD] });
    expect(r[0]!.code).toBe(0);
    expect(r[0]!.log).toEqual(["CONNECT sts.proxy.test:443 200"]);
    for (const code of [1, 2]) {
      expect(r[code]!.code).toBe(69);
      expect(r[code]!.stderr).toMatch(
        joinRegExp(
          /^awsx: cannot reach STS at https:\/\/sts\.proxy\.test .* through the /m,
          /proxy http:\/\/127\.0\.0\.1:3128 \(from HTTPS_PROXY\): it refused the /m,
          /tunnel: HTTP\/1\.1 407 Proxy Authentication Required; check the user /m,
          /and password in HTTPS_PROXY$/m,
        ),
      );
    }
    expect(r[3]).toMatchObject({ code: 0, log: ["POST http://sts.proxy.test:5000/ 200"] });
    expect(r[4]!.code).toBe(69);
    expect(r[4]!.stderr).toMatch(
      joinRegExp(
        /through the proxy http:\/\/127\.0\.0\.1:3128 \(from HTTP_PROXY\): it /,
        /asked for a user and password \(HTTP 407\)/,
      ),
    );
    const printed = [...r.map((x) => x.stderr), readFileSync(logFile, "utf8")].join("\n");
    expect(printed).toContain("awsx[debug]");
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), "wrong-password", "lab-user"])
      expect(printed).not.toContain(secret);
  }, 300_000);

  it("mitmdump re-signs TLS: its CA from AWS_CA_BUNDLE or ca_bundle, " +
    "as for the AWS CLI", async () => {
    const bundleConfig = path.join(labDir, "config-mitm");
    writeFileSync(bundleConfig, `${CONFIG}ca_bundle = @MITMCA@\n`);
    const viaEnv = env({ HTTPS_PROXY: MITM, AWS_CA_BUNDLE: "@MITMCA@" });
    const viaKey = env({ HTTPS_PROXY: MITM }, bundleConfig);
    const wrongCa = env({ HTTPS_PROXY: MITM, AWS_CA_BUNDLE: "@TLSCA@" });
    const none = env({ HTTPS_PROXY: MITM });
    const r = await lab(
      [
        awsx(viaEnv),
        cli(viaEnv),
        awsx(viaKey),
        cli(viaKey),
        awsx(wrongCa),
        cli(wrongCa),
        awsx(none),
        cli(none),
      ],
      { mitm: true },
    );
    expect(r.map((x) => x.code === 0)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(r[0]!.stderr).toBe("");
    expect(r[4]!.code).toBe(69);
    expect(r[4]!.stderr).toMatch(
      /not trusted on .*: \w+; its CA is not in .*ca\.pem \(from AWS_CA_BUNDLE\): add it there\n$/,
    );
    expect(r[6]!.stderr).toMatch(
      /not trusted .* a TLS-inspecting proxy \(http:\/\/127\.0\.0\.1:8080, from HTTPS_PROXY\)/,
    );
  }, 300_000);

  it("the SSO portal and the federation endpoint go through the proxy too", async () => {
    const ssoConfig = path.join(labDir, "config-sso");
    writeFileSync(
      ssoConfig,
      `${CONFIG}[profile dev]\nsso_session = lab\nsso_account_id = 123456789012\n` +
        "sso_role_name = Dev\nregion = eu-west-1\n" +
        "[sso-session lab]\nsso_start_url = https://lab.awsapps.com/start\n" +
        "sso_region = eu-west-1\n",
    );
    // A sign-in the AWS CLI left: ~/.aws/sso/cache/sha1(session name).json
    const cache = path.join(labDir, ".aws", "sso", "cache");
    mkdirSync(cache, { recursive: true });
    const expiresAt = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
    writeFileSync(
      path.join(cache, `${createHash("sha1").update("lab").digest("hex")}.json`),
      JSON.stringify({
        startUrl: "https://lab.awsapps.com/start",
        region: "eu-west-1",
        accessToken: "labAccessToken00000000000000000000000001",
        expiresAt,
      }),
    );
    const via = { HTTPS_PROXY: SQUID, AWS_CA_BUNDLE: "@TLSCA@" };
    const sso = env({ ...via, AWS_ENDPOINT_URL_SSO: "https://sso.proxy.test" }, ssoConfig);
    const login = env({ ...via, AWSX_FEDERATION_ENDPOINT: "https://sso.proxy.test/federation" });
    const r = await lab([
      { cmd: process.execPath, args: [AWSX_BIN, "exec", "dev", "--", "true"], env: sso },
      { cmd: process.execPath, args: [AWSX_BIN, "login", "r", "--stdout"], env: login },
      {
        cmd: process.execPath,
        args: [AWSX_BIN, "login", "r", "--stdout"],
        // STS through squid (http), the federation endpoint through a proxy that is down
        env: {
          ...login,
          AWS_ENDPOINT_URL_STS: "http://sts.proxy.test:@MOTO@",
          HTTP_PROXY: SQUID,
          HTTPS_PROXY: "http://127.0.0.1:9",
        },
      },
    ]);
    expect(r[0]).toMatchObject({ code: 0, stderr: "", log: ["CONNECT sso.proxy.test:443 200"] });
    expect(r[1]!.code).toBe(0);
    expect(r[1]!.stdout).toContain("SigninToken=lab-signin-token-0123456789");
    expect(r[1]!.log).toEqual(["CONNECT sts.proxy.test:443 200", "CONNECT sso.proxy.test:443 200"]);
    expect(r[2]!.code).toBe(69);
    expect(r[2]!.stderr).toBe(
      "awsx: cannot reach the federation endpoint at https://sso.proxy.test/federation for " +
        'profile "r" through the proxy http://127.0.0.1:9 (from HTTPS_PROXY): it cannot be ' +
        "reached: ECONNREFUSED; check HTTPS_PROXY, or add sso.proxy.test to NO_PROXY\n",
    );
  }, 300_000);

  // The same settings to both tools; both must reach STS (or both not), and through squid the
  // same way (its access log: CONNECT host:port, or the absolute URL of an http request).
  const HTTP_STS = "http://sts.proxy.test:@MOTO@";
  const DIFF: Array<[string, Record<string, string>]> = [
    ["HTTPS_PROXY alone", {}],
    ["NO_PROXY names the host", { NO_PROXY: "sts.proxy.test" }],
    ["NO_PROXY names the domain with a dot", { NO_PROXY: "localhost,.proxy.test" }],
    ["NO_PROXY names the domain without a dot", { NO_PROXY: "proxy.test" }],
    ["NO_PROXY=*", { NO_PROXY: "*" }],
    ["NO_PROXY=*.proxy.test (no wildcard for the CLI)", { NO_PROXY: "*.proxy.test" }],
    ["NO_PROXY with * among others", { NO_PROXY: "localhost, *" }],
    ["NO_PROXY host:port, the URL without a port", { NO_PROXY: "sts.proxy.test:443" }],
    [
      "NO_PROXY host:port, the URL with that port",
      {
        NO_PROXY: "sts.proxy.test:443",
        AWS_ENDPOINT_URL_STS: "https://sts.proxy.test:443",
      },
    ],
    ["NO_PROXY an IP range (not read by the CLI)", { NO_PROXY: "127.0.0.0/8" }],
    ["NO_PROXY in upper case letters", { NO_PROXY: "STS.Proxy.Test" }],
    ["empty no_proxy hides NO_PROXY", { NO_PROXY: "sts.proxy.test", no_proxy: "" }],
    ["empty https_proxy hides HTTPS_PROXY", { https_proxy: "" }],
    ["a proxy without a scheme", { HTTPS_PROXY: "127.0.0.1:@SQUID@" }],
    ["Https_Proxy in mixed case", { HTTPS_PROXY: "", Https_Proxy: SQUID }],
    ["ALL_PROXY is not read", { HTTPS_PROXY: "", ALL_PROXY: SQUID }],
    ["http endpoint, HTTP_PROXY", { HTTP_PROXY: SQUID, AWS_ENDPOINT_URL_STS: HTTP_STS }],
    ["http endpoint, HTTPS_PROXY only", { AWS_ENDPOINT_URL_STS: HTTP_STS }],
    [
      "http endpoint, NO_PROXY host:port",
      {
        HTTP_PROXY: SQUID,
        NO_PROXY: "sts.proxy.test:@MOTO@",
        AWS_ENDPOINT_URL_STS: HTTP_STS,
      },
    ],
    [
      "http endpoint, REQUEST_METHOD set (CGI)",
      {
        HTTP_PROXY: SQUID,
        REQUEST_METHOD: "GET",
        AWS_ENDPOINT_URL_STS: HTTP_STS,
      },
    ],
    [
      "http endpoint, lower-case http_proxy with REQUEST_METHOD",
      {
        http_proxy: SQUID,
        REQUEST_METHOD: "GET",
        AWS_ENDPOINT_URL_STS: HTTP_STS,
      },
    ],
  ];

  it("differential: the AWS CLI and awsx take the same way for each NO_PROXY " +
    "and endpoint", async () => {
    const runs = DIFF.flatMap(([, extra]) => {
      const e = env({ HTTPS_PROXY: SQUID, AWS_CA_BUNDLE: "@TLSCA@", ...extra });
      return [cli(e), awsx(e)];
    });
    const r = await lab(runs);
    const way = (o: Outcome) => ({
      reached: o.code === 0,
      proxied: [...new Set(o.log.map((l) => l.split(" ").slice(0, 2).join(" ")))],
    });
    const rows = DIFF.map(([name], i) => ({ name, cli: way(r[2 * i]!), awsx: way(r[2 * i + 1]!) }));
    for (const row of rows) expect({ [row.name]: row.awsx }).toEqual({ [row.name]: row.cli });
    // The table is no tautology: each way occurs.
    const seen = new Set(rows.map((x) => `${x.cli.reached} ${x.cli.proxied.join()}`));
    expect(seen).toEqual(
      new Set([
        "true CONNECT sts.proxy.test:443",
        "false ",
        "true POST http://sts.proxy.test:5000/",
      ]),
    );
  }, 600_000);
});
