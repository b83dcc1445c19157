// The keychain session cache (`--backend keychain`) through the BUILT CLI, against the
// in-process fake STS and a real Secret Service (gnome-keyring via @napi-rs/keyring).
//
// The file runs its own D-Bus session bus and gnome-keyring-daemon with a throwaway
// keyring in a temp folder: `awsx clear` (all) wipes every "awsx" entry of the keyring
// it talks to, so sharing the keyring of `npm test`'s D-Bus session with other test
// files running in parallel would make them flaky.
import { readFileSync } from "node:fs";
import path from "node:path";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { runAwsx } from "../helpers/awsx.js";
import {
  filesUnder,
  makeHome,
  writePrintCreds,
  type ChildCreds,
  type TempHome,
} from "../helpers/home.js";
import {
  keyringOn,
  readKeytarItem,
  startPrivateKeyring,
  writeKeytarItem,
  type PrivateKeyring,
} from "../helpers/keyring.js";
import { needs } from "../helpers/requirements.js";

const SERVICE = "awsx"; // src/platform/keychain.ts KEYCHAIN_SERVICE
const ACCOUNT = "123456789012";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- a private Secret Service --------------------------------------------------------

let keyring: PrivateKeyring | undefined;
let keyringError = "";
const tools = ["dbus-daemon", "dbus-send", "gnome-keyring-daemon", "secret-tool"];
const describeKeychain = await needs(...tools, {
  name:
    "a private Secret Service (dbus-daemon + gnome-keyring-daemon + " +
    "@napi-rs/keyring round trip)",
  probe: async () => {
    try {
      keyring = await startPrivateKeyring();
      const v = await keyringOn<string>(
        keyring.address,
        `await k.setPassword("awsx-probe-test", "a", "round-trip"); ` +
          `const v = await k.getPassword("awsx-probe-test", "a"); ` +
          `await k.deletePassword("awsx-probe-test", "a"); return v;`,
      );
      if (v !== "round-trip") throw new Error(`read back ${JSON.stringify(v)}`);
      return true;
    } catch (e) {
      keyringError = (e as Error).message;
      await keyring?.stop();
      keyring = undefined;
      return false;
    }
  },
  hint:
    "install dbus, gnome-keyring and libsecret-tools (secret-tool writes items in the old " +
    "keytar layout)",
});
if (keyringError) process.stderr.write(`keychain probe: ${keyringError}\n`);

// ---- running awsx ----------------------------------------------------------------------

interface ListJson {
  backend: string;
  profiles: Array<{ name: string; kind: string }>;
  sessions: Array<{
    profile: string;
    kind: string;
    for: string;
    usedBy: string[];
    expiration: string;
    secondsLeft: number;
  }>;
}

