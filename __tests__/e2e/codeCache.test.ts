// bin/awsx.js's V8 code cache (<cache dir>/code/*.v8): written after an everyday command,
// used (not rewritten) by the next runs, rebuilt when damaged, never in the way (off with
// AWSX_CODE_CACHE=0, an unwritable folder is ignored), and the lazily loaded part (the STS
// client) loads through it too.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";

const KEY_ID = "AKIAFAKECODECACHE001";
let home: TempHome;
let sts: FakeSts;
let n = 0;

beforeAll(async () => {
  sts = await startFakeSts();
  home = makeHome({
    config: `[profile role]\nrole_arn = arn:aws:iam::123456789012:role/cc\nsource_profile = foo\nregion = us-east-1\nendpoint_url = ${sts.url}\n[profile foo]\nregion = us-east-1\nendpoint_url = ${sts.url}\n`,
    credentials: `[foo]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = fakeCodeCacheSecret00000000000000000001\n`,
  });
});
afterAll(async () => {
  home?.cleanup();
  await sts?.close();
});

// Each test gets a cache folder of its own.
function fresh(): { dir: string; code: string; env: (extra?: Record<string, string>) => Record<string, string> } {
  const dir = path.join(home.dir, `cache-${++n}`);
  return { dir, code: path.join(dir, "code"), env: (extra = {}) => home.env({ AWSX_CACHE_DIR: dir, ...extra }) };
}
const files = (code: string, prefix: string) => (existsSync(code) ? readdirSync(code).filter((f) => f.startsWith(prefix) && f.endsWith(".v8")) : []);
const env = (c: ReturnType<typeof fresh>) => c.env();

async function printKeyId(e: Record<string, string>, profile = "foo"): Promise<void> {
  const r = await runAwsx(["exec", "--backend", "none", profile, "--", process.execPath, "-e", "process.stdout.write(process.env.AWS_ACCESS_KEY_ID)"], e);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  expect(r.stdout).toMatch(profile === "foo" ? KEY_ID : /^ASIA/);
}

test("an everyday command writes the main bundle's cache (0600 in a 0700 folder); the next runs use it as is", async () => {
  const c = fresh();
  await printKeyId(env(c));
  const [file] = files(c.code, "awsx-");
  expect(file).toMatch(new RegExp(`^awsx-${process.version.replace(/\./g, "\\.")}-${process.arch}-\\d+-\\d+-\\d+\\.v8$`));
  expect(statSync(c.code).mode & 0o777).toBe(0o700);
  const full = path.join(c.code, file!);
  expect(statSync(full).mode & 0o777).toBe(0o600);
  const before = readFileSync(full);
  const mtime = statSync(full).mtimeMs;
  await new Promise((r) => setTimeout(r, 20));
  await printKeyId(env(c));
  await printKeyId(env(c));
  // Accepted by V8, so not written again.
  expect(statSync(full).mtimeMs).toBe(mtime);
  expect(readFileSync(full).equals(before)).toBe(true);
  expect(files(c.code, "awsx-")).toEqual([file]);
});

test("a damaged cache file is not used (the two copies differ, or V8 rejects it), the command still works, and the file is rebuilt", async () => {
  const c = fresh();
  await printKeyId(env(c));
  const full = path.join(c.code, files(c.code, "awsx-")[0]!);
  const good = readFileSync(full);
  const half = (good.length + 16) / 2;
  const damages = [
    Buffer.from("not a code cache"),
    good.subarray(0, 100),
    Buffer.alloc(0),
    // one copy of the V8 data damaged past its header: V8 itself would not notice (it crashed)
    Buffer.from(good).fill(7, 64, 200),
    Buffer.from(good).fill(7, half, half + 100),
    // both copies damaged alike, header included: V8 rejects it
    Buffer.concat([good.subarray(0, 16), Buffer.alloc(good.length - 16, 1)]),
  ];
  for (const damage of damages) {
    writeFileSync(full, damage);
    await printKeyId(env(c));
    const rebuilt = readFileSync(full);
    expect(rebuilt.equals(damage)).toBe(false);
    expect(rebuilt.length).toBeGreaterThan(1000);
  }
});

