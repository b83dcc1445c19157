// The keychain out of reach, and a file store that does not open (issue 26's last gaps),
// through the built CLI with real D-Bus daemons of the test's own:
// - a session bus with no Secret Service on it and none to start (a systemd user bus on a
//   server): what only needs a cache falls back; what must be kept is 74 naming the state;
// - list and clear, with the keychain not opened (no D-Bus, a bus that does not answer) or
//   not read (no Secret Service): what was read, plus a warning that the keychain was not;
// - a wrong AWSX_FILE_PASSPHRASE: every command that reads or writes the file store says so
//   with its fix (74), and nothing is written over the old store.
// Each case compares the files under HOME before and after.
import path from "node:path";
import { AWSX_BIN, runAwsx, type AwsxRun, expectOneError } from "../helpers/awsx.js";
import { startFakeSso, type FakeSso, SSO_DEV_CONFIG } from "../helpers/fakeSso.js";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { makeHome, type TempHome, contentsUnder } from "../helpers/home.js";
import { type BareBus, secretServiceOwned, startBareBus } from "../helpers/keyring.js";
import { needs } from "../helpers/requirements.js";
import { joinRegExp } from "../helpers/regex.js";

const ID = "AKIAFAKEUNREAD000001";
const SECRET = "fakeUnreadSecret000000000000000000000001";
const NO_SERVICE = /no Secret Service answers on the D-Bus session/;
const START_ONE = /start a Secret Service \(`gnome-keyring-daemon --start --components=secrets`\)/;
const WRONG = /the passphrase for the file cache in \S+ is wrong/;
const WRONG_FIX = /set AWSX_FILE_PASSPHRASE to the one it was created with/;
const NOT_READ = /^awsx: warning: the keychain was not read, so /;

const describeBus = await needs("dbus-daemon", "dbus-send");

let sts: FakeSts;
let sso: FakeSso;
let home: TempHome;
let bus: BareBus | undefined;

beforeEach(async () => {
  sts = await startFakeSts();
  sso = await startFakeSso();
  home = makeHome({
    config:
      `[profile target]\nrole_arn = arn:aws:iam::123456789012:role/unread\n` +
      `source_profile = src\nregion = us-east-1\nendpoint_url = ${sts.url}\n\n` +
      `[profile foo]\nregion = us-east-1\nendpoint_url = ${sts.url}\n\n` +
      SSO_DEV_CONFIG,
    credentials:
      "[src]\naws_access_key_id = AKIAFAKEUNREAD000002\n" +
      "aws_secret_access_key = fakeUnreadSecret000000000000000000000002\n",
  });
}, 30_000);
afterEach(async () => {
  await bus?.stop();
  bus = undefined;
  await sso?.close();
  await sts?.close();
  home?.cleanup();
}, 30_000);

const env = (extra: Record<string, string | undefined> = {}) =>
  home.env({
    DBUS_SESSION_BUS_ADDRESS: bus?.address,
    AWSX_CACHE_DIR: path.join(home.dir, "cache"),
    AWS_ENDPOINT_URL_SSO: sso.url,
    AWS_ENDPOINT_URL_SSO_OIDC: sso.url,
    ...extra,
  });
const awsx = (args: string[], extra?: Record<string, string | undefined>, input?: string) =>
  runAwsx(args, env(extra), 30_000, AWSX_BIN, input);

// Every file under HOME with its content.
const files = () => contentsUnder(home.dir);

const doctorChecks = (r: AwsxRun) =>
  (JSON.parse(r.stdout) as { checks: Array<{ name: string; status: string; detail: string }> })
    .checks;
const check = (r: AwsxRun, name: string) => doctorChecks(r).find((c) => c.name === name);

