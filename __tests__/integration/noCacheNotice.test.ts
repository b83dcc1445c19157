// No keychain and no AWSX_FILE_PASSPHRASE: awsx caches nothing, and says so once per
// terminal session on stderr, with the fix; never with --quiet, CI=true, off a terminal,
// or when stdout is read by a program (eval). Real ptys (util-linux script), moto's STS.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runAwsx, awsxCommand } from "../helpers/awsx.js";
import { makeHome, type TempHome, keysSection } from "../helpers/home.js";
import { startMoto, type Moto } from "../helpers/moto.js";
import { onPty } from "../helpers/pty.js";
import { needs } from "../helpers/requirements.js";

const NOTICE =
  /sessions are not cached \(.*AWSX_FILE_PASSPHRASE is not set\).*set AWSX_FILE_PASSPHRASE/;
const count = (text: string) => text.split(/\r?\n/).filter((l) => NOTICE.test(l)).length;

const describeIf = await needs("moto_server", "script");

describeIf("the no-cache notice", () => {
  let moto: Moto;
  let home: TempHome;
  let cacheDir: string;
  beforeAll(async () => {
    moto = await startMoto();
    const foo = await moto.createUser("foo");
    const role = await moto.createRole("target1-role");
    home = makeHome({
      credentials: keysSection("foo", foo),
      config:
        `[profile target1]\nrole_arn = ${role.arn}\nsource_profile = foo\n` +
        `region = us-east-1\n`,
    });
  }, 60_000);
  afterAll(async () => {
    home?.cleanup();
    await moto?.stop();
  });
  beforeEach(() => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), "awsx-notice-"));
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));
  // No DBUS_SESSION_BUS_ADDRESS (makeHome passes none through): the keychain cannot work.
  const env = (extra: Record<string, string> = {}) =>
    home.env({ AWS_ENDPOINT_URL_STS: moto.url, AWSX_CACHE_DIR: cacheDir, TERM: "dumb", ...extra });

  test("said once in a terminal session, again in the next one", async () => {
    const once = awsxCommand("exec", "target1", "--", "true");
    const twice = `${once}; ${once}`;
    const first = await onPty(twice, env(), "");
    expect(first.code).toBe(0);
    expect(count(first.terminal)).toBe(1);
    expect(first.terminal).toMatch(/D-Bus/); // the keychain's own reason
    const next = await onPty(awsxCommand("exec", "target1", "--", "true"), env(), "");
    expect(count(next.terminal)).toBe(1);
  }, 60_000);

  test.each([
    ["--quiet", awsxCommand("exec", "--quiet", "target1", "--", "true"), {}],
    ["CI=true", awsxCommand("exec", "target1", "--", "true"), { CI: "true" }],
    ["stdout read by eval", `out=$(${awsxCommand("env", "target1")}); echo "got $\{#out}"`, {}],
  ])(
    "never with %s",
    async (_, command, extra) => {
      const r = await onPty(command, env(extra), "");
      expect(r.code).toBe(0);
      expect(count(r.terminal)).toBe(0);
    },
    60_000,
  );

  test("never off a terminal", async () => {
    const r = await runAwsx(["exec", "target1", "--", "true"], env());
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  }, 30_000);

  test("never when the file store is set up (AWSX_FILE_PASSPHRASE)", async () => {
    const r = await onPty(
      awsxCommand("exec", "target1", "--", "true"),
      env({ AWSX_FILE_PASSPHRASE: "p" }),
      "",
    );
    expect(r.code).toBe(0);
    expect(count(r.terminal)).toBe(0);
  }, 60_000);
});
