// awsx sso login / logout through the built CLI against the fake IAM Identity Center: the
// PKCE flow with a real HTTP client as the browser, the device flow with each polling
// answer, registration reuse, the opt-in CLI cache, logout, and CI never waiting.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ssoCacheKey } from "../../src/sso/ssoToken.js";
import { runAwsx } from "../helpers/awsx.js";
import { startFakeSso, type FakeSso } from "../helpers/fakeSso.js";
import { filesUnder, makeHome, type TempHome, writePrintCreds } from "../helpers/home.js";

const START_URL = "https://d-fake.awsapps.com/start";
const CONFIG = `[sso-session corp]
sso_start_url = ${START_URL}
sso_region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly
`;

// The "browser": opens the URL it is given and follows every redirect (awsx's hand-over page,
// awsx's loopback start page, the fake's authorize page, awsx's callback), logging each hop:
// a file by the modes of it and its folder, a page by its path (the start page's random part
// as RANDOM) and status.
const BROWSER_JS = `
import { appendFileSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
const [log, first] = process.argv.slice(2);
const mode = (p) => (statSync(p).mode & 0o777).toString(8);
for (let url = first, hops = 0; url && hops < 6; hops++) {
  if (url.startsWith("file:")) {
    const file = fileURLToPath(url);
    appendFileSync(log, \`file \${mode(file)} \${mode(dirname(file))}\\n\`);
    url = /url=([^"]+)"/.exec(readFileSync(file, "utf8"))[1].replace(/&amp;/g, "&");
    continue;
  }
  const res = await fetch(url, { redirect: "manual" });
  const path = new URL(url).pathname.replace(/^\\/start\\/[0-9a-f]{64}$/, "/start/RANDOM");
  appendFileSync(log, \`\${path} \${res.status}\\n\`);
  url = res.headers.get("location");
}
`;

let fake: FakeSso;
let home: TempHome;
let browserLog: string;

function env(extra: Record<string, string | undefined> = {}) {
  const browser = join(home.dir, "browser.mjs");
  return home.env({
    AWS_ENDPOINT_URL_SSO: fake.url,
    AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
    AWSX_BACKEND: "file",
    AWSX_FILE_PASSPHRASE: "sso-test-passphrase",
    AWSX_CACHE_DIR: join(home.dir, "cache"),
    BROWSER: `${process.execPath} ${browser} ${browserLog} %s`,
    ...extra,
  });
}

const awsx = (args: string[], extra?: Record<string, string | undefined>, ms = 30_000) =>
  runAwsx(["sso", ...args], env(extra), ms);

// The browser's log once it holds n hops: the detached script may still be writing its
// last line when awsx, served, has already exited.
async function browserSaw(n: number): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const text = existsSync(browserLog) ? readFileSync(browserLog, "utf8") : "";
    if (text.split("\n").length > n) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  return existsSync(browserLog) ? readFileSync(browserLog, "utf8") : "";
}

// No plaintext copy of any token the fake issued anywhere under HOME.
function expectNoPlaintextTokens(): void {
  for (const file of filesUnder(home.dir)) {
    const text = readFileSync(file, "latin1");
    for (const t of fake.issued) expect(text.includes(t) ? file : "").toBe("");
  }
}

const ROLE_KEYS = {
  accessKeyId: "ASIAFAKESSOROLE00001",
  secretAccessKey: "fakeSsoRoleSecret000000000000000000000001",
  sessionToken: "fakeSsoRoleSessionToken0001",
};

beforeEach(async () => {
  fake = await startFakeSso({ roleKeys: () => ROLE_KEYS });
  home = makeHome({ config: CONFIG });
  browserLog = join(home.dir, "browser.log");
  writeFileSync(join(home.dir, "browser.mjs"), BROWSER_JS);
});
afterEach(async () => {
  await fake.close();
  home.cleanup();
});

