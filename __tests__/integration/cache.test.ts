// The session cache end to end: the BUILT CLI against a real moto_server, counting the
// STS calls moto's recorder saw. Mostly the encrypted file store (runs anywhere), plus
// one keychain variant when a Secret Service is available.
import { spawn } from "node:child_process";
import { createDecipheriv, scryptSync } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runAwsx } from "../helpers/awsx.js";
import {
  dataFilesUnder,
  filesUnder,
  makeHome,
  type TempHome,
  keysSection,
} from "../helpers/home.js";
import { startMoto, type Moto, type MotoUser } from "../helpers/moto.js";
import { needs, needsForTest } from "../helpers/requirements.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PASS = "moto cache test passphrase";
const MFA_SERIAL = "arn:aws:iam::123456789012:mfa/cache-alice";
const MFA_CODE = "987123";
// Prints the three variables the child got, one a line; no network.
const PRINT = [
  "sh",
  "-c",
  'printf "%s\\n%s\\n%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"',
];

const awsx = (args: string[], env: Record<string, string>, timeoutMs = 60_000) =>
  runAwsx(args, env, timeoutMs);

// A keychain round trip (@napi-rs/keyring, pinned to the Secret Service as awsx pins it) on
// the D-Bus session of this process (npm test runs jest in one).
async function keyringRoundTrip(): Promise<boolean> {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) return false;
  const script =
    `const { AsyncEntry ` +
    `} = require(${JSON.stringify(path.join(ROOT, "node_modules", "@napi-rs", "keyring"))});
    const e = new AsyncEntry("awsx-cache-test-probe", "p", { linux: { store: "secret-service" } });
    (async () => { await e.setPassword("round-trip"); const v = await e.getPassword(); ` +
    `await e.deletePassword(); process.stdout.write(String(v)); })().catch((e) ` +
    `=> { console.error(e); process.exit(1); });`;
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const c = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    c.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const t = setTimeout(() => c.kill("SIGKILL"), 10_000);
    c.once("close", (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
  return r.code === 0 && r.out === "round-trip";
}

const describeMoto = await needs("moto_server", "aws");
const testKeychain = await needsForTest({
  name: "the OS keychain (DBUS_SESSION_BUS_ADDRESS and a @napi-rs/keyring round trip)",
  probe: keyringRoundTrip,
  hint: "run through npm test (dbus-run-session with an unlocked gnome-keyring)",
});

interface Creds {
  id: string;
  secret: string;
  token: string;
}

const parseCreds = (stdout: string): Creds => {
  const [id = "", secret = "", token = ""] = stdout.split("\n");
  return { id, secret, token };
};

// Every entry of the file store, decrypted as src/cache/fileStore.ts seals them
// (scrypt key, AES-256-GCM, the cache key as AAD): the test's own view of what is stored.
function decryptStore(dir: string, passphrase: string): Array<{ key: string; entry: any }> {
  const meta = JSON.parse(readFileSync(path.join(dir, "store.json"), "utf8"));
  const { N, r, p } = meta.kdf ?? { N: 1 << 14, r: 8, p: 1 };
  const key = scryptSync(passphrase, Buffer.from(meta.salt, "base64"), 32, {
    N,
    r,
    p,
    maxmem: 256 * 1024 * 1024,
  });
  const open = (sealed: { iv: string; tag: string; data: string }, aad: string) => {
    const d = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(Buffer.from(sealed.tag, "base64"));
    return Buffer.concat([d.update(Buffer.from(sealed.data, "base64")), d.final()]).toString(
      "utf8",
    );
  };
  expect(open(meta.check, "awsx-file-store")).toBe("awsx-file-store");
  return readdirSync(dir)
    .filter((n) => n.endsWith(".enc"))
    .map((n) => {
      const k = n.slice(0, -4);
      return {
        key: k,
        entry: JSON.parse(open(JSON.parse(readFileSync(path.join(dir, n), "utf8")), k)),
      };
    });
}

describeMoto("session cache against moto", () => {
  let moto: Moto;
  let user: MotoUser;
  let home: TempHome;
  const arns: Record<string, string> = {};
  // Every secret a child saw, to look for in the files at the end.
  const issued: Array<Creds & { where: "file" | "keychain" | "none" }> = [];
  const cacheDirs: string[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    user = await moto.createUser("cache-alice");
    for (const r of [
      "cache-target1",
      "cache-mfa1",
      "cache-mfa2",
      "cache-parallel",
      "cache-keychain",
    ])
      arns[r] = (await moto.createRole(r)).arn;
    const role = (name: string, roleName: string, extra = "") =>
      `[profile ${name}]\nrole_arn = ${arns[roleName]}\nsource_profile = base\n` +
      `region = us-east-1\nendpoint_url = ${moto.url}\n${extra}`;
    home = makeHome({
      config: [
        "[profile base]\nregion = us-east-1\n",
        role("target1", "cache-target1"),
        role("mfa1", "cache-mfa1", `mfa_serial = ${MFA_SERIAL}\n`),
        role("mfa2", "cache-mfa2", `mfa_serial = ${MFA_SERIAL}\n`),
        role("parallel", "cache-parallel"),
        role("cache-keychain", "cache-keychain"),
      ].join("\n"),
      credentials: keysSection("base", user),
    });
    await moto.startRecording();
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    home?.cleanup();
  }, 30_000);

  // A new cache folder inside the temp HOME (so each test starts cold).
  const newCacheDir = () => {
    const d = mkdtempSync(path.join(home.dir, "cache-"));
    cacheDirs.push(d);
    return d;
  };
  const fileEnv = (cacheDir: string, extra: Record<string, string | undefined> = {}) =>
    home.env({
      AWSX_CACHE_DIR: cacheDir,
      AWSX_FILE_PASSPHRASE: PASS,
      AWSX_BACKEND: "file",
      ...extra,
    });
  const sts = async () => {
    const calls = (await moto.recordedCalls()).filter(
      (c) =>
        c.service === "sts" ||
        ["AssumeRole", "GetSessionToken", "GetCallerIdentity"].includes(c.action),
    );
    return calls;
  };
  const count = async (action: string) => (await sts()).filter((c) => c.action === action).length;

  async function execPrint(
    profile: string,
    env: Record<string, string>,
    flags: string[] = [],
  ): Promise<Creds> {
    const where = flags.includes("--no-cache")
      ? "none"
      : env.AWSX_BACKEND === "keychain"
        ? "keychain"
        : "file";
    const r = await awsx(["exec", ...flags, profile, "--", ...PRINT], env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    const c = parseCreds(r.stdout);
    expect(c.id).toMatch(/^ASIA/);
    expect(c.secret.length).toBeGreaterThan(20);
    expect(c.token.length).toBeGreaterThan(20);
    issued.push({ ...c, where });
    return c;
  }

  let target1Cache = "";

  test(
    "cold run: one AssumeRole; warm runs: none, same credentials, " +
      "valid in moto (timings logged)",
    async () => {
      target1Cache = newCacheDir();
      const env = fileEnv(target1Cache);
      await moto.startRecording();
      const cold = await awsx(["exec", "target1", "--", "true"], env);
      expect(cold).toMatchObject({ code: 0, stderr: "" });
      expect(await count("AssumeRole")).toBe(1);
      const assume = (await sts())[0]!;
      expect(assume.params.RoleArn).toBe(arns["cache-target1"]);
      expect(assume.accessKeyId).toBe(user.accessKeyId);
      const warm: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await awsx(["exec", "target1", "--", "true"], env);
        expect(r.code).toBe(0);
        warm.push(r.ms);
      }
      console.log(
        `file backend (moto): cold ${cold.ms} ms, warm ${warm.join(" / ")} ms (awsx exec ` +
          `target1 -- true)`,
      );
      const a = await execPrint("target1", env);
      const b = await execPrint("target1", env);
      expect(b).toEqual(a);
      expect((await sts()).length).toBe(1);
      // The cached credentials are the real session moto issued for the role.
      const who = await awsx(
        [
          "exec",
          "target1",
          "--",
          "aws",
          "sts",
          "get-caller-identity",
          "--endpoint-url",
          moto.url,
          "--output",
          "json",
        ],
        env,
      );
      expect(who.code).toBe(0);
      expect(JSON.parse(who.stdout).Arn).toMatch(
        /^arn:aws:sts::123456789012:assumed-role\/cache-target1\/awsx-\d+$/,
      );
      expect(await count("AssumeRole")).toBe(1);
    },
  );

  test(
    "MFA role: first run GetSessionToken + AssumeRole with the code, then no code needed; " +
      "a second MFA role reuses the session",
    async () => {
      const env = fileEnv(newCacheDir());
      await moto.startRecording();
      const first = await execPrint("mfa1", env, ["--mfa-token", MFA_CODE]);
      let calls = await sts();
      expect(calls.map((c) => c.action)).toEqual(["GetSessionToken", "AssumeRole"]);
      const [gst, ar1] = calls;
      expect(gst!.params).toMatchObject({
        SerialNumber: MFA_SERIAL,
        TokenCode: MFA_CODE,
        DurationSeconds: "43200",
      });
      expect(gst!.accessKeyId).toBe(user.accessKeyId);
      // The role is assumed from the MFA session, without a code.
      expect(ar1!.params.RoleArn).toBe(arns["cache-mfa1"]);
      expect(ar1!.params.TokenCode).toBeUndefined();
      expect(ar1!.accessKeyId).toBeDefined();
      expect(ar1!.accessKeyId).not.toBe(user.accessKeyId);

      // No --mfa-token, no AWSX_MFA_TOKEN, no terminal: served from the cache.
      const second = await execPrint("mfa1", env);
      expect(second).toEqual(first);
      expect((await sts()).length).toBe(2);

      // Same mfa_serial and source: the cached MFA session assumes mfa2, no new code.
      const other = await execPrint("mfa2", env);
      calls = await sts();
      expect(calls.map((c) => c.action)).toEqual(["GetSessionToken", "AssumeRole", "AssumeRole"]);
      expect(calls[2]!.params.RoleArn).toBe(arns["cache-mfa2"]);
      expect(calls[2]!.accessKeyId).toBe(ar1!.accessKeyId); // signed with the same MFA session
      expect(other.id).not.toBe(first.id);

      // Control: without the cache the same run needs a code and fails (66) before any call.
      const uncached = await awsx(["exec", "--no-cache", "mfa2", "--", "true"], env);
      expect(uncached.code).toBe(66);
      expect(uncached.stderr).toMatch(
        /^awsx: profile "mfa2" needs an MFA code for arn:aws:iam::123456789012:mfa\/cache-alice/,
      );
      expect((await sts()).length).toBe(3);
    },
  );

  // The session is cold; the store itself was opened before (see fileStore.test.ts for a
  // brand-new cache folder, where parallel runs race to create the store's key header).
  test("16 parallel cold runs make exactly one AssumeRole and all exit 0 with the " +
    "same session", async () => {
    const cacheDir = newCacheDir();
    const env = fileEnv(cacheDir);
    expect((await awsx(["list"], env)).code).toBe(0);
    expect(readdirSync(path.join(cacheDir, "sessions"))).toEqual(["store.json"]);
    await moto.startRecording();
    const runs = await Promise.all(
      Array.from({ length: 16 }, () => awsx(["exec", "parallel", "--", ...PRINT], env)),
    );
    expect(runs.map((r) => r.code)).toEqual(Array(16).fill(0));
    expect(runs.map((r) => r.stderr)).toEqual(Array(16).fill(""));
    const assumeRoles = await count("AssumeRole");
    console.log(
      `16 parallel cold runs: ${assumeRoles} AssumeRole call(s) ` +
        `in moto's recorder; wall ${Math.max(...runs.map((r) => r.ms))} ms for the slowest`,
    );
    expect(assumeRoles).toBe(1);
    expect((await sts()).length).toBe(1);
    const creds = runs.map((r) => parseCreds(r.stdout));
    issued.push({ ...creds[0]!, where: "file" });
    expect(new Set(creds.map((c) => JSON.stringify(c))).size).toBe(1);
    // One entry, locks released.
    expect(
      readdirSync(path.join(cacheDir, "sessions")).filter((n) => n.endsWith(".enc")),
    ).toHaveLength(1);
    expect(readdirSync(path.join(cacheDir, "locks"))).toEqual([]);
  }, 60_000);

  test("--no-cache calls STS every time and writes nothing", async () => {
    const cacheDir = newCacheDir();
    const env = fileEnv(cacheDir);
    await moto.startRecording();
    const a = await execPrint("target1", env, ["--no-cache"]);
    const b = await execPrint("target1", env, ["--no-cache"]);
    expect(await count("AssumeRole")).toBe(2);
    expect(a.id).not.toBe(b.id);
    expect(dataFilesUnder(cacheDir)).toEqual([]);
  });

  testKeychain(
    "keychain backend: cold run one AssumeRole, warm none (timings logged)",
    async () => {
      const env = home.env({
        DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
        AWSX_CACHE_DIR: newCacheDir(),
        AWSX_BACKEND: "keychain",
      });
      const clear = () => awsx(["clear", "cache-keychain"], env);
      expect((await clear()).code).toBe(0); // only this file's profile: other entries stay
      await moto.startRecording();
      try {
        const cold = await awsx(["exec", "cache-keychain", "--", "true"], env);
        expect(cold).toMatchObject({ code: 0, stderr: "" });
        expect(await count("AssumeRole")).toBe(1);
        const warm: number[] = [];
        for (let i = 0; i < 3; i++) {
          const r = await awsx(["exec", "cache-keychain", "--", "true"], env);
          expect(r.code).toBe(0);
          warm.push(r.ms);
        }
        console.log(
          `keychain backend (moto): cold ${cold.ms} ms, warm ${warm.join(" / ")} ms (awsx exec ` +
            `cache-keychain -- true)`,
        );
        const a = await execPrint("cache-keychain", env);
        const b = await execPrint("cache-keychain", env);
        expect(b).toEqual(a);
        expect((await sts()).length).toBe(1);
        const l = await awsx(["list", "--json"], env);
        expect(l.code).toBe(0);
        const json = JSON.parse(l.stdout);
        expect(json.backend).toBe("keychain");
        expect(
          json.sessions.filter((s: { profile: string }) => s.profile === "cache-keychain"),
        ).toEqual([
          expect.objectContaining({
            kind: "assumeRole",
            for: arns["cache-keychain"],
            usedBy: ["base", "cache-keychain"],
          }),
        ]);
        for (const s of [a.id, a.secret, a.token]) expect(l.stdout).not.toContain(s);
      } finally {
        const c = await clear();
        expect(c.stderr).toContain("removed 1 cached session from the keychain cache");
      }
    },
  );

  test("with moto gone, a cached profile still runs (served from the cache); " +
    "uncached runs fail with 69", async () => {
    if (!target1Cache) target1Cache = newCacheDir(); // when run alone
    const env = fileEnv(target1Cache);
    const before = await execPrint("target1", env);
    await moto.stop();
    const after = await execPrint("target1", env);
    expect(after).toEqual(before);
    // Control: moto really is gone.
    const uncached = await awsx(["exec", "--no-cache", "target1", "--", "true"], {
      ...env,
      AWSX_STS_TIMEOUT: "3",
    });
    expect(uncached.code).toBe(69);
    expect(uncached.stderr).toMatch(/^awsx: /);
  }, 60_000);

  test("no secret in plaintext in any file under the temp HOME (cache folders included)", () => {
    // The stored entries hold every session: the children's and the MFA session in between.
    const stored = new Set<string>();
    let entries = 0;
    for (const dir of cacheDirs) {
      const sessions = path.join(dir, "sessions");
      if (!existsSync(sessions)) continue;
      for (const { key, entry } of decryptStore(sessions, PASS)) {
        entries++;
        expect(entry.key).toBe(key);
        for (const s of [entry.credentials.secretAccessKey, entry.credentials.sessionToken])
          stored.add(s);
      }
    }
    expect(entries).toBe(5); // target1; MFA session + mfa1 + mfa2; parallel
    expect(stored.size).toBe(2 * entries);
    // What the file-cached children got is what the entries hold.
    const fromFile = issued.filter((c) => c.where === "file");
    expect(fromFile.length).toBeGreaterThanOrEqual(6);
    for (const c of fromFile) expect(stored).toContain(c.secret);
    const secrets = new Set([...stored, ...issued.flatMap((c) => [c.secret, c.token])]);
    const files = filesUnder(home.dir);
    expect(files.filter((f) => f.endsWith(".enc"))).toHaveLength(5);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const s of secrets)
        if (bytes.includes(s)) throw new Error(`a secret is in plaintext in ${f}`);
    }
    // The long-term secret is only in the credentials file.
    expect(files.filter((f) => readFileSync(f).includes(user.secretAccessKey))).toEqual([
      home.credentialsFile,
    ]);
  });
});