test("AWSX_CODE_CACHE=0 writes nothing; an unwritable folder is ignored", async () => {
  const off = fresh();
  await printKeyId(off.env({ AWSX_CODE_CACHE: "0" }));
  expect(existsSync(off.code)).toBe(false);

  const ro = fresh();
  mkdirSync(ro.code, { recursive: true, mode: 0o700 });
  chmodSync(ro.code, 0o500);
  try {
    await printKeyId(env(ro));
    // root ignores directory permissions: only check that nothing failed.
    if (process.getuid?.() !== 0) expect(readdirSync(ro.code)).toEqual([]);
  } finally {
    chmodSync(ro.code, 0o700);
  }
});

test("the newest three caches of a bundle are kept (two installs of awsx can share the folder), older ones removed", async () => {
  const c = fresh();
  mkdirSync(c.code, { recursive: true, mode: 0o700 });
  const old = (i: number) => `awsx-v0.0.${i}-x64-1-2-3.v8`;
  for (let i = 1; i <= 4; i++) {
    writeFileSync(path.join(c.code, old(i)), "old");
    utimesSync(path.join(c.code, old(i)), new Date(2020, 0, i), new Date(2020, 0, i));
  }
  writeFileSync(path.join(c.code, "unrelated.txt"), "keep");
  await printKeyId(env(c));
  const mine = files(c.code, "awsx-").filter((f) => !f.startsWith("awsx-v0.0."));
  expect(mine).toHaveLength(1);
  expect(readdirSync(c.code).sort()).toEqual([mine[0], old(3), old(4), "unrelated.txt"].sort());
});

test("help and version run from the main bundle but do not keep its cache: only everyday commands do", async () => {
  const c = fresh();
  const help = await runAwsx(["--help"], env(c));
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/awsx exec PROFILE/);
  const version = await runAwsx(["--version"], env(c));
  expect(version.code).toBe(0);
  expect(files(c.code, "awsx-")).toEqual([]);
  // Once an everyday command wrote it, --help uses that cache and leaves it as it is.
  await printKeyId(env(c));
  const full = path.join(c.code, files(c.code, "awsx-")[0]!);
  const mtime = statSync(full).mtimeMs;
  expect((await runAwsx(["--help"], env(c))).stdout).toBe(help.stdout);
  expect(statSync(full).mtimeMs).toBe(mtime);
  expect(files(c.code, "lazy-")).toEqual([]);
});

test("a cold run loads the STS client through the loader (its cache is written) and calls STS once", async () => {
  const c = fresh();
  sts.reset();
  await printKeyId(env(c), "role");
  expect(sts.count("AssumeRole")).toBe(1);
  expect(files(c.code, "lazy-sts-")).toHaveLength(1);
  sts.reset();
  await printKeyId(env(c), "role");
  expect(sts.count("AssumeRole")).toBe(1);
});

test("a cache folder others can write is neither read nor written (its files are code awsx would run)", async () => {
  const c = fresh();
  await printKeyId(env(c));
  const full = path.join(c.code, files(c.code, "awsx-")[0]!);
  const good = readFileSync(full);
  chmodSync(c.code, 0o777);
  try {
    // A planted file: valid framing, garbage V8 data. Were it used, awsx would crash.
    const n = (good.length - 16) / 2;
    const planted = Buffer.concat([good.subarray(0, 16 + 64), Buffer.alloc(n - 64, 3)]);
    writeFileSync(full, Buffer.concat([planted, planted.subarray(16)]));
    const mtime = statSync(full).mtimeMs;
    await printKeyId(env(c));
    await printKeyId(env(c));
    expect(statSync(full).mtimeMs).toBe(mtime);
  } finally {
    chmodSync(c.code, 0o700);
  }
  // In a folder of the user's own, the same file is used, and shows why the check matters.
  const r = await runAwsx(["exec", "--backend", "none", "foo", "--", "true"], env(c));
  expect({ code: r.code, signal: r.signal }).not.toEqual({ code: 0, signal: null });
});

test("a command that calls STS outside the warm path (whoami) loads the STS client through the loader", async () => {
  const c = fresh();
  for (let i = 0; i < 2; i++) {
    sts.reset();
    const r = await runAwsx(["whoami", "--json", "foo"], env(c));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(r.stdout)).toMatchObject({ Profile: "foo", Account: "123456789012" });
    expect(sts.count("GetCallerIdentity")).toBe(1);
  }
  expect(files(c.code, "lazy-sts-")).toHaveLength(1);
});
