// No silent loss (issue 26), through the built CLI with a real gnome-keyring of the test's
// own: a locked keychain (its unlock prompt dismissed: nobody can answer it here), no D-Bus,
// --backend none. What awsx is asked to keep (an SSO token, stored keys) lands in a store
// that lasts or the command fails (74) naming the keychain's state and the fix; keys stored
// earlier never vanish behind "has no keys; add one". Each case compares the keyring's items
// and the files before and after: nothing lost, nothing half-done.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AWSX_BIN, runAwsx, runDetached, type AwsxRun, expectOneError } from "../helpers/awsx.js";
import { startFakeSso, type FakeSso, SSO_DEV_CONFIG } from "../helpers/fakeSso.js";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { makeHome, type TempHome, contentsUnder } from "../helpers/home.js";
import {
  lockDefaultCollection,
  startPrivateKeyring,
  type PrivateKeyring,
} from "../helpers/keyring.js";
import { needs } from "../helpers/requirements.js";

const ID = "AKIAFAKESTATES000001";
const SECRET = "fakeStatesSecret000000000000000000000001";
const LOCKED = /the keychain is locked and its unlock prompt was dismissed or timed out/;
const UNLOCK = /unlock the keychain/;

const describeKeyring = await needs("dbus-daemon", "dbus-send", "gnome-keyring-daemon");

