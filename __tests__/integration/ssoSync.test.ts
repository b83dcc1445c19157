// awsx sso sync through the built CLI against the fake portal, signed in through the AWS
// CLI's own token cache (a user who ran `aws sso login`): every page of accounts and roles,
// the marked block, the user's bytes kept, idempotence, the dry run's diff, mode and symlink.
import { spawnSync } from "node:child_process";
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  chmodSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { ssoCacheKey } from "../../src/sso/ssoToken.js";
import { runAwsx } from "../helpers/awsx.js";
import { startFakeSso, type FakeSso } from "../helpers/fakeSso.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { needsForTest } from "../helpers/requirements.js";

const START_URL = "https://d-fake.awsapps.com/start";
// The user's own text: odd spacing, comments, a tab, no newline at the end.
const USER = `# my config
[default]
region   =   eu-west-1 ; inline
\t# tabbed comment

[sso-session corp]
sso_start_url = ${START_URL}
sso_region = eu-west-1
[profile prod/Admin]
region = us-east-1`;

let fake: FakeSso;
let home: TempHome;

const env = () =>
  home.env({ AWS_ENDPOINT_URL_SSO: fake.url, AWSX_BACKEND: "none", AWS_REGION: "eu-west-1" });
const sync = (...args: string[]) => runAwsx(["sso", "sync", ...args], env());
const config = () => readFileSync(home.configFile, "utf8");

const cliTokenFile = () =>
  join(
    home.dir,
    ".aws",
    "sso",
    "cache",
    `${ssoCacheKey({ name: "corp", startUrl: START_URL })}.json`,
  );

// What `aws sso login` leaves: ~/.aws/sso/cache/<sha1 of the session name>.json (without a
// refresh token, unless asked; expired when asked).
function cliToken(o: { refresh?: boolean; expired?: boolean } = {}): void {
  const t = fake.mintToken();
  mkdirSync(join(home.dir, ".aws", "sso", "cache"), { recursive: true, mode: 0o700 });
  const { refreshToken, ...rest } = t;
  const expiresAt = o.expired ? new Date(Date.now() - 60_000).toISOString() : t.expiresAt;
  const token = { startUrl: START_URL, region: "eu-west-1", ...rest, expiresAt };
  writeFileSync(cliTokenFile(), JSON.stringify(o.refresh ? { ...token, refreshToken } : token), {
    mode: 0o600,
  });
}

beforeEach(async () => {
  fake = await startFakeSso({
    pageSize: 1,
    accounts: [
      { accountId: "111111111111", accountName: "Data Lake", roles: ["ReadOnly", "Admin"] },
      { accountId: "222222222222", accountName: "prod", roles: ["Admin", "Billing"] },
      { accountId: "333333333333", accountName: "audit", roles: ["Auditor"] },
    ],
  });
  home = makeHome({ config: USER });
  cliToken();
});
afterEach(async () => {
  await fake.close();
  home.cleanup();
});

test("one profile per account and role, every page, the user's bytes untouched", async () => {
  chmodSync(home.configFile, 0o640);
  const r = await sync("--sso-session", "corp");
  expect(r.code).toBe(0);
  expect(fake.count("ListAccounts")).toBe(3);
  expect(fake.count("ListAccountRoles")).toBe(5);
  expect(r.stderr).toContain('profile "prod/Admin" is yours (outside the block): not written');
  expect(r.stderr).toContain('wrote 4 profile(s) of "corp"');
  const text = config();
  expect(text.startsWith(`${USER}\n\n# BEGIN awsx sso sync corp\n`)).toBe(true);
  const names = [...text.matchAll(/^\[profile ([^\]]+)\]$/gm)].map((m) => m[1]);
  expect(names).toEqual([
    "prod/Admin",
    "Data-Lake/Admin",
    "Data-Lake/ReadOnly",
    "audit/Auditor",
    "prod/Billing",
  ]);
  expect(text).toContain(
    "[profile Data-Lake/ReadOnly]\nsso_session = corp\nsso_account_id = 111111111111\n" +
      "sso_role_name = ReadOnly\n",
  );
  expect(text.endsWith("# END awsx sso sync corp\n")).toBe(true);
  expect(statSync(home.configFile).mode & 0o777).toBe(0o640);

  const again = await sync();
  expect(again.code).toBe(0);
  expect(again.stderr).toContain('4 profile(s) of "corp", no change');
  expect(config()).toBe(text);
});