describe("authorization code with PKCE", () => {
  test("the redirect reaches awsx's callback; a second login reuses the client", async () => {
    const r = await awsx(["login", "dev"]);
    expect(r.stderr).toMatch(/awsx: {3}http:\/\/127\.0\.0\.1:\d+\/start\/[0-9a-f]{64}\n/);
    expect(r.stderr).not.toContain("code_challenge");
    expect(r.code).toBe(0);
    const hops = "file 600 700\n/start/RANDOM 302\n/authorize 302\n/oauth/callback 200\n";
    expect(await browserSaw(4)).toBe(hops);
    expect(r.stderr).toMatch(
      /signed in to sso-session "corp" until \S+; token kept in awsx's file/,
    );
    expect(fake.count("RegisterClient")).toBe(1);
    expect(fake.count("CreateToken")).toBe(1);
    const reg = fake.calls.find((c) => c.op === "RegisterClient")!.body;
    expect(reg.grantTypes).toEqual(expect.arrayContaining(["authorization_code", "refresh_token"]));
    expect(reg.issuerUrl).toBe(START_URL);
    const again = await awsx(["login", "--sso-session", "corp"]);
    expect(again.code).toBe(0);
    expect(fake.count("RegisterClient")).toBe(1);
    expect(fake.count("CreateToken")).toBe(2);
    expect(existsSync(join(home.dir, ".aws", "sso"))).toBe(false);
    expectNoPlaintextTokens();
  });

  test(
    "a client registration `aws sso login` (v2) left is reused: " + "one approval for both tools",
    async () => {
      const res = await fetch(`${fake.url}/client/register`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          clientName: "botocore-client-corp",
          clientType: "public",
          grantTypes: ["authorization_code", "refresh_token"],
          redirectUris: ["http://127.0.0.1/oauth/callback"],
          issuerUrl: START_URL,
        }),
      });
      const reg = (await res.json()) as { clientId: string; clientSecret: string };
      // The CLI's file name for it: sha1 of json.dumps({region, scopes, session_name, startUrl,
      // tool}, sort_keys=True), computed with python3 (unit/cliRegistration.test.ts).
      const dir = join(home.dir, ".aws", "sso", "cache");
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, "77b20c0cfd1d773978cc6c3ca7b18ad6943103d5.json"),
        JSON.stringify({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          expiresAt: new Date(Date.now() + 80 * 86400_000).toISOString().replace(/\.\d+Z$/, "Z"),
          grantTypes: ["authorization_code", "refresh_token"],
        }),
      );
      const r = await awsx(["login", "dev"]);
      expect(r.code).toBe(0);
      expect(fake.count("RegisterClient")).toBe(1);
      const token = fake.calls.find((c) => c.op === "CreateToken")!.body;
      expect(token.clientId).toBe(reg.clientId);
    },
  );

  test("a refusal in the browser is exit 79 and says so", async () => {
    fake.switches.accessDenied = true;
    const r = await awsx(["login", "dev"]);
    expect(r.code).toBe(79);
    expect(r.stderr).toContain(
      "was refused in the browser (access_denied: The user denied access)",
    );
    expect(fake.count("CreateToken")).toBe(0);
  });

  test("an error with escape sequences reaches the terminal written out", async () => {
    fake.switches.authorizeError = {
      error: "access_denied\x1b]0;owned\x07",
      description: "\x1b[2J\x1b[31mcall +1 555 0100\u202e\x9b1m",
    };
    const r = await awsx(["login", "dev"]);
    expect(r.code).toBe(79);
    expect(r.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(r.stderr).toContain(
      "was refused in the browser (access_denied\\x1b]0;owned\\x07: " +
        "\\x1b[2J\\x1b[31mcall +1 555 0100\\u202e\\x9b1m); run awsx sso login again",
    );
  });

  test("a wrong PKCE verifier would be refused: the fake checks what awsx sent", async () => {
    await awsx(["login", "dev"]);
    const create = fake.calls.find((c) => c.op === "CreateToken")!;
    const auth = fake.calls.find((c) => c.op === "Authorize")!;
    expect(create.status).toBe(200);
    expect(String(create.body.codeVerifier)).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(create.body.redirectUri).toBe(auth.query.redirect_uri);
    expect(auth.query.redirect_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
  });
});