describeBus("no Secret Service on the session bus", () => {
  beforeEach(async () => {
    bus = await startBareBus();
  }, 30_000);
  // D-Bus activation must not have started one behind the test's back.
  afterEach(async () => expect(await secretServiceOwned(bus!.address)).toBe(false));

  test("exec, env and credential-process fall back: the file store with a passphrase", async () => {
    const pass = { AWSX_FILE_PASSPHRASE: "unread-pass" };
    const exec = await awsx(["exec", "target", "--", "true"], pass);
    const envRun = await awsx(["env", "target"], pass);
    const cp = await awsx(["credential-process", "target"], pass);
    for (const r of [exec, envRun, cp])
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(envRun.stdout).toMatch(/AWS_SESSION_TOKEN=/);
    expect(JSON.parse(cp.stdout)).toMatchObject({ Version: 1 });
    // One AssumeRole: the two later runs were served from the file store.
    expect(sts.count("AssumeRole")).toBe(1);
    expect(Object.keys(files()).some((f) => /\/cache\/sessions\/\w+\.enc$/.test(f))).toBe(true);
  }, 60_000);

  test("exec falls back to no cache without a passphrase", async () => {
    const r = await awsx(["exec", "target", "--", "true"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(sts.count("AssumeRole")).toBe(1);
  }, 60_000);

  test("--backend keychain is 74 naming the state and the fix; no STS call", async () => {
    const r = await awsx(["exec", "--backend", "keychain", "target", "--", "true"]);
    expectOneError(r, 74, NO_SERVICE);
    expect(sts.count()).toBe(0);
  }, 60_000);

  test("sso login is 74 before any sign-in, naming the state and the fix", async () => {
    const before = files();
    const r = await awsx(["sso", "login", "dev", "--use-device-code"]);
    expectOneError(
      r,
      74,
      /nowhere to keep the SSO token of sso-session "corp"/,
      NO_SERVICE,
      START_ONE,
    );
    expect(r.stderr).toMatch(/AWSX_FILE_PASSPHRASE/);
    expect(sso.count("CreateToken")).toBe(0);
    expect(files()).toEqual(before);
  }, 60_000);

  test("add is 74 naming the state and the fix, and changes nothing", async () => {
    const before = files();
    const r = await awsx(["add", "foo", "--stdin"], {}, `${ID}\n${SECRET}\n`);
    expectOneError(r, 74, /nowhere to keep the keys of profile "foo" \(nothing was changed\)/);
    expect(r.stderr).toMatch(NO_SERVICE);
    expect(r.stderr).toMatch(START_ONE);
    expect(files()).toEqual(before);
  }, 60_000);

  test("doctor exits 1 naming the state (keychain, backend, sso sign-ins)", async () => {
    const r = await awsx(["doctor", "--json", "--offline"]);
    expect(r.code).toBe(1);
    expect(check(r, "keychain")).toMatchObject({
      status: "warn",
      detail: expect.stringMatching(NO_SERVICE),
    });
    expect(check(r, "backend")?.status).toBe("fail");
    expect(check(r, "sso sign-ins")).toMatchObject({
      status: "fail",
      // As a run of dev says it: the keychain's read failed, so not "not signed in".
      detail: expect.stringMatching(
        /^corp: the SSO sign-in kept by awsx cannot be read: no Secret Service/,
      ),
    });
  }, 60_000);

  test("list and clear show and clear the file store, " +
    "and say the keychain was not read", async () => {
    const pass = { AWSX_FILE_PASSPHRASE: "unread-pass" };
    expect((await awsx(["exec", "target", "--", "true"], pass)).code).toBe(0);
    const list = await awsx(["list"], pass);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/Cached sessions \(file\):\n.*\n\s*target\s+assumeRole/);
    expect(list.stderr).toMatch(NOT_READ);
    expect(list.stderr).toMatch(NO_SERVICE);
    expect(list.stderr).toMatch(START_ONE);
    const json = JSON.parse((await awsx(["list", "--json"], pass)).stdout);
    expect(json.keychainNotRead).toMatch(NO_SERVICE);
    const clear = await awsx(["clear"], pass);
    expect(clear.code).toBe(0);
    const lines = clear.stderr.replace(/\n$/, "").split("\n");
    expect(lines).toEqual([
      "awsx: removed 1 cached session from the file cache",
      expect.stringMatching(NOT_READ),
    ]);
    expect(lines[1]).toMatch(/sessions kept in it \(if any\) were not removed: no Secret Service/);
    expect(Object.keys(files()).some((f) => /\.enc$/.test(f))).toBe(false);
    const logout = await awsx(["sso", "logout"], pass);
    expect(logout.code).toBe(0);
    expect(logout.stderr).toMatch(/was not ended: no Secret Service/);
  }, 60_000);
});

describeBus("the keychain not opened at all: list and clear say it was not read", () => {
  test.each([
    ["no D-Bus", /there is no D-Bus session for the keychain/, /run awsx in a desktop session/],
    ["a bus that does not answer", /the D-Bus session bus does not answer/, /restart the session/],
  ])(
    "%s",
    async (name, state, fix) => {
      const pass = { AWSX_FILE_PASSPHRASE: "unread-pass" };
      if (name !== "no D-Bus") {
        bus = await startBareBus();
        // The dbus-daemon stopped: its socket still accepts, no answer ever comes.
        process.kill(bus.busPid, "SIGSTOP");
      }
      expect((await awsx(["exec", "target", "--", "true"], pass)).code).toBe(0);
      for (const args of [["list"], ["list", "--json"]]) {
        const r = await awsx(args, pass);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/target/);
        const warning = r.stderr.replace(/\n$/, "").split("\n");
        expect(warning).toEqual([expect.stringMatching(NOT_READ)]);
        expect(warning[0]).toMatch(/stored keys and SSO sign-ins kept in it are not shown/);
        expect(warning[0]).toMatch(state);
        expect(warning[0]).toMatch(fix);
      }
      const without = await awsx(["list"]);
      expect(without.stderr).toMatch(state);
      const clear = await awsx(["clear"], pass);
      expect(clear.code).toBe(0);
      expect(clear.stderr).toMatch(/^awsx: removed 1 cached session from the file cache\n/);
      expect(clear.stderr).toMatch(
        joinRegExp(
          /\nawsx: warning: the keychain was not read, so the sessions kept in /,
          /it \(if any\) were not removed: /,
        ),
      );
      expect(clear.stderr).toMatch(state);
      // A sign-in that may still be valid in the keychain is not "ended" in silence either.
      const logout = await awsx(["sso", "logout"], pass);
      expect(logout.code).toBe(0);
      expect(logout.stderr).toMatch(
        joinRegExp(
          /^awsx: no SSO sign-in to end\nawsx: warning: the keychain was not read, /,
          /so an SSO sign-in kept in it \(if any\) was not ended: /,
        ),
      );
      expect(logout.stderr).toMatch(state);
    },
    90_000,
  );
});

