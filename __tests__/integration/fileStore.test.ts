// The encrypted file cache (`--backend file`, AES-256-GCM with a scrypt key) through the
// BUILT CLI against the in-process fake STS: passphrases, tampering, permissions and the
// default backend choice when there is no keychain.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
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

const ACCOUNT = "123456789012";
const PASS = "correct horse battery staple (test)";
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

const HEX_ENTRY = /^[0-9a-f]{64}\.enc$/;
const mode = (p: string) => statSync(p).mode & 0o777;
const entryFiles = (sessions: string) =>
  existsSync(sessions)
    ? readdirSync(sessions)
        .filter((n) => HEX_ENTRY.test(n))
        .sort()
    : [];
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("encrypted file session cache", () => {
  let sts: FakeSts;
  let home: TempHome;
  let printCreds: string;
  let cacheDir: string;
  let sessions: string;
  const issued: ChildCreds[] = [];

  beforeAll(async () => {
    sts = await startFakeSts();
  });
  afterAll(async () => {
    await sts?.close();
  });

  beforeEach(() => {
    const role = (name: string) =>
      `[profile ${name}]\nrole_arn = ${roleArn(`fs-${name}`)}\nsource_profile = base\n` +
      `endpoint_url = ${sts.url}\n`;
    home = makeHome({
      config: ["[profile base]\nregion = us-east-1\n", role("target1"), role("target2")].join("\n"),
      credentials:
        "[base]\naws_access_key_id = AKIAFAKEFILESTORE001\n" +
        "aws_secret_access_key = fakeFileStoreTestSecret000000000000000001\n",
    });
    printCreds = writePrintCreds(home.dir);
    cacheDir = path.join(home.dir, "awsx-cache");
    sessions = path.join(cacheDir, "sessions");
    sts.reset();
  });
  afterEach(() => {
    // No secret ever lands in a file of the temp HOME (cache folder included).
    for (const f of filesUnder(home.dir)) {
      const bytes = readFileSync(f);
      for (const c of issued)
        for (const s of [c.secret, c.token])
          expect({ file: f, leaked: bytes.includes(s) }).toEqual({ file: f, leaked: false });
    }
    home.cleanup();
  });

  const fileEnv = (extra: Record<string, string | undefined> = {}) =>
    home.env({ AWSX_CACHE_DIR: cacheDir, AWSX_FILE_PASSPHRASE: PASS, ...extra });

  async function execCreds(
    profile: string,
    env: Record<string, string>,
    flags: string[] = ["--backend", "file"],
  ): Promise<ChildCreds & { stderr: string }> {
    const r = await runAwsx(["exec", ...flags, profile, "--", process.execPath, printCreds], env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const c = JSON.parse(r.stdout) as ChildCreds;
    expect(c.profile).toBe(profile);
    expect(c.id).toMatch(/^ASIA/);
    // The credentials really are the role's this profile names.
    expect(sts.identityOf(c.id)?.arn).toMatch(
      new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/fs-${profile}/`),
    );
    issued.push(c);
    return { ...c, stderr: r.stderr };
  }

  test(
    "first run calls AssumeRole once, the second none; private folders and files; " +
      "timings logged",
    async () => {
      const cold = await runAwsx(["exec", "--backend", "file", "target1", "--", "true"], fileEnv());
      expect(cold.code).toBe(0);
      expect(sts.count("AssumeRole")).toBe(1);
      const warm: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await runAwsx(["exec", "--backend", "file", "target1", "--", "true"], fileEnv());
        expect(r.code).toBe(0);
        warm.push(r.ms);
      }
      expect(sts.count()).toBe(1);
      console.log(
        `file backend (fake STS): cold ${cold.ms} ms, warm ${warm.join(" / ")} ms (awsx exec ` +
          `target1 -- true)`,
      );

      const a = await execCreds("target1", fileEnv());
      const b = await execCreds("target1", fileEnv());
      expect(b).toEqual(a);
      expect(sts.count()).toBe(1);

      // Layout: the header and one entry, no temp files; 0700 folders, 0600 files.
      expect(readdirSync(sessions).sort()).toEqual(["store.json", ...entryFiles(sessions)].sort());
      expect(entryFiles(sessions)).toHaveLength(1);
      expect(mode(sessions)).toBe(0o700);
      for (const f of readdirSync(sessions))
        expect({ f, mode: mode(path.join(sessions, f)) }).toEqual({ f, mode: 0o600 });
      const locks = path.join(cacheDir, "locks");
      expect(mode(locks)).toBe(0o700);
      expect(readdirSync(locks)).toEqual([]); // released
      // The entry is sealed: JSON with iv/tag/data and nothing readable about the session.
      const sealed = JSON.parse(
        readFileSync(path.join(sessions, entryFiles(sessions)[0]!), "utf8"),
      );
      expect(Object.keys(sealed).sort()).toEqual(["data", "iv", "tag", "v"]);
      const text = readFileSync(path.join(sessions, entryFiles(sessions)[0]!), "utf8");
      for (const s of [a.id, a.secret, a.token, "target1", "fs-target1"])
        expect(text).not.toContain(s);

      // list and clear work on the file store, and list shows no secret.
      const l = await runAwsx(["list", "--json", "--backend", "file"], fileEnv());
      expect(l.code).toBe(0);
      const json = JSON.parse(l.stdout);
      expect(json.backend).toBe("file");
      expect(json.sessions).toEqual([
        expect.objectContaining({
          profile: "target1",
          kind: "assumeRole",
          for: roleArn("fs-target1"),
          usedBy: ["base", "target1"],
        }),
      ]);
      for (const s of [a.id, a.secret, a.token]) expect(l.stdout).not.toContain(s);
      const cleared = await runAwsx(["clear", "--backend", "file"], fileEnv());
      expect(cleared.code).toBe(0);
      expect(cleared.stderr).toContain("removed 1 cached session from the file cache");
      expect(entryFiles(sessions)).toEqual([]);
      await execCreds("target1", fileEnv());
      expect(sts.count("AssumeRole")).toBe(2);
    },
  );

  test("the default cache folder is $HOME/.cache/awsx, created private", async () => {
    await execCreds("target1", fileEnv({ AWSX_CACHE_DIR: undefined }));
    const root = path.join(home.dir, ".cache", "awsx");
    expect(entryFiles(path.join(root, "sessions"))).toHaveLength(1);
    expect(mode(path.join(root, "sessions"))).toBe(0o700);
    expect(mode(path.join(root, "locks"))).toBe(0o700);
    expect(existsSync(cacheDir)).toBe(false);
  });

  test(
    "a wrong passphrase is exit 74 with a clear message and leaves the " + "entries intact",
    async () => {
      const good = await execCreds("target1", fileEnv());
      const before = Object.fromEntries(
        readdirSync(sessions).map((n) => [n, readFileSync(path.join(sessions, n), "utf8")]),
      );
      sts.reset();
      const r = await runAwsx(
        ["exec", "--backend", "file", "target1", "--", process.execPath, printCreds],
        fileEnv({ AWSX_FILE_PASSPHRASE: "not the passphrase" }),
      );
      expect(r.code).toBe(74);
      expect(r.stdout).toBe(""); // the child never ran
      expect(r.stderr).toBe(
        `awsx: the passphrase for the file cache in ${sessions} is wrong; ` +
          `set AWSX_FILE_PASSPHRASE to the one it was created with (or remove the folder to ` +
          `start over)\n`,
      );
      expect(sts.count()).toBe(0);
      const l = await runAwsx(
        ["list", "--backend", "file"],
        fileEnv({ AWSX_FILE_PASSPHRASE: "not the passphrase" }),
      );
      expect(l.code).toBe(74);
      expect(l.stderr).toMatch(/^awsx: the passphrase for the file cache .* is wrong/);
      // Nothing was rewritten, and the right passphrase still opens the same session.
      const after = Object.fromEntries(
        readdirSync(sessions).map((n) => [n, readFileSync(path.join(sessions, n), "utf8")]),
      );
      expect(after).toEqual(before);
      const again = await execCreds("target1", fileEnv());
      expect(again).toEqual(good);
      expect(sts.count()).toBe(0);
    },
  );

  test("a tampered entry (one flipped ciphertext byte) is a miss and is replaced", async () => {
    const good = await execCreds("target1", fileEnv());
    const [name] = entryFiles(sessions);
    const file = path.join(sessions, name!);
    const sealed = JSON.parse(readFileSync(file, "utf8"));
    const data = Buffer.from(sealed.data, "base64");
    data[Math.floor(data.length / 2)]! ^= 0x01;
    writeFileSync(file, JSON.stringify({ ...sealed, data: data.toString("base64") }));
    sts.reset();
    const fresh = await execCreds("target1", fileEnv(), ["--backend", "file", "--debug"]);
    // (The file store reports a file that fails authentication as absent, so
    // --debug shows a plain miss.)
    expect(fresh.stderr).not.toContain("from the file cache");
    expect(fresh.stderr).toContain("AssumeRole arn:aws:iam::123456789012:role/fs-target1");
    expect(sts.count("AssumeRole")).toBe(1);
    expect(fresh.id).not.toBe(good.id);
    // Replaced by a good entry under the same name: served from now on.
    expect(entryFiles(sessions)).toEqual([name]);
    expect(readFileSync(file, "utf8")).not.toContain(sealed.data);
    expect(stripStderr(await execCreds("target1", fileEnv()))).toEqual(stripStderr(fresh));
    expect(sts.count()).toBe(1);
  });

  test("two swapped entry files are both misses: a file cannot pass for another key", async () => {
    const one = await execCreds("target1", fileEnv());
    const before = entryFiles(sessions);
    const two = await execCreds("target2", fileEnv());
    const [k2] = entryFiles(sessions).filter((n) => !before.includes(n));
    const [k1] = before;
    const p1 = path.join(sessions, k1!);
    const p2 = path.join(sessions, k2!);
    const [t1, t2] = [readFileSync(p1), readFileSync(p2)];
    writeFileSync(p1, t2);
    writeFileSync(p2, t1);
    sts.reset();
    const again1 = await execCreds("target1", fileEnv());
    const again2 = await execCreds("target2", fileEnv());
    // Each profile got fresh credentials for its own role, never the other's.
    expect(sts.count("AssumeRole")).toBe(2);
    expect([again1.id, again2.id]).not.toContain(one.id);
    expect([again1.id, again2.id]).not.toContain(two.id);
    expect(sts.calls.map((c) => c.params.RoleArn)).toEqual([
      roleArn("fs-target1"),
      roleArn("fs-target2"),
    ]);
  });

  // Parallel first runs must agree on one store header (salt), or each seals with its own
  // key, cannot read the others' entries and calls STS (this once made 16 calls).
  test("16 parallel runs on a brand-new cache folder make exactly one AssumeRole", async () => {
    const runs = await Promise.all(
      Array.from({ length: 16 }, () =>
        runAwsx(["exec", "--backend", "file", "target1", "--", "true"], fileEnv()),
      ),
    );
    expect(runs.map((r) => r.code)).toEqual(Array(16).fill(0));
    console.log(
      `file backend, brand-new cache folder: 16 ` +
        `parallel runs made ${sts.count("AssumeRole")} AssumeRole call(s)`,
    );
    expect(sts.count("AssumeRole")).toBe(1);
  }, 60_000);

  test(
    "--backend file / AWSX_BACKEND=file without a passphrase and no terminal: exit 74, " +
      "clear message",
    async () => {
      for (const [flags, extra] of [
        [["--backend", "file"], {}],
        [[], { AWSX_BACKEND: "file" }],
      ] as const) {
        const r = await runAwsx(
          ["exec", ...flags, "target1", "--", "true"],
          home.env({ AWSX_CACHE_DIR: cacheDir, ...extra }),
        );
        expect(r.code).toBe(74);
        expect(r.stderr).toBe(
          "awsx: the file backend needs a passphrase: " +
            "set AWSX_FILE_PASSPHRASE (or run on a terminal to be asked)\n",
        );
      }
      expect(sts.count()).toBe(0);
      expect(entryFiles(sessions)).toEqual([]);
    },
  );

  test("no D-Bus and AWSX_FILE_PASSPHRASE set: the default backend is the file store", async () => {
    const env = fileEnv({ DBUS_SESSION_BUS_ADDRESS: undefined });
    expect(env.DBUS_SESSION_BUS_ADDRESS).toBeUndefined();
    const first = await execCreds("target1", env, ["--debug"]);
    expect(first.stderr).toContain(
      "cache: keychain unavailable (the keychain needs a D-Bus session (DBUS_SESSION_BUS_ADDRESS " +
        "is not set))",
    );
    expect(first.stderr).toContain(
      "cache: using the encrypted file store (AWSX_FILE_PASSPHRASE is set)",
    );
    expect(entryFiles(sessions)).toHaveLength(1);
    const second = await execCreds("target1", env, ["--debug"]);
    expect(second.stderr).toMatch(
      /target1: assumeRole arn:aws:iam::123456789012:role\/fs-target1 from the file cache/,
    );
    expect(stripStderr(second)).toEqual(stripStderr(first));
    expect(sts.count()).toBe(1);
    // Never a secret in --debug output.
    for (const s of [first.secret, first.token])
      expect(first.stderr + second.stderr).not.toContain(s);
  });

  test(
    "no D-Bus and no passphrase: no cache, every run calls STS, " + "--debug says so once",
    async () => {
      const env = home.env({ AWSX_CACHE_DIR: cacheDir, DBUS_SESSION_BUS_ADDRESS: undefined });
      const notice = "cache: none (no keychain, no AWSX_FILE_PASSPHRASE): every run calls STS";
      const a = await execCreds("target1", env, ["--debug"]);
      const b = await execCreds("target1", env, ["--debug"]);
      expect(sts.count("AssumeRole")).toBe(2);
      expect(a.id).not.toBe(b.id);
      for (const r of [a, b]) expect(count(r.stderr, notice)).toBe(1);
      // Without --debug: silent.
      const quiet = await runAwsx(["exec", "target1", "--", "true"], env);
      expect(quiet).toMatchObject({ code: 0, stderr: "" });
      expect(existsSync(sessions)).toBe(false);
    },
  );

  test("--no-cache calls STS every time and writes no entry", async () => {
    mkdirSync(cacheDir, { recursive: true });
    const a = await execCreds("target1", fileEnv(), ["--backend", "file", "--no-cache"]);
    const b = await execCreds("target1", fileEnv(), ["--backend", "file", "--no-cache"]);
    expect(sts.count("AssumeRole")).toBe(2);
    expect(a.id).not.toBe(b.id);
    expect(entryFiles(sessions)).toEqual([]);
  });
});

function stripStderr<T extends { stderr: string }>(x: T): Omit<T, "stderr"> {
  const { stderr: _s, ...rest } = x;
  return rest;
}