interface StoredEntry {
  v: number;
  key: string;
  profile: string;
  kind: string;
  label: string;
  profiles: string[];
  createdAt: string;
  expiration: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

describeKeychain("session cache in the OS keychain (--backend keychain)", () => {
  let sts: FakeSts;
  let shortSts: FakeSts;
  let home: TempHome;
  let printCreds: string;
  const issued: ChildCreds[] = [];

  beforeAll(async () => {
    sts = await startFakeSts();
    // Sessions of 10 s: the refresh window shrinks to half the lifetime
    // (src/cache/cacheEntry.ts isFresh).
    shortSts = await startFakeSts({ defaultDurationSeconds: 10 });
    const role = (name: string, url: string) =>
      `[profile ${name}]\nrole_arn = ${roleArn(`kc-${name}`)}\nsource_profile = base\n` +
      `endpoint_url = ${url}\n`;
    home = makeHome({
      config: [
        "[profile base]\nregion = us-east-1\n",
        role("target1", sts.url),
        role("target2", sts.url),
        role("timing", sts.url),
        role("short", shortSts.url),
      ].join("\n"),
      credentials:
        "[base]\naws_access_key_id = AKIAFAKEKEYCHAIN0001\n" +
        "aws_secret_access_key = fakeKeychainTestSecret0000000000000000001\n",
    });
    printCreds = writePrintCreds(home.dir);
  }, 30_000);

  afterAll(async () => {
    if (home) {
      await runAwsx(["clear", "--backend", "keychain"], env()).catch(() => undefined);
      home.cleanup();
    }
    await sts?.close();
    await shortSts?.close();
    await keyring?.stop();
  }, 30_000);

  const env = (extra: Record<string, string | undefined> = {}) =>
    home.env({ DBUS_SESSION_BUS_ADDRESS: keyring!.address, ...extra });

  async function execCreds(
    profile: string,
    extra: Record<string, string | undefined> = {},
    flags: string[] = [],
  ): Promise<ChildCreds> {
    const r = await runAwsx(
      ["exec", "--backend", "keychain", ...flags, profile, "--", process.execPath, printCreds],
      env(extra),
    );
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const c = JSON.parse(r.stdout) as ChildCreds;
    expect(c.profile).toBe(profile);
    expect(c.id).toMatch(/^ASIA/);
    issued.push(c);
    return c;
  }

  async function list(): Promise<{ json: ListJson; raw: string }> {
    const r = await runAwsx(["list", "--json", "--backend", "keychain"], env());
    expect(r.code).toBe(0);
    return { json: JSON.parse(r.stdout) as ListJson, raw: r.stdout };
  }

  const sessionsFor = (l: ListJson, profile: string) =>
    l.sessions.filter((s) => s.profile === profile);
  const stored = () =>
    keyringOn<Array<{ account: string; password: string }>>(
      keyring!.address,
      `return k.findCredentials(${JSON.stringify(SERVICE)});`,
    );
  async function storedEntry(profile: string): Promise<{ account: string; entry: StoredEntry }> {
    const mine = (await stored()).filter((c) => {
      try {
        return (JSON.parse(c.password) as StoredEntry).profile === profile;
      } catch {
        return false;
      }
    });
    expect(mine).toHaveLength(1);
    return { account: mine[0]!.account, entry: JSON.parse(mine[0]!.password) as StoredEntry };
  }
  const setStored = (account: string, value: string) =>
    keyringOn<null>(
      keyring!.address,
      `await k.setPassword(${JSON.stringify(SERVICE)}, ` +
        `${JSON.stringify(account)}, ${JSON.stringify(value)});`,
    );

  test(
    "first run calls AssumeRole once; the second calls nothing and gets the " + "same credentials",
    async () => {
      sts.reset();
      const first = await execCreds("target1");
      expect(sts.count("AssumeRole")).toBe(1);
      expect(sts.count()).toBe(1);
      expect(sts.identityOf(first.id)?.arn).toBe(
        `arn:aws:sts::${ACCOUNT}:assumed-role/kc-target1/${sts.calls[0]!.params.RoleSessionName}`,
      );
      // Signed with the long-term keys of "base".
      expect(sts.calls[0]!.accessKeyId).toBe("AKIAFAKEKEYCHAIN0001");

      const second = await execCreds("target1");
      expect(sts.count()).toBe(1);
      expect(second).toEqual(first);

      // Stored in the keychain under the "awsx" service: one well-formed entry for target1.
      const { entry, account } = await storedEntry("target1");
      expect(account).toMatch(/^[0-9a-f]{64}$/);
      expect(entry).toMatchObject({
        v: 1,
        key: account,
        profile: "target1",
        kind: "assumeRole",
        label: roleArn("kc-target1"),
        profiles: ["base", "target1"],
      });
      expect(entry.credentials).toEqual({
        accessKeyId: first.id,
        secretAccessKey: first.secret,
        sessionToken: first.token,
      });
    },
  );

  test("warm vs cold wall time of `awsx exec timing -- true` (logged, not asserted)", async () => {
    sts.reset();
    const cold = await runAwsx(["exec", "--backend", "keychain", "timing", "--", "true"], env());
    expect(cold.code).toBe(0);
    expect(sts.count("AssumeRole")).toBe(1);
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await runAwsx(["exec", "--backend", "keychain", "timing", "--", "true"], env());
      expect(r.code).toBe(0);
      warm.push(r.ms);
    }
    expect(sts.count("AssumeRole")).toBe(1);
    console.log(
      `keychain backend (fake STS): cold ${cold.ms} ms, warm ${warm.join(" / ")} ms (awsx exec ` +
        `timing -- true)`,
    );
  });

  test("16 parallel cold runs make exactly one AssumeRole", async () => {
    sts.reset();
    const runs = await Promise.all(
      Array.from({ length: 16 }, () =>
        runAwsx(
          ["exec", "--backend", "keychain", "target2", "--", process.execPath, printCreds],
          env(),
        ),
      ),
    );
    expect(runs.map((r) => r.code)).toEqual(Array(16).fill(0));
    console.log(
      `keychain backend: 16 parallel cold runs made ${sts.count("AssumeRole")} AssumeRole call(s)`,
    );
    expect(sts.count("AssumeRole")).toBe(1);
    const creds = runs.map((r) => JSON.parse(r.stdout) as ChildCreds);
    expect(new Set(creds.map((c) => c.id)).size).toBe(1);
    issued.push(creds[0]!);
  }, 60_000);

  test("awsx list --json shows the session without any secret", async () => {
    const c = await execCreds("target1");
    const { json, raw } = await list();
    expect(json.backend).toBe("keychain");
    const [s, ...rest] = sessionsFor(json, "target1");
    expect(rest).toEqual([]);
    expect(s).toMatchObject({
      profile: "target1",
      kind: "assumeRole",
      for: roleArn("kc-target1"),
      usedBy: ["base", "target1"],
    });
    expect(Date.parse(s!.expiration)).toBe(Date.parse(c.expiration));
    expect(s!.secondsLeft).toBeGreaterThan(3000);
    expect(s!.secondsLeft).toBeLessThanOrEqual(3600);
    expect(json.profiles).toEqual(
      expect.arrayContaining([{ name: "target1", kind: "assumeRole" }]),
    );
    const text = await runAwsx(["list", "--backend", "keychain"], env());
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Cached sessions (keychain):");
    expect(text.stdout).toMatch(
      /target1 {2}assumeRole {2}arn:aws:iam::123456789012:role\/kc-target1 {2}\d+m\b/,
    );
    for (const out of [raw, text.stdout, text.stderr]) {
      for (const x of issued) {
        for (const secret of [x.id, x.secret, x.token]) expect(out).not.toContain(secret);
      }
      expect(out).not.toContain("fakeKeychainTestSecret");
    }
  });

  test("AWSX_MIN_TTL: an entry with less time left than the window is refreshed", async () => {
    const before = await execCreds("target1");
    const { account, entry } = await storedEntry("target1");
    // A 3-hour session with 20 minutes left: fresh for the default 600 s window…
    const aged = {
      ...entry,
      createdAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
      expiration: new Date(Date.now() + 20 * 60_000).toISOString(),
    };
    await setStored(account, JSON.stringify(aged));
    sts.reset();
    const still = await execCreds("target1");
    expect(sts.count()).toBe(0);
    expect(still.id).toBe(before.id);
    expect(still.expiration).toBe(aged.expiration.replace(/\.\d{3}Z$/, "Z"));
    // …but inside a 1500 s one: one AssumeRole, new credentials, a new full-length entry.
    const refreshed = await execCreds("target1", { AWSX_MIN_TTL: "1500" });
    expect(sts.count("AssumeRole")).toBe(1);
    expect(refreshed.id).not.toBe(before.id);
    const after = await storedEntry("target1");
    expect(after.entry.credentials.accessKeyId).toBe(refreshed.id);
    expect(Date.parse(after.entry.expiration) - Date.now()).toBeGreaterThan(3000_000);
    // And the refreshed entry is served again.
    expect(await execCreds("target1")).toEqual(refreshed);
    expect(sts.count()).toBe(1);
  });

  test("a short session is served while more than half its life is left, " +
    "then refreshed", async () => {
    shortSts.reset();
    const first = await execCreds("short");
    expect(shortSts.count("AssumeRole")).toBe(1);
    const second = await execCreds("short");
    expect(second).toEqual(first);
    expect(shortSts.count()).toBe(1);
    // Lifetime about 10 s: stale once at most half of it is left (and still not expired).
    const exp = Date.parse(first.expiration);
    await sleep(Math.max(0, exp - 3_000 - Date.now()));
    const third = await execCreds("short");
    expect(shortSts.count("AssumeRole")).toBe(2);
    expect(third.id).not.toBe(first.id);
    expect(Date.parse(third.expiration)).toBeGreaterThan(exp);
  }, 30_000);

  test("a corrupt or foreign keychain entry is a miss and gets replaced", async () => {
    await execCreds("target1");
    const { account } = await storedEntry("target1");
    for (const bad of ["garbage", JSON.stringify({ v: 1, key: "someone-else" }), '{"v":1,']) {
      await setStored(account, bad);
      sts.reset();
      const r = await runAwsx(
        ["exec", "--backend", "keychain", "--debug", "target1", "--", process.execPath, printCreds],
        env(),
      );
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`cache entry ${account.slice(0, 12)} is corrupt or foreign`);
      const c = JSON.parse(r.stdout) as ChildCreds;
      issued.push(c);
      expect(sts.count("AssumeRole")).toBe(1);
      const { entry } = await storedEntry("target1");
      expect(entry.credentials.accessKeyId).toBe(c.id);
      const s = sessionsFor((await list()).json, "target1");
      expect(s).toHaveLength(1);
      expect(s[0]!.secondsLeft).toBeGreaterThan(3000);
    }
  });

