// A hostile SSO portal against the built `awsx sso sync` (issue 32, finding 1): account ids
// and role names with line breaks, section headers, credential_process lines and the sync
// block's own marker lines. Before the fix they landed in ~/.aws/config as sections of their
// own, whose credential_process `awsx exec default` and the AWS CLI then ran; an injected
// END/BEGIN pair kept the section through a later sync against a clean portal. Now sync
// refuses the answer (77) before writing anything, and the file stays byte for byte.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ssoCacheKey } from "../../src/sso/ssoToken.js";
import { runAwsx } from "../helpers/awsx.js";
import { type FakeAccount, type FakeSso, startFakeSso } from "../helpers/fakeSso.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { needsForTest } from "../helpers/requirements.js";

const START_URL = "https://d-fake.awsapps.com/start";
const USER = `[sso-session corp]\nsso_start_url = ${START_URL}\nsso_region = eu-west-1\n`;
const CLEAN: FakeAccount = { accountId: "111111111111", accountName: "dev", roles: ["Admin"] };
const OPS: FakeAccount = { accountId: "222222222222", accountName: "ops", roles: ["Admin"] };

let fake: FakeSso | undefined;
let home: TempHome;
let canary: string;

// What the portal smuggles in: a [default] whose credential_process leaves the canary (and a
// section for the keys sync writes after the value to land in).
const payload = () =>
  `\n[default]\ncredential_process = /usr/bin/touch ${canary}\n[profile smuggled]\n`;
const END = "# END awsx sso sync corp";
const BEGIN = "# BEGIN awsx sso sync corp";

const env = () =>
  home.env({
    AWS_ENDPOINT_URL_SSO: fake!.url,
    AWSX_BACKEND: "none",
    AWS_REGION: "eu-west-1",
    // Where the AWS CLI would send GetCallerIdentity: a closed loopback port, never AWS.
    AWS_ENDPOINT_URL_STS: "http://127.0.0.1:9",
  });
const config = () => readFileSync(home.configFile, "utf8");

// A portal with these accounts, and a token for it in the AWS CLI's cache.
async function portal(accounts: FakeAccount[]): Promise<void> {
  await fake?.close();
  fake = await startFakeSso({ accounts });
  const { refreshToken: _r, ...t } = fake.mintToken();
  const dir = join(home.dir, ".aws", "sso", "cache");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${ssoCacheKey({ name: "corp", startUrl: START_URL })}.json`);
  writeFileSync(file, JSON.stringify({ startUrl: START_URL, region: "eu-west-1", ...t }));
}

beforeEach(() => {
  home = makeHome({ config: USER });
  canary = join(home.dir, "canary");
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  home.cleanup();
});

// The injected profile must not exist: awsx finds no [default], and nothing ran.
async function expectNoDefault(): Promise<void> {
  const r = await runAwsx(["exec", "default", "--", "true"], env());
  expect(existsSync(canary)).toBe(false);
  expect(r.code).toBe(67);
}

test.each([
  ["a role name", () => ({ ...OPS, roles: [`Admin${payload()}`] })],
  ["an account id", () => ({ ...OPS, accountId: `222222222222${payload()}` })],
])("%s with a [default] section in it: refused (77), file unchanged", async (_, shape) => {
  const hostile: FakeAccount = shape();
  await portal([CLEAN, hostile]);
  const r = await runAwsx(["sso", "sync", "--sso-session", "corp"], env());
  await expectNoDefault();
  expect(r.code).toBe(77);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/^awsx: the SSO portal answered .*; nothing was written/);
  expect(config()).toBe(USER);
});

test("an injected END/BEGIN pair cannot keep a section through a later clean sync", async () => {
  const marked = `Admin\n${END}${payload()}${BEGIN}`;
  await portal([{ ...CLEAN, roles: [marked] }]);
  await runAwsx(["sso", "sync"], env());
  await portal([CLEAN]);
  const r = await runAwsx(["sso", "sync"], env());
  expect(r.code).toBe(0);
  const text = config();
  expect(text).not.toContain("credential_process");
  expect(text.match(/^# (BEGIN|END) awsx sso sync corp$/gm)).toEqual([BEGIN, END]);
  await expectNoDefault();
});

test(
  "a config an older awsx already wrote such a section into: " + "refused (78), unchanged",
  async () => {
    // What the unfixed sync left: the injected section between two END/BEGIN pairs.
    const block = (role: string) =>
      `[profile dev/Admin]\nsso_session = corp\nsso_account_id = 111111111111\n` +
      `sso_role_name = ${role}\n`;
    const poisoned = `${USER}\n${BEGIN}\n${block("Admin")}${END}${payload()}${BEGIN}\n${END}\n`;
    writeFileSync(home.configFile, poisoned);
    await portal([CLEAN]);
    const r = await runAwsx(["sso", "sync"], env());
    expect(r.code).toBe(78);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`"${BEGIN}" twice (lines 5 and 14)`);
    expect(config()).toBe(poisoned);
  },
);

const testAwsCli = await needsForTest("aws");

testAwsCli("the AWS CLI finds no injected profile after the hostile sync", async () => {
  await portal([{ ...CLEAN, roles: [`Admin${payload()}`] }]);
  await runAwsx(["sso", "sync"], env());
  const r = spawnSync("aws", ["sts", "get-caller-identity", "--profile", "default"], {
    env: env(),
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(existsSync(canary)).toBe(false);
  expect(r.stderr).toContain("The config profile (default) could not be found");
});

test("a --profile-region with a line break in it: 64 before any call, file unchanged", async () => {
  await portal([CLEAN]);
  const region = `eu-west-1\ncredential_process = /usr/bin/touch ${canary}`;
  const r = await runAwsx(["sso", "sync", "--profile-region", region], env());
  expect(r.code).toBe(64);
  expect(r.stderr).toMatch(/^awsx: --profile-region "eu-west-1\\ncredential_process = .*" is not/);
  expect(fake!.count()).toBe(0);
  expect(config()).toBe(USER);
});