describeKeyring("the keychain's states, said plainly", () => {
  let kr: PrivateKeyring;
  let sts: FakeSts;
  let sso: FakeSso;
  let home: TempHome;

  beforeEach(async () => {
    kr = await startPrivateKeyring();
    sts = await startFakeSts();
    sso = await startFakeSso();
    home = makeHome({
      config:
        `[profile foo]\nregion = us-east-1\nendpoint_url = ${sts.url}\n\n` +
        `[profile onfoo]\nrole_arn = arn:aws:iam::123456789012:role/states\n` +
        `source_profile = foo\nregion = us-east-1\nendpoint_url = ${sts.url}\n\n` +
        SSO_DEV_CONFIG,
      credentials: `[imp]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`,
    });
  }, 30_000);
  afterEach(async () => {
    await sso?.close();
    await sts?.close();
    home?.cleanup();
    await kr?.stop();
  }, 30_000);

  const env = (extra: Record<string, string | undefined> = {}) =>
    home.env({
      DBUS_SESSION_BUS_ADDRESS: kr.address,
      AWSX_CACHE_DIR: path.join(home.dir, "cache"),
      AWS_ENDPOINT_URL_SSO: sso.url,
      AWS_ENDPOINT_URL_SSO_OIDC: sso.url,
      ...extra,
    });
  const awsx = (args: string[], extra?: Record<string, string | undefined>, input?: string) =>
    runAwsx(args, env(extra), 30_000, AWSX_BIN, input);

  // The object paths of every item of the login collection (readable while it is locked).
  async function items(): Promise<string[]> {
    const r = await runDetached(
      "dbus-send",
      [
        "--session",
        "--print-reply",
        "--dest=org.freedesktop.secrets",
        "/org/freedesktop/secrets/collection/login",
        "org.freedesktop.DBus.Properties.Get",
        "string:org.freedesktop.Secret.Collection",
        "string:Items",
      ],
      { PATH: process.env.PATH ?? "", DBUS_SESSION_BUS_ADDRESS: kr.address },
    );
    if (r.code !== 0) throw new Error(`Items: ${r.stderr}`);
    return [...r.stdout.matchAll(/object path "([^"]+)"/g)].map((m) => m[1]!).sort();
  }
  // Every file under HOME (the cache folder, ~/.aws) with its content.
  const files = () => contentsUnder(home.dir);

  const addFoo = async () => {
    const r = await awsx(["add", "foo", "--stdin"], {}, `${ID}\n${SECRET}\n`);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 0,
      stderr: expect.stringMatching(/stored keys AKIA…0001 of profile "foo" in the keychain/),
    });
  };

  test("locked: sso login is 74 before any sign-in, naming the lock and the fix; " +
    "nothing kept", async () => {
    await lockDefaultCollection(kr.address);
    const [itemsBefore, filesBefore] = [await items(), files()];
    const r = await awsx(["sso", "login", "dev", "--use-device-code"]);
    expectOneError(r, 74, /nowhere to keep the SSO token of sso-session "corp"/, LOCKED, UNLOCK);
    expect(r.stderr).toMatch(/AWSX_FILE_PASSPHRASE/);
    expect(r.stderr).toMatch(/--write-cli-cache/);
    expect(sso.count("CreateToken")).toBe(0);
    expect(await items()).toEqual(itemsBefore);
    expect(files()).toEqual(filesBefore);
  }, 60_000);

  test("locked, with --write-cli-cache: the token lands in ~/.aws/sso/cache, " +
    "said so (not 'none cache')", async () => {
    await lockDefaultCollection(kr.address);
    const r = await awsx(["sso", "login", "dev", "--use-device-code", "--write-cli-cache"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/token kept in ~\/\.aws\/sso\/cache\n/);
    expect(r.stderr).not.toMatch(/none cache/);
  }, 60_000);

  test("locked after a sign-in: exec of the SSO profile names the lock, " +
    "not 'not signed in'", async () => {
    const login = await awsx(["sso", "login", "dev", "--use-device-code"]);
    expect(login.stderr).toMatch(/token kept in awsx's keychain cache\n/);
    await lockDefaultCollection(kr.address);
    const [itemsBefore, filesBefore] = [await items(), files()];
    const r = await awsx(["exec", "dev", "--no-prompt", "--", "true"]);
    expectOneError(r, 74, /the SSO sign-in kept by awsx cannot be read/, LOCKED, UNLOCK);
    expect(r.stderr).not.toMatch(/not signed in/);
    expect(await items()).toEqual(itemsBefore);
    expect(files()).toEqual(filesBefore);
  }, 60_000);

  test.each([
    ["exec foo", ["exec", "foo", "--", "true"]],
    ["exec onfoo (a role on the stored keys)", ["exec", "onfoo", "--", "true"]],
    ["env foo", ["env", "foo"]],
    ["credential-process foo", ["credential-process", "foo"]],
    ["whoami foo", ["whoami", "foo"]],
    ["explain foo", ["explain", "foo"]],
  ])(
    "locked: %s says the stored keys cannot be read, names the lock and the fix",
    async (_n, args) => {
      await addFoo();
      await lockDefaultCollection(kr.address);
      const [itemsBefore, filesBefore] = [await items(), files()];
      const r = await awsx(args);
      expectOneError(r, 74, /the keys of profile "foo" were stored by awsx/, LOCKED, UNLOCK);
      expect(r.stderr).not.toMatch(/add one|must have credentials/);
      expect(sts.count()).toBe(0);
      expect(await items()).toEqual(itemsBefore);
      expect(files()).toEqual(filesBefore);
    },
    60_000,
  );

  test.each([
    ["list", ["list"], /the sessions in the keychain cannot be listed/],
    ["clear", ["clear"], /the sessions in the keychain were not removed/],
    ["clear onfoo", ["clear", "onfoo"], /the sessions in the keychain were not removed/],
    ["remove foo", ["remove", "foo", "--force"], /stored keys of profile "foo" cannot be removed/],
    ["rotate foo", ["rotate", "foo"], /keys of profile "foo" cannot be rotated/],
    ["sso logout", ["sso", "logout"], /SSO token and sessions awsx keeps in the keychain/],
  ])(
    "locked: %s is 74 naming the lock and the fix, and changes nothing",
    async (_n, args, what) => {
      await addFoo();
      const login = await awsx(["sso", "login", "dev", "--use-device-code"]);
      expect(login.code).toBe(0);
      await lockDefaultCollection(kr.address);
      const [itemsBefore, filesBefore] = [await items(), files()];
      const r = await awsx(args as string[]);
      expectOneError(r, 74, what, LOCKED, UNLOCK);
      expect(await items()).toEqual(itemsBefore);
      expect(files()).toEqual(filesBefore);
    },
    60_000,
  );

  test.each([
    ["no D-Bus", { DBUS_SESSION_BUS_ADDRESS: undefined }, [], /no D-Bus session/],
    ["--backend none", {}, ["--backend", "none"], /with --backend none/],
  ])(
    "%s: exec of a profile with stored keys says where they are",
    async (_n, extra, flags, why) => {
      await addFoo();
      const itemsBefore = await items();
      const r = await awsx(["exec", ...flags, "foo", "--", "true"], extra);
      expectOneError(r, 74, /the keys of profile "foo" were stored by awsx/, why);
      expect(r.stderr).not.toMatch(/add one/);
      expect(await items()).toEqual(itemsBefore);
    },
    60_000,
  );

  test("locked: add is 74 naming the lock, and stores nothing (no item, " +
    "no index entry)", async () => {
    await lockDefaultCollection(kr.address);
    const [itemsBefore, filesBefore] = [await items(), files()];
    const r = await awsx(["add", "foo", "--stdin"], {}, `${ID}\n${SECRET}\n`);
    expectOneError(
      r,
      74,
      /nowhere to keep the keys of profile "foo" \(nothing was changed\)/,
      LOCKED,
    );
    expect(r.stderr).toMatch(/AWSX_FILE_PASSPHRASE/);
    expect(await items()).toEqual(itemsBefore);
    expect(files()).toEqual(filesBefore);
  }, 60_000);

  test("add with no terminal (</dev/null): a usage error pointing to " +
    "--env and --stdin", async () => {
    const itemsBefore = await items();
    const r = await awsx(["add", "foo"]);
    expectOneError(r, 64, /cannot ask for the keys of profile "foo"/, /--env/, /--stdin/);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(await items()).toEqual(itemsBefore);
  }, 60_000);

  test("import that cannot write its .bak: fails before storing " +
    "anything, and says so", async () => {
    // root writes anywhere: a folder where the backup file would go stops it for anyone.
    mkdirSync(`${home.credentialsFile}.bak`);
    writeFileSync(path.join(`${home.credentialsFile}.bak`, "keep"), "x");
    chmodSync(home.credentialsFile, 0o600);
    const [itemsBefore, filesBefore] = [await items(), files()];
    const r = await awsx(["import", "imp"]);
    expectOneError(
      r,
      78,
      /cannot write the backup .*credentials\.bak \(EISDIR\)/,
      /nothing was changed/,
    );
    expect(r.stderr).not.toMatch(/internal error/);
    expect(await items()).toEqual(itemsBefore);
    expect(files()).toEqual(filesBefore);
  }, 60_000);

  const doctorChecks = (r: AwsxRun) =>
    (JSON.parse(r.stdout) as { checks: Array<{ name: string; status: string; detail: string }> })
      .checks;

  // doctor reads back a probe item: a locked keychain is no longer "reachable".
  test("locked: doctor names the lock, says the stored keys cannot be read, exits 1", async () => {
    await addFoo();
    await lockDefaultCollection(kr.address);
    const itemsBefore = await items();
    const r = await awsx(["doctor", "--json", "--offline"]);
    expect(r.code).toBe(1);
    const by = (n: string) => doctorChecks(r).find((c) => c.name === n);
    expect(by("keychain")).toMatchObject({ status: "warn", detail: expect.stringMatching(LOCKED) });
    expect(by("backend")?.status).toBe("fail");
    expect(by("stored keys read")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^foo: cannot be read now: the keychain is locked/),
    });
    expect(await items()).toEqual(itemsBefore);
  }, 60_000);

  // Issue 26: doctor reports SSO sign-ins that cannot be read now, as a run of them would.
  test("locked after a sign-in: doctor fails sso sign-ins naming the " +
    "lock; working: ok", async () => {
    const login = await awsx(["sso", "login", "dev", "--use-device-code"]);
    expect(login.code).toBe(0);
    const working = await awsx(["doctor", "--json", "--offline"]);
    expect(doctorChecks(working).find((c) => c.name === "sso sign-ins")).toEqual({
      name: "sso sign-ins",
      status: "ok",
      detail: expect.stringMatching(/^signed in: corp \(\S+ left, kept by awsx\)$/),
    });
    await lockDefaultCollection(kr.address);
    const itemsBefore = await items();
    const r = await awsx(["doctor", "--json", "--offline"]);
    expect(r.code).toBe(1);
    expect(doctorChecks(r).find((c) => c.name === "sso sign-ins")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(
        /^corp: the SSO sign-in kept by awsx cannot be read: the keychain is locked/,
      ),
    });
    expect(await items()).toEqual(itemsBefore);
  }, 60_000);

  test("working: doctor writes, reads back and deletes its probe item, " +
    "and reads the stored keys", async () => {
    await addFoo();
    const itemsBefore = await items();
    const r = await awsx(["doctor", "--json", "--offline"]);
    const by = (n: string) => doctorChecks(r).find((c) => c.name === n);
    expect(by("keychain")?.detail).toMatch(/^works \(a probe item written, read back and deleted/);
    expect(by("stored keys read")).toEqual({
      name: "stored keys read",
      status: "ok",
      detail: "foo: readable",
    });
    expect(await items()).toEqual(itemsBefore);
  }, 60_000);
});