  test("awsx clear PROFILE removes that chain's sessions; awsx clear removes all", async () => {
    await execCreds("target1");
    await execCreds("target2");
    let l = (await list()).json;
    expect(sessionsFor(l, "target1")).toHaveLength(1);
    expect(sessionsFor(l, "target2")).toHaveLength(1);

    const cleared = await runAwsx(["clear", "--backend", "keychain", "target1"], env());
    expect(cleared.code).toBe(0);
    expect(cleared.stderr).toContain("removed 1 cached session from the keychain cache");
    l = (await list()).json;
    expect(sessionsFor(l, "target1")).toHaveLength(0);
    expect(sessionsFor(l, "target2")).toHaveLength(1);
    sts.reset();
    await execCreds("target2");
    expect(sts.count()).toBe(0);
    await execCreds("target1");
    expect(sts.count("AssumeRole")).toBe(1);

    const all = await runAwsx(["clear", "--backend", "keychain"], env());
    expect(all.code).toBe(0);
    expect(all.stderr).toMatch(/removed [1-9]\d* cached sessions? from the keychain cache/);
    expect((await list()).json.sessions).toEqual([]);
    expect(await stored()).toEqual([]);
    sts.reset();
    await execCreds("target1");
    await execCreds("target2");
    expect(sts.count("AssumeRole")).toBe(2);
  });