test("a second sync replaces only the block, in place", async () => {
  expect((await sync()).code).toBe(0);
  const after = `${config()}\n[profile mine]\nregion = us-west-2\n`;
  writeFileSync(home.configFile, after.replace("sso_role_name = Auditor", "sso_role_name = X"));
  const r = await sync("--template", "{account_id}-{role_name}");
  expect(r.code).toBe(0);
  const text = config();
  const begin = text.indexOf("# BEGIN");
  const end = text.indexOf("# END awsx sso sync corp\n") + "# END awsx sso sync corp\n".length;
  expect(text.slice(0, begin)).toBe(after.slice(0, after.indexOf("# BEGIN")));
  expect(text.slice(end)).toBe("\n[profile mine]\nregion = us-west-2\n");
  expect(text).toContain("[profile 333333333333-Auditor]\nsso_session = corp\n");
  expect(text).not.toContain("Data-Lake/");
});

test("--dry-run prints the diff patch(1) applies, and writes nothing", async () => {
  const before = config();
  const dry = await sync("--dry-run");
  expect(dry.code).toBe(0);
  expect(config()).toBe(before);
  expect(dry.stdout).toMatch(/^--- .*config\n\+\+\+ .*config \(awsx sso sync\)\n@@ /);
  expect(dry.stdout).toContain("+[profile audit/Auditor]\n");
  const copy = join(home.dir, "copy");
  writeFileSync(copy, before);
  const p = spawnSync("patch", ["-s", copy], { input: dry.stdout, encoding: "utf8" });
  expect(p.status).toBe(0);
  expect((await sync()).code).toBe(0);
  expect(readFileSync(copy, "utf8")).toBe(config());
  const none = await sync("--dry-run");
  expect(none.stdout).toBe("");
});

test("a symlinked config stays a symlink; its target is rewritten", async () => {
  const real = join(home.dir, "dotfiles-config");
  renameSync(home.configFile, real);
  symlinkSync(real, home.configFile);
  expect((await sync()).code).toBe(0);
  expect(lstatSync(home.configFile).isSymbolicLink()).toBe(true);
  expect(readFileSync(real, "utf8")).toContain("# BEGIN awsx sso sync corp");
});

test("an expired token with a refresh token is refreshed once, then used", async () => {
  cliToken({ refresh: true, expired: true });
  fake.expireAccessTokens();
  fake.reset();
  const r = await runAwsx(["sso", "sync", "--sso-session", "corp"], {
    ...env(),
    AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
  });
  expect(r.code).toBe(0);
  expect(fake.calls.filter((c) => c.op === "CreateToken").map((c) => c.body.grantType)).toEqual([
    "refresh_token",
  ]);
  expect(fake.calls.find((c) => c.op === "ListAccounts")!.bearer).toBe(fake.issued.at(-2));
  // The token came from the AWS CLI's cache, so the refreshed one goes back there.
  expect(JSON.parse(readFileSync(cliTokenFile(), "utf8")).accessToken).toBe(fake.issued.at(-2));
});

test("a legacy profile (start URL in it): exit 78 saying how to convert, no call", async () => {
  const legacy = `[profile old]\nsso_start_url = ${START_URL}\nsso_region = eu-west-1\n`;
  writeFileSync(home.configFile, legacy);
  const r = await sync("old");
  expect(r.code).toBe(78);
  expect(r.stderr).toBe(
    `awsx: awsx sso sync writes profiles that name an sso-session, and profile "old" names its ` +
      `start URL itself (the legacy form); convert it: add [sso-session d-fake] with ` +
      `sso_start_url = ${START_URL} and sso_region = eu-west-1 to ${home.configFile}, replace ` +
      `sso_start_url and sso_region in [profile old] with sso_session = d-fake, then run awsx ` +
      "sso login --sso-session d-fake and sync again (docs/sso.md#setup)\n",
  );
  expect(fake.calls).toEqual([]);
  expect(config()).toBe(legacy);
});

test("a token the portal refuses: exit 79 naming the login to run, file unchanged", async () => {
  fake.expireAccessTokens();
  const r = await sync();
  expect(r.code).toBe(79);
  expect(r.stderr).toContain("run awsx sso login --sso-session corp");
  expect(config()).toBe(USER);
});

const testAwsCli = await needsForTest("aws");

testAwsCli("the AWS CLI reads the profiles sync wrote", async () => {
  expect((await sync()).code).toBe(0);
  const r = spawnSync(
    "aws",
    ["configure", "get", "sso_account_id", "--profile", "Data-Lake/ReadOnly"],
    { env: env(), encoding: "utf8" },
  );
  expect(r.stdout.trim()).toBe("111111111111");
});
