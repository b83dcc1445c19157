// An SSO error awsx does not know (no error type in the answer: the SDK names it "Unknown")
// shows what the service said, on the one awsx line, for each SSO command: a run's
// GetRoleCredentials, sync's ListAccounts, login's RegisterClient. The built CLI against the
// loopback fake IAM Identity Center.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ssoCacheKey } from "../../src/sso/ssoToken.js";
import { runAwsx } from "../helpers/awsx.js";
import { startFakeSso, type FakeSso } from "../helpers/fakeSso.js";
import { makeHome, type TempHome } from "../helpers/home.js";

const START = "https://corp.awsapps.com/start";
const CONFIG = `[sso-session corp]
sso_start_url = ${START}
sso_region = us-east-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev
`;

let fake: FakeSso;
let home: TempHome;
beforeEach(async () => {
  fake = await startFakeSso({
    accounts: [{ accountId: "111122223333", accountName: "a", roles: ["Dev"] }],
  });
  home = makeHome();
  writeFileSync(home.configFile, CONFIG);
});
afterEach(async () => {
  await fake.close();
  home.cleanup();
});

const env = () =>
  home.env({
    AWS_ENDPOINT_URL_SSO: fake.url,
    AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
    AWSX_BACKEND: "none",
    BROWSER: "/bin/false",
  });

// A token where `aws sso login` leaves it.
function seedToken(): void {
  const dir = join(home.dir, ".aws", "sso", "cache");
  mkdirSync(dir, { recursive: true });
  const t = fake.mintToken();
  const file = join(dir, `${ssoCacheKey({ name: "corp", startUrl: START })}.json`);
  writeFileSync(file, JSON.stringify({ startUrl: START, region: "us-east-1", ...t }));
}

const SAID = "Portal maintenance until 19:00 UTC";
const oneLine = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("awsx: "));

test("a run: GetRoleCredentials answered 400 without a type", async () => {
  seedToken();
  fake.switches.untypedError = { count: 1, status: 400, body: { message: SAID } };
  const r = await runAwsx(["exec", "dev", "--", "true"], env());
  expect(r.code).toBe(77);
  expect(oneLine(r.stderr)).toEqual([
    expect.stringContaining(
      `refused GetRoleCredentials of Dev in 111122223333 for profile "dev": HTTP 400: ${SAID}`,
    ),
  ]);
  expect(r.stderr).not.toMatch(/Unknown/);
});

test("sync: ListAccounts answered 400 without a type", async () => {
  seedToken();
  fake.switches.untypedError = {
    count: 1,
    ops: ["ListAccounts"],
    status: 400,
    body: { message: SAID },
  };
  const r = await runAwsx(["sso", "sync", "--sso-session", "corp", "--dry-run"], env());
  expect(r.code).toBe(77);
  expect(oneLine(r.stderr)).toEqual([
    expect.stringContaining(`the SSO portal answered HTTP 400 (${SAID}) listing the accounts`),
  ]);
  expect(r.stderr).not.toMatch(/Unknown/);
});

test("login: RegisterClient answered 400 with an OAuth error the SDK does not model", async () => {
  fake.switches.untypedError = {
    count: 1,
    ops: ["RegisterClient"],
    status: 400,
    body: { error: "registration_paused", error_description: SAID },
  };
  const r = await runAwsx(["sso", "login", "dev", "--use-device-code"], {
    ...env(),
    AWSX_FILE_PASSPHRASE: "pass-for-test",
    AWSX_BACKEND: "file",
    AWSX_CACHE_DIR: join(home.dir, "cache"),
  });
  expect(r.code).toBe(77);
  expect(oneLine(r.stderr)).toEqual([
    expect.stringContaining(`answered HTTP 400 (registration_paused: ${SAID})`),
  ]);
  expect(r.stderr).not.toMatch(/Unknown/);
});
