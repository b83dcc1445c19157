// The AWS CLI's SSO token file (~/.aws/sso/cache/<sha1>.json, src/sso/ssoToken.ts) is read
// as the CLI reads it, a symbolic link followed, but only when it leads to a regular file of
// at most 100,000 bytes, checked on the open file before reading: a FIFO hung `exec` and
// `list`, a link to /dev/zero made awsx read 677 MB. Issue 32, finding 9.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AWSX_BIN, runAwsx, runDetached } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { needsForTest } from "../helpers/requirements.js";

const withPython = await needsForTest("python3");
const KEY = createHash("sha1").update("corp").digest("hex");
const CONFIG = `[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev
region = us-east-1
`;
const NOT_SIGNED_IN = { session: "corp", startUrl: "https://corp.awsapps.com/start" };

let home: TempHome;
let tokenFile: string;
beforeEach(() => {
  home = makeHome({ config: CONFIG });
  const dir = path.join(home.dir, ".aws", "sso", "cache");
  mkdirSync(dir, { recursive: true });
  tokenFile = path.join(dir, `${KEY}.json`);
});
afterEach(() => home.cleanup());

const env = () =>
  home.env({ CI: "true", AWSX_BACKEND: "none", AWS_ENDPOINT_URL_SSO: "http://127.0.0.1:9" });
// A run that blocks on the FIFO is killed after 20 s (code null).
const exec = () => runAwsx(["exec", "dev", "--", "true"], env(), 20_000);
async function listed(): Promise<unknown[]> {
  const r = await runAwsx(["list", "--json"], env(), 20_000);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  return JSON.parse(r.stdout).ssoTokens;
}
const expectNotSignedIn = (r: Awaited<ReturnType<typeof exec>>) => {
  expect(r.code).toBe(79);
  expect(r.stderr).toMatch(/^awsx: .*awsx sso login/);
};

test(
  "a FIFO there: exec is not signed in (79), list shows no sign-in; " + "neither blocks",
  async () => {
    execFileSync("mkfifo", [tokenFile]);
    expectNotSignedIn(await exec());
    expect(await listed()).toEqual([NOT_SIGNED_IN]);
  },
);

test("a symbolic link to a regular file is followed, as the CLI follows it", async () => {
  const real = path.join(home.dir, "token.json");
  const expiresAt = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
  writeFileSync(real, JSON.stringify({ accessToken: "aoaFAKE", expiresAt, region: "us-east-1" }));
  symlinkSync(real, tokenFile);
  expect(await listed()).toEqual([
    expect.objectContaining({
      session: "corp",
      from: "aws-cli",
      expiresAt: new Date(expiresAt).toISOString(),
    }),
  ]);
});

test("a file over 100,000 bytes is not read", async () => {
  const expiresAt = new Date(Date.now() + 3600_000).toISOString();
  writeFileSync(
    tokenFile,
    JSON.stringify({ accessToken: "aoaFAKE", expiresAt, pad: "x".repeat(100_000) }),
  );
  expect(await listed()).toEqual([NOT_SIGNED_IN]);
});

test.each([
  ["accessToken a number", { accessToken: 7 }],
  ["accessToken empty", { accessToken: "" }],
  ["expiresAt not a time", { expiresAt: "soon" }],
  ["expiresAt a number", { expiresAt: 1e12 }],
])("a token whose %s is no token", async (_name, bad) => {
  const expiresAt = new Date(Date.now() + 3600_000).toISOString();
  writeFileSync(tokenFile, JSON.stringify({ accessToken: "aoaFAKE", expiresAt, ...bad }));
  expect(await listed()).toEqual([NOT_SIGNED_IN]);
});

// Peak memory of a run (python3's getrusage of its child, in KiB on Linux): no timing.
withPython(
  "a symbolic link to /dev/zero is not read: 79 at once, awsx stays small",
  async () => {
    symlinkSync("/dev/zero", tokenFile);
    const measure =
      "import resource, subprocess, sys\n" +
      "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n" +
      "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n" +
      "sys.stderr.write(r.stderr)\n";
    const args = ["-c", measure, process.execPath, AWSX_BIN, "exec", "dev", "--", "true"];
    const r = await runDetached("python3", args, env(), 60_000);
    const [code, kib] = r.stdout.trim().split(" ").map(Number);
    expect(code).toBe(79);
    expect(r.stderr).toMatch(/^awsx: .*awsx sso login/);
    expect(kib).toBeLessThan(200 * 1024); // a run is ~60 MiB; reading /dev/zero took 677 MB
  },
  90_000,
);