describe("device code", () => {
  test("authorization_pending answers are polled through at the server's interval", async () => {
    fake.switches.pending = 2;
    const r = await awsx(["login", "dev", "--use-device-code"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/and check that it shows the code [0-9A-F]{4}-[0-9A-F]{4}/);
    const polls = fake.calls.filter((c) => c.op === "CreateToken");
    expect(polls.map((c) => c.status)).toEqual([400, 400, 200]);
    for (let i = 1; i < polls.length; i++)
      expect(polls[i]!.at.getTime() - polls[i - 1]!.at.getTime()).toBeGreaterThanOrEqual(950);
  });

  test("slow_down adds 5 s to the interval", async () => {
    fake.switches.slowDown = 1;
    const r = await awsx(["login", "dev", "--use-device-code"]);
    expect(r.code).toBe(0);
    const polls = fake.calls.filter((c) => c.op === "CreateToken");
    expect(polls).toHaveLength(2);
    expect(polls[1]!.at.getTime() - polls[0]!.at.getTime()).toBeGreaterThanOrEqual(5950);
  });

  test.each([
    ["expiredToken", "the sign-in code expired before it was approved"],
    ["accessDenied", 'sign-in to https://d-fake.awsapps.com/start was denied (sso-session "corp")'],
  ] as const)("%s ends the login with exit 79", async (which, message) => {
    fake.switches[which] = true;
    const r = await awsx(["login", "dev", "--use-device-code"]);
    expect(r.code).toBe(79);
    expect(r.stderr).toContain(message);
    expect(fake.count("CreateToken")).toBe(1);
  });

  test("with no browser to open, login uses the device code by itself", async () => {
    const r = await awsx(["login", "dev"], { BROWSER: undefined, DISPLAY: undefined });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("no browser can be opened here: signing in with a code instead");
    expect(r.stderr).toContain(`${fake.url}/device?user_code=`);
    expect(fake.count("StartDeviceAuthorization")).toBe(1);
    expect(fake.count("Authorize")).toBe(0);
  });

  // A BROWSER that only writes down its arguments, one a line: a Chromium launcher reads
  // its first argument as an option when it starts with "-".
  function recordingBrowser(): {
    BROWSER: string;
    argv: (tries?: number) => Promise<string | undefined>;
  } {
    const rec = join(home.dir, "argv.txt");
    const script = join(home.dir, "record-argv");
    writeFileSync(
      script,
      `#!/bin/sh\nfor a; do printf '%s\\n' "$a"; done > ${rec}.tmp && mv ${rec}.tmp ${rec}\n`,
      { mode: 0o755 },
    );
    // Waits for a detached opener still writing; awsx, exited, starts none any more.
    const argv = async (tries = 30) => {
      for (let i = 0; i < tries && !existsSync(rec); i++)
        await new Promise((r) => setTimeout(r, 100));
      return existsSync(rec) ? readFileSync(rec, "utf8") : undefined;
    };
    return { BROWSER: script, argv };
  }

  test.each([
    ["-x", undefined],
    ["--renderer-cmd-prefix=/bin/sh -c 'touch /tmp/awsx-owned'", undefined],
    [undefined, "--no-sandbox"],
    ["file:///etc/passwd", undefined],
    ["javascript:alert(1)", undefined],
    ["http://device.example.com/?user_code=ABCD-EFGH", undefined],
    ["device?user_code=ABCD-EFGH", undefined],
  ])("verification URI %s / %s: refused with 77 before any opener runs", async (complete, uri) => {
    fake.switches.deviceAnswer = {
      verificationUriComplete: complete,
      ...(uri ? { verificationUri: uri } : {}),
    };
    const browser = recordingBrowser();
    const r = await awsx(["login", "dev", "--use-device-code"], { BROWSER: browser.BROWSER });
    expect(await browser.argv(5)).toBeUndefined();
    expect(r.code).toBe(77);
    const line = new RegExp(
      "^awsx: IAM Identity Center \\(OIDC, eu-west-1\\) answered a verification URI that is " +
        'not an https URL "[^\\n]*" for sso-session "corp"; ' +
        "check sso_region and AWS_ENDPOINT_URL_SSO_OIDC\\n$",
    );
    expect(r.stderr).toMatch(line);
    expect(fake.count("CreateToken")).toBe(0);
  });

  test("an https verification URI reaches the opener as its one argument, unchanged", async () => {
    const url = "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH";
    fake.switches.deviceAnswer = { verificationUriComplete: url, userCode: "ABCD-EFGH" };
    const browser = recordingBrowser();
    const r = await awsx(["login", "dev", "--use-device-code"], { BROWSER: browser.BROWSER });
    expect(r.code).toBe(0);
    expect(await browser.argv()).toBe(`${url}\n`);
    expect(r.stderr).toContain("and check that it shows the code ABCD-EFGH\n");
  });

  test("a user code with escape sequences is refused (77), never printed as controls", async () => {
    fake.switches.deviceAnswer = { userCode: "ABCD-EFGH\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J" };
    const r = await awsx(["login", "dev", "--use-device-code"]);
    expect(r.code).toBe(77);
    expect(r.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(r.stderr).toContain(
      'answered a user code that is not letters, digits and dashes "ABCD-EFGH\\x1b]52;c;',
    );
    expect(fake.count("CreateToken")).toBe(0);
  });

  test("one registration serves a browser login and a device login", async () => {
    expect((await awsx(["login", "dev"])).code).toBe(0);
    expect((await awsx(["login", "dev", "--use-device-code"])).code).toBe(0);
    expect(fake.count("RegisterClient")).toBe(1);
  });
});

test("--write-cli-cache also writes the AWS CLI's cache file, mode 0600", async () => {
  const r = await awsx(["login", "dev", "--write-cli-cache"]);
  expect(r.code).toBe(0);
  const file = join(
    home.dir,
    ".aws",
    "sso",
    "cache",
    `${ssoCacheKey({ name: "corp", startUrl: START_URL })}.json`,
  );
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const cached = JSON.parse(readFileSync(file, "utf8"));
  expect(cached.startUrl).toBe(START_URL);
  expect(fake.issued).toContain(cached.accessToken);
  expect(cached.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(cached.clientId).toBeTruthy();
  const out = await awsx(["logout", "--write-cli-cache"]);
  expect(out.code).toBe(0);
  expect(existsSync(file)).toBe(false);
});

test("the legacy form (sso_start_url in the profile) signs in per start URL", async () => {
  writeFileSync(
    home.configFile,
    `[profile old]\nsso_start_url = ${START_URL}\nsso_region = eu-west-1\n` +
      "sso_account_id = 111111111111\nsso_role_name = ReadOnly\n",
  );
  const r = await awsx(["login", "old", "--use-device-code", "--write-cli-cache"]);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(`signed in to start URL ${START_URL} until`);
  expect(fake.calls.find((c) => c.op === "StartDeviceAuthorization")!.body.startUrl).toBe(
    START_URL,
  );
  const key = ssoCacheKey({ startUrl: START_URL });
  expect(existsSync(join(home.dir, ".aws", "sso", "cache", `${key}.json`))).toBe(true);
});

test("logout ends the session at the portal and forgets the token", async () => {
  expect((await awsx(["login", "dev"])).code).toBe(0);
  const token = fake.issued[0]!;
  expect(fake.isValidAccessToken(token)).toBe(true);
  const r = await awsx(["logout"]);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain("signed out of 1 SSO session(s)");
  expect(fake.count("Logout")).toBe(1);
  expect(fake.calls.find((c) => c.op === "Logout")!.bearer).toBe(token);
  expect(fake.isValidAccessToken(token)).toBe(false);
  const sync = await awsx(["sync", "--dry-run"]);
  expect(sync.code).toBe(79);
  expect(sync.stderr).toContain('not signed in to sso-session "corp"');
  const twice = await awsx(["logout", "dev"]);
  expect(twice.code).toBe(0);
  expect(twice.stderr).toContain("no SSO sign-in to end");
  expect(fake.count("Logout")).toBe(1);
});

test("CI=true: login refuses at once, without a single call", async () => {
  // "At once": no call and no browser wait (that would be killed at the 30 s guard).
  const r = await awsx(["login", "dev"], { CI: "true" }, 30_000);
  expect(r.code).toBe(79);
  expect(r.stderr).toContain("CI is set");
  expect(fake.count()).toBe(0);
});

test("after awsx sso login, awsx exec of the profile gets the role's credentials", async () => {
  expect((await awsx(["login", "dev"])).code).toBe(0);
  const printer = writePrintCreds(home.dir);
  const r = await runAwsx(["exec", "dev", "--", process.execPath, printer], env());
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const child = JSON.parse(r.stdout);
  expect(child.id).toBe(ROLE_KEYS.accessKeyId);
  expect(child.profile).toBe("dev");
  const get = fake.calls.find((c) => c.op === "GetRoleCredentials")!;
  expect(get.query).toEqual({ role_name: "ReadOnly", account_id: "111111111111" });
  expect(fake.issued).toContain(get.bearer);
  // Signed out, the cached role session goes too: the next run needs a new login.
  expect((await awsx(["logout", "dev"])).code).toBe(0);
  const after = await runAwsx(["exec", "dev", "--", process.execPath, printer], env());
  expect(after.code).toBe(79);
  expect(after.stderr).toContain("awsx sso login --sso-session corp");
  expect(fake.count("GetRoleCredentials")).toBe(1);
});

test("a portal error's type and message are written out, also in --debug", async () => {
  expect((await awsx(["login", "dev"])).code).toBe(0);
  fake.switches.roleCredentialsError = {
    status: 400,
    body: { __type: "Odd\x1b]0;owned\x07Exception", message: "no\x1b[2J access\u202e\x9b1m" },
  };
  const r = await runAwsx(["exec", "dev", "--debug", "--", "true"], env());
  expect(r.code).toBe(77);
  expect(r.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
  const written = "Odd\\x1b]0;owned\\x07Exception: no\\x1b[2J access\\u202e\\x9b1m";
  expect(r.stderr).toContain(`awsx: IAM Identity Center refused GetRoleCredentials of ReadOnly`);
  expect(r.stderr).toContain(`: ${written}; see the message from IAM Identity Center\n`);
  expect(r.stderr).toContain(`awsx[debug]: cause: ${written}\n`);
});

// Numbers in an answer that make no date or no pause (a hostile or broken service) are
// refused where they arrive (exit 77), not an internal error (70) or a polling loop.
describe("numbers an answer gives", () => {
  const restart = async (options: Parameters<typeof startFakeSso>[0]) => {
    await fake.close();
    fake = await startFakeSso({ roleKeys: () => ROLE_KEYS, ...options });
  };

  test("a polling interval of 25 days (Node's timer: 1 ms) is refused", async () => {
    await restart({ interval: 2_147_484 });
    const r = await awsx(["login", "dev", "--use-device-code"]);
    expect(r.stderr).toContain("answer with interval 2147484, not 0-3600 s (invalid_response)");
    expect(r.code).toBe(77);
    expect(fake.count("CreateToken")).toBe(0);
  });

  test("a token lifetime of 1e300 s is refused", async () => {
    await restart({ accessTokenSeconds: 1e300 });
    const r = await awsx(["login", "dev", "--use-device-code"]);
    expect(r.stderr).toContain("answer with expiresIn 1e+300, not 0-316224000 s");
    expect(r.code).toBe(77);
    expect(r.stderr).not.toContain("internal error");
  });

  test("a client registration that ends after the year 9999 is refused", async () => {
    await restart({ registrationSeconds: 1e300 });
    const r = await awsx(["login", "dev", "--use-device-code"]);
    expect(r.stderr).toMatch(
      /answer with clientSecretExpiresAt 1(\.\d+)?e\+300, not 0-253402300799 s/,
    );
    expect(r.code).toBe(77);
  });

  test("a role session's expiration that is no time is refused", async () => {
    await restart({ roleSeconds: 1e20 });
    expect((await awsx(["login", "dev", "--use-device-code"])).code).toBe(0);
    const r = await runAwsx(["exec", "dev", "--", "true"], env());
    expect(r.stderr).toMatch(
      /^awsx: the SSO portal answered the expiration 1\.0+\d*e\+23, which is not a time\n$/,
    );
    expect(r.code).toBe(77);
  });

  test("role keys with escape sequences are refused, never printed", async () => {
    await fake.close();
    fake = await startFakeSso({
      roleKeys: () => ({ ...ROLE_KEYS, accessKeyId: "ASIA\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J" }),
    });
    expect((await awsx(["login", "dev", "--use-device-code"])).code).toBe(0);
    const r = await runAwsx(["env", "dev"], env());
    expect(r.stderr).toBe(
      "awsx: the SSO portal answered an access key id that is not printable ASCII, which " +
        "AWS never issues; nothing was used: check the endpoint (AWS_ENDPOINT_URL_*) and any " +
        "proxy\n",
    );
    expect(r.stdout).toBe("");
    expect(r.code).toBe(77);
  });

  test("an access token with a line break is refused at sign-in, not at each run", async () => {
    fake.switches.tokenAnswer = { accessToken: "at\x1b[2J\nx" };
    const r = await awsx(["login", "dev", "--use-device-code"]);
    expect(r.stderr).toContain("answer with an accessToken that is not ASCII (invalid_response)");
    expect(r.code).toBe(77);
  });
});
