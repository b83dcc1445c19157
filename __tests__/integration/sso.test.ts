// SSO profiles through the built CLI: the fake IAM Identity Center (portal + OIDC on
// loopback) hands out the keys of a moto IAM user, so `aws sts get-caller-identity` run by
// awsx proves the credentials reach a real consumer. The token is seeded where `aws sso
// login` leaves it (~/.aws/sso/cache), so reading the CLI's cache is covered on the way.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { copyAwsx, runAwsx, type AwsxRun } from "../helpers/awsx.js";
import { startFakeSso, type FakeSso, type FakeToken } from "../helpers/fakeSso.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { startMoto, type Moto, type MotoUser } from "../helpers/moto.js";
import { needs } from "../helpers/requirements.js";
import { joinRegExp } from "../helpers/regex.js";

const describeIf = await needs("moto_server", "aws");

const ACCOUNT = "111122223333";
const START = "https://corp.awsapps.com/start";
const LEGACY_START = "https://old.awsapps.com/start";
const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
const CORP_KEY = sha1("corp");

// Config that every test reads: good profiles, and one per validation error.
const config = (roleArn: string) => `
[sso-session corp]
sso_start_url = ${START}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = ${ACCOUNT}
sso_role_name = Dev
region = us-east-1

[profile legacy]
sso_start_url = ${LEGACY_START}
sso_region = us-east-1
sso_account_id = ${ACCOUNT}
sso_role_name = Dev
region = us-east-1

[profile chained]
role_arn = ${roleArn}
source_profile = dev
region = us-east-1

[profile noperm]
sso_session = corp
sso_account_id = ${ACCOUNT}
sso_role_name = NotAssigned

[profile ghost]
sso_session = nope
sso_account_id = 1
sso_role_name = R

[profile clash]
sso_session = corp
sso_region = eu-west-1
sso_account_id = 1
sso_role_name = R

[profile norole]
sso_session = corp
sso_account_id = 1

[profile halflegacy]
sso_start_url = ${LEGACY_START}
sso_role_name = R

[sso-session regionless]
sso_start_url = ${START}

[profile regionelsewhere]
sso_session = regionless
sso_region = us-east-1
sso_account_id = 1
sso_role_name = R
`;