test("no D-Bus, no passphrase: doctor fails sso sign-ins, " +
  "since a sign-in would be kept nowhere", async () => {
  const r = await awsx(["doctor", "--json", "--offline"], { DBUS_SESSION_BUS_ADDRESS: undefined });
  expect(r.code).toBe(1);
  expect(check(r, "sso sign-ins")).toEqual({
    name: "sso sign-ins",
    status: "fail",
    detail: expect.stringMatching(
      joinRegExp(
        /^corp: not signed in, and awsx sso login has nowhere to keep a sign-in: /,
        /there is no D-Bus session .*; or pass --write-cli-cache$/,
      ),
    ),
  });
  // With a place to keep one, "not signed in" is worth reading, not a failure.
  const cli = await awsx(["doctor", "--json", "--offline"], {
    DBUS_SESSION_BUS_ADDRESS: undefined,
    AWSX_SSO_WRITE_CLI_CACHE: "1",
  });
  expect(check(cli, "sso sign-ins")).toMatchObject({
    status: "warn",
    detail: "corp: not signed in",
  });
}, 60_000);

describe("a wrong AWSX_FILE_PASSPHRASE: said plainly by every command, nothing overwritten", () => {
  const good = { DBUS_SESSION_BUS_ADDRESS: undefined, AWSX_FILE_PASSPHRASE: "the-right-one" };
  const bad = { DBUS_SESSION_BUS_ADDRESS: undefined, AWSX_FILE_PASSPHRASE: "a-wrong-one" };

  // A file store (picked automatically: no D-Bus, a passphrase) holding stored keys, a
  // session and an SSO sign-in.
  async function fill(): Promise<void> {
    const add = await awsx(["add", "foo", "--stdin"], good, `${ID}\n${SECRET}\n`);
    expect(add.stderr).toMatch(/stored keys AKIA…0001 of profile "foo" in the file/);
    expect((await awsx(["exec", "target", "--", "true"], good)).code).toBe(0);
    expect((await awsx(["sso", "login", "dev", "--use-device-code"], good)).code).toBe(0);
  }

  test.each([
    ["exec target", ["exec", "target", "--", "true"]],
    ["exec foo (stored keys)", ["exec", "foo", "--", "true"]],
    ["env target", ["env", "target"]],
    ["credential-process target", ["credential-process", "target"]],
    ["exec dev (SSO)", ["exec", "dev", "--", "true"]],
    ["sso login", ["sso", "login", "dev", "--use-device-code"]],
    [
      "sso login --write-cli-cache",
      ["sso", "login", "dev", "--use-device-code", "--write-cli-cache"],
    ],
    ["add", ["add", "bar", "--stdin"]],
    ["list", ["list"]],
    ["clear", ["clear"]],
    ["clear target", ["clear", "target"]],
    ["remove foo", ["remove", "foo", "--force"]],
    ["import src", ["import", "src"]],
    ["explain foo", ["explain", "foo"]],
    ["--backend file", ["exec", "--backend", "file", "target", "--", "true"]],
  ])(
    "%s: 74 naming the wrong passphrase and the fix; the store as it was",
    async (_n, args) => {
      await fill();
      const [before, stsCalls, tokens] = [files(), sts.count(), sso.count("CreateToken")];
      const input = args[0] === "add" ? `${ID}\n${SECRET}\n` : undefined;
      const r = await awsx(args as string[], bad, input);
      expectOneError(r, 74, WRONG, WRONG_FIX);
      expect(files()).toEqual(before);
      expect([sts.count(), sso.count("CreateToken")]).toEqual([stsCalls, tokens]);
      // Nothing lost: with the right passphrase everything is still there.
      const list = JSON.parse((await awsx(["list", "--json"], good)).stdout);
      expect(list.backend).toBe("file");
      expect(list.sessions).toHaveLength(1);
      expect(list.profiles).toContainEqual({
        name: "foo",
        kind: "stored",
        storedKeys: true,
        plaintextKeys: false,
      });
      expect(list.ssoTokens[0]).toMatchObject({ session: "corp", from: "awsx" });
    },
    90_000,
  );

  test("doctor exits 1: backend, stored keys read, " +
    "sso sign-ins and the profile name the passphrase", async () => {
    await fill();
    const before = files();
    const r = await awsx(["doctor", "--json", "--offline"], bad);
    expect(r.code).toBe(1);
    for (const name of ["backend", "stored keys read", "sso sign-ins", "profile foo"]) {
      expect(check(r, name)?.detail).toMatch(WRONG);
      expect(check(r, name)?.detail).not.toMatch(/D-Bus/);
    }
    for (const name of ["backend", "stored keys read", "sso sign-ins"])
      expect(check(r, name)?.status).toBe("fail");
    expect(files()).toEqual(before);
  }, 90_000);
});