  // awsx wrote through keytar before: libsecret's generic schema, attributes service and
  // account. @napi-rs/keyring files items under service and username, so it never finds one.
  test(
    "an item in keytar's layout is a miss for its key, invisible to list, " + "left alone by clear",
    async () => {
      await execCreds("target1");
      const { account, entry } = await storedEntry("target1");
      expect((await runAwsx(["clear", "--backend", "keychain"], env())).code).toBe(0);
      // Well-formed and fresh for the very key awsx looks up: served at once if it were read.
      const old = JSON.stringify({
        ...entry,
        createdAt: new Date().toISOString(),
        expiration: new Date(Date.now() + 3600_000).toISOString(),
        credentials: {
          accessKeyId: "ASIAOLDKEYTARFAKE001",
          secretAccessKey: "oldKeytarLayoutSecret000000000000000001",
          sessionToken: "oldKeytarLayoutToken",
        },
      });
      await writeKeytarItem(keyring!.address, SERVICE, account, old);
      expect(await readKeytarItem(keyring!.address, SERVICE, account)).toBe(old);
      expect(await stored()).toEqual([]);
      expect((await list()).json.sessions).toEqual([]);

      sts.reset();
      const fresh = await execCreds("target1");
      expect(sts.count("AssumeRole")).toBe(1);
      expect(fresh.id).not.toBe("ASIAOLDKEYTARFAKE001");
      expect(sessionsFor((await list()).json, "target1")).toHaveLength(1);
      expect(await execCreds("target1")).toEqual(fresh);
      expect(sts.count()).toBe(1);

      const cleared = await runAwsx(["clear", "--backend", "keychain"], env());
      expect(cleared.code).toBe(0);
      expect(cleared.stderr).toContain("removed 1 cached session from the keychain cache");
      expect(await stored()).toEqual([]);
      expect(await readKeytarItem(keyring!.address, SERVICE, account)).toBe(old);
    },
  );

  test(
    "no secret in plain view: not in list output, the temp HOME, " + "or the keyring's files",
    async () => {
      const { raw } = await list();
      expect(issued.length).toBeGreaterThan(5);
      const files = [...filesUnder(home.dir), ...filesUnder(keyring!.dir)];
      // the keyring is on disk
      expect(files.some((f) => f.includes(`${path.sep}keyrings${path.sep}`))).toBe(true);
      for (const x of issued) {
        for (const s of [x.secret, x.token]) {
          expect(raw).not.toContain(s);
          for (const f of files)
            expect({ file: f, found: readFileSync(f).includes(s) }).toEqual({
              file: f,
              found: false,
            });
        }
      }
    },
  );
});