describeIf("SSO profiles through the built CLI", () => {
  let moto: Moto;
  let fake: FakeSso;
  let user: MotoUser;
  let roleArn: string;
  let home: TempHome;
  let env: (extra?: Record<string, string | undefined>) => Record<string, string>;

  beforeAll(async () => {
    moto = await startMoto();
    user = await moto.createUser("sso-user");
    roleArn = (await moto.createRole("deploy")).arn;
    fake = await startFakeSso({
      accounts: [{ accountId: ACCOUNT, accountName: "dev", roles: ["Dev"] }],
      roleKeys: () => ({
        accessKeyId: user.accessKeyId,
        secretAccessKey: user.secretAccessKey,
        sessionToken: "FwoFAKESSOSESSIONTOKEN",
      }),
    });
  }, 60_000);
  afterAll(async () => {
    await fake?.close();
    await moto?.stop();
  });

  beforeEach(() => {
    home = makeHome({ config: config(roleArn) });
    env = (extra = {}) =>
      home.env({
        AWS_ENDPOINT_URL_SSO: fake.url,
        AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
        AWS_ENDPOINT_URL_STS: moto.url,
        AWS_ACCESS_KEY_ID: undefined,
        AWSX_BACKEND: "file",
        AWSX_FILE_PASSPHRASE: "sso-test-passphrase",
        AWSX_CACHE_DIR: join(home.dir, "awsx-cache"),
        CI: "true",
        ...extra,
      });
    fake.reset();
  });
  afterEach(() => home.cleanup());

  // Where `aws sso login` leaves a token.
  const seed = (key: string, t: FakeToken, startUrl = START, expiresAt?: string) => {
    const dir = join(home.dir, ".aws", "sso", "cache");
    mkdirSync(dir, { recursive: true });
    const token = { startUrl, region: "us-east-1", ...t, ...(expiresAt ? { expiresAt } : {}) };
    writeFileSync(join(dir, `${key}.json`), JSON.stringify(token), { mode: 0o600 });
  };
  const cliToken = (key: string) =>
    JSON.parse(readFileSync(join(home.dir, ".aws", "sso", "cache", `${key}.json`), "utf8"));
  const identity = (r: AwsxRun) => JSON.parse(r.stdout).Arn as string;
  const ok = (r: AwsxRun) =>
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });

  test(
    "exec sso-profile -- aws sts get-caller-identity: " + "the SSO role's keys reach aws",
    async () => {
      seed(CORP_KEY, fake.mintToken());
      const r = await runAwsx(["exec", "dev", "--", "aws", "sts", "get-caller-identity"], env());
      ok(r);
      expect(identity(r)).toBe(user.arn);
      expect(fake.count("GetRoleCredentials")).toBe(1);
      expect(fake.count("CreateToken")).toBe(0);
      // The role credentials are cached like an STS session: the second run calls nothing,
      // and loads no SDK: a copy of awsx without its lazy bundles serves it.
      const bare = mkdtempSync(join(tmpdir(), "awsx-bare-"));
      try {
        const bin = copyAwsx(bare, [
          "bin/awsx.js",
          "bin/package.json",
          "dist/agent-client.cjs",
          "dist/awsx.cjs",
          "dist/package.json",
        ]);
        const again = await runAwsx(["exec", "dev", "--", "node", "-e", "0"], env(), 30_000, bin);
        ok(again);
      } finally {
        rmSync(bare, { recursive: true, force: true });
      }
      expect(fake.count("GetRoleCredentials")).toBe(1);
    },
  );

  test("the legacy form reads the token under sha1(start URL)", async () => {
    seed(sha1(LEGACY_START), fake.mintToken({ refresh: false }), LEGACY_START);
    const r = await runAwsx(["exec", "legacy", "--", "aws", "sts", "get-caller-identity"], env());
    ok(r);
    expect(identity(r)).toBe(user.arn);
  });

  test(
    "an expired access token is refreshed once and written back to " + "the CLI's cache",
    async () => {
      const t = fake.mintToken();
      fake.expireAccessTokens();
      seed(CORP_KEY, t, START, new Date(Date.now() - 60_000).toISOString());
      const r = await runAwsx(["exec", "dev", "--", "aws", "sts", "get-caller-identity"], env());
      ok(r);
      expect(fake.count("CreateToken")).toBe(1);
      expect(fake.count("GetRoleCredentials")).toBe(1);
      const after = cliToken(CORP_KEY);
      expect(after.accessToken).not.toBe(t.accessToken);
      expect(fake.isValidAccessToken(after.accessToken)).toBe(true);
      expect(Date.parse(after.expiresAt)).toBeGreaterThan(Date.now() + 30 * 60_000);
    },
  );

  test("16 parallel runs, expired access token: one CreateToken, " +
    "one GetRoleCredentials", async () => {
    const t = fake.mintToken();
    fake.expireAccessTokens();
    seed(CORP_KEY, t, START, new Date(Date.now() - 60_000).toISOString());
    fake.switches.delayMs = 200;
    try {
      const runs = await Promise.all(
        Array.from({ length: 16 }, () =>
          runAwsx(["exec", "dev", "--", "node", "-e", "0"], env(), 90_000),
        ),
      );
      for (const r of runs) ok(r);
    } finally {
      fake.switches.delayMs = 0;
    }
    expect(fake.count("CreateToken")).toBe(1);
    expect(fake.count("GetRoleCredentials")).toBe(1);
  }, 120_000);

  test("a role chain with an SSO source: AssumeRole signed with the SSO role's keys", async () => {
    seed(CORP_KEY, fake.mintToken());
    await moto.startRecording();
    const r = await runAwsx(["exec", "chained", "--", "aws", "sts", "get-caller-identity"], env());
    await moto.stopRecording();
    ok(r);
    expect(identity(r)).toMatch(/:assumed-role\/deploy\//);
    const assume = (await moto.recordedCalls()).filter((c) => c.action === "AssumeRole");
    expect(assume).toHaveLength(1);
    expect(JSON.stringify(assume[0])).toContain(user.accessKeyId);
    expect(fake.count("GetRoleCredentials")).toBe(1);
  });

  test("no token, CI: exit 79 at once, one line naming awsx sso login", async () => {
    const r = await runAwsx(["exec", "dev", "--", "true"], env());
    expect(r.code).toBe(79);
    expect(r.stderr).toBe(
      'awsx: profile "dev": not signed in to IAM Identity Center for sso-session "corp"; ' +
        "run `awsx sso login --sso-session corp` (or `aws sso login` for the profile)\n",
    );
    const legacy = await runAwsx(["exec", "legacy", "--", "true"], env());
    expect(legacy.code).toBe(79);
    expect(legacy.stderr).toContain("run `awsx sso login legacy`");
  });

  test(
    "expired, refresh refused: 79; a token the portal rejects: 79; " + "an unassigned role: 77",
    async () => {
      const t = fake.mintToken();
      fake.expireAccessTokens();
      seed(CORP_KEY, t, START, new Date(Date.now() - 60_000).toISOString());
      fake.switches.invalidGrantOnRefresh = true;
      const r = await runAwsx(["exec", "dev", "--", "true"], env());
      fake.switches.invalidGrantOnRefresh = false;
      expect(r.code).toBe(79);
      expect(r.stderr).toMatch(/expired at .* and could not be refreshed .*awsx sso login/);

      seed(CORP_KEY, fake.mintToken());
      fake.switches.unauthorized = true;
      const u = await runAwsx(["exec", "dev", "--", "true"], env());
      fake.switches.unauthorized = false;
      expect(u.code).toBe(79);
      expect(u.stderr).toMatch(/rejected the SSO token/);

      const f = await runAwsx(["exec", "noperm", "--", "true"], env());
      expect(f.code).toBe(77);
      expect(f.stderr).toMatch(
        joinRegExp(
          /ForbiddenException.*check sso_account_id and sso_role_name: the user /,
          /must be assigned that role\n$/,
        ),
      );
    },
  );

  test("every validation error: 78, one line, the CLI's words and a fix", async () => {
    const cases: Record<string, RegExp> = {
      ghost: /The specified sso-session does not exist: "nope"/,
      clash: joinRegExp(
        /The value for sso_region is inconsistent between profile \(eu-west-1\) /,
        /and sso-session \(us-east-1\)/,
      ),
      norole: /is configured to use SSO but is missing required configuration: sso_role_name/,
      halflegacy: /missing required configuration: sso_account_id, sso_region/,
      regionelsewhere: /SSO token provider but is missing the following configuration: sso_region/,
    };
    for (const [profile, re] of Object.entries(cases)) {
      const r = await runAwsx(["exec", profile, "--", "true"], env());
      expect({ profile, code: r.code }).toEqual({ profile, code: 78 });
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/; (add|remove|fix)/);
    }
    expect(fake.calls).toHaveLength(0);
  });

  test(
    "explain shows the SSO hop; list the sign-in; clear leaves the token, " + "logout's job",
    async () => {
      seed(CORP_KEY, fake.mintToken());
      const x = await runAwsx(["explain", "dev", "--json"], env());
      ok(x);
      const data = JSON.parse(x.stdout);
      expect(data.hops).toEqual([
        expect.objectContaining({
          kind: "sso",
          accountId: ACCOUNT,
          roleName: "Dev",
          ssoSession: "corp",
          startUrl: START,
          ssoRegion: "us-east-1",
          sessionFrom: `${home.configFile} [sso-session corp]`,
          from: `${home.configFile} [profile dev]`,
        }),
      ]);
      expect(data.ssoPortal).toEqual({
        label: fake.url,
        from: "AWS_ENDPOINT_URL_SSO",
        route: {
          proxy: null,
          proxyWhy: "no HTTP_PROXY or http_proxy is set",
          caBundle: null,
          caBundleFrom: "not used: plain http",
        },
      });

      ok(await runAwsx(["exec", "dev", "--", "true"], env()));
      const l = await runAwsx(["list"], env());
      ok(l);
      expect(l.stdout).toMatch(/^dev +sso$/m);
      expect(l.stdout).toMatch(/^ {2}corp +5\dm +AWS CLI cache$/m);
      expect(l.stdout).toMatch(/^ {2}dev +sso +111122223333\/Dev /m);
      expect(l.stdout).not.toContain("unsupported");

      // The role session goes, the sign-in stays (awsx sso logout removes it).
      const c = await runAwsx(["clear"], env());
      expect({ code: c.code, stderr: c.stderr }).toEqual({
        code: 0,
        stderr: "awsx: removed 1 cached session from the file cache\n",
      });
      // An expired legacy token with refresh keys: never refreshed, so not refreshable.
      const expired = new Date(Date.now() - 60_000).toISOString();
      seed(sha1(LEGACY_START), fake.mintToken(), LEGACY_START, expired);
      const l2 = JSON.parse((await runAwsx(["list", "--json"], env())).stdout);
      expect(l2.sessions).toEqual([]);
      expect(l2.ssoTokens).toEqual([
        expect.objectContaining({ session: "corp", from: "aws-cli", refreshable: true }),
        { session: "regionless", startUrl: START },
        expect.objectContaining({ session: LEGACY_START, secondsLeft: 0, refreshable: false }),
      ]);
    },
  );
});
