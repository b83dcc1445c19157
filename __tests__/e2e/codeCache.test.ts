// Node's compile cache, which bin/awsx.js turns on in <cache dir>/compile: written by a first
// run, used as is by the next ones (the lazily loaded files too), a damaged file is a miss
// however often it is found, and a folder others could write is never used (its files are
// code Node runs, checked only by a CRC anyone can compute).
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { AWSX_BIN, runAwsx, runDetached, type AwsxRun } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";

const KEY_ID = "AKIAFAKECODECACHE001";
// Node's cache file: five little-endian uint32 (magic, source size, cache size, source
// hash, CRC32 of the rest), then V8's data.
const HEADER = 20;
let home: TempHome;
let sts: FakeSts;
let n = 0;

beforeAll(async () => {
  sts = await startFakeSts();
  home = makeHome({
    config: [
      "[profile role]",
      "role_arn = arn:aws:iam::123456789012:role/cc",
      "source_profile = foo",
      "region = us-east-1",
      `endpoint_url = ${sts.url}`,
      "[profile foo]",
      "region = us-east-1",
      `endpoint_url = ${sts.url}`,
      "",
    ].join("\n"),
    credentials: [
      "[foo]",
      `aws_access_key_id = ${KEY_ID}`,
      "aws_secret_access_key = fakeCodeCacheSecret00000000000000000001",
      "",
    ].join("\n"),
  });
});
afterAll(async () => {
  home?.cleanup();
  await sts?.close();
});

interface Cache {
  root: string;
  compile: string;
  env: (extra?: Record<string, string>) => Record<string, string>;
}
// Each test gets a cache folder of its own.
function fresh(): Cache {
  const root = path.join(home.dir, `cache-${++n}`);
  return {
    root,
    compile: path.join(root, "compile"),
    env: (extra = {}) => home.env({ AWSX_CACHE_DIR: root, ...extra }),
  };
}

// Node's debug lines about its compile cache (stderr).
const DEBUG = { NODE_DEBUG_NATIVE: "COMPILE_CACHE" };
const nodeLines = (r: AwsxRun) =>
  r.stderr.split("\n").filter((l) => l.startsWith("[compile cache]"));
const awsxLines = (r: AwsxRun) =>
  r.stderr.split("\n").filter((l) => l && !l.startsWith("[compile cache]"));
// The cache file Node read for a bundle of dist/ (from its debug lines).
function cacheFileOf(r: AwsxRun, bundle: string): string {
  const line = nodeLines(r).find(
    (l) => l.includes("reading cache from") && l.includes(`dist${path.sep}${bundle}`),
  );
  const file = line?.match(/reading cache from (\S+) for/)?.[1];
  if (!file) throw new Error(`no compile cache read for ${bundle} in:\n${r.stderr}`);
  return file;
}
const accepted = (r: AwsxRun, bundle: string) =>
  nodeLines(r).some((l) => l.includes(`dist${path.sep}${bundle} was accepted`));

// awsx exec with the static keys: prints the key id; exit code and output as always.
async function printKeyId(env: Record<string, string>, profile = "foo"): Promise<AwsxRun> {
  const print = "process.stdout.write(process.env.AWS_ACCESS_KEY_ID)";
  const args = ["exec", "--backend", "none", profile, "--", process.execPath, "-e", print];
  const r = await runAwsx(args, env, 20_000);
  expect({ code: r.code, signal: r.signal, stderr: awsxLines(r) }).toEqual({
    code: 0,
    signal: null,
    stderr: [],
  });
  expect(r.stdout).toMatch(profile === "foo" ? KEY_ID : /^ASIA/);
  return r;
}
const snapshot = (file: string) => ({ mtime: statSync(file).mtimeMs, bytes: readFileSync(file) });

test(
  "a first run writes the compile cache under <cache dir>/compile (0700); " +
    "the second run uses it as is",
  async () => {
    const c = fresh();
    await printKeyId(c.env());
    expect(statSync(c.compile).mode & 0o777).toBe(0o700);
    const [versionDir, ...others] = readdirSync(c.compile);
    expect(others).toEqual([]);
    expect(versionDir).toContain(process.version);
    const files = readdirSync(path.join(c.compile, versionDir!));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files)
      expect(statSync(path.join(c.compile, versionDir!, f)).mode & 0o777).toBe(0o600);

    const second = await printKeyId(c.env(DEBUG));
    expect(accepted(second, "awsx.cjs")).toBe(true);
    const file = cacheFileOf(second, "awsx.cjs");
    expect(path.dirname(file)).toBe(path.join(c.compile, versionDir!));
    const before = snapshot(file);
    await new Promise((r) => setTimeout(r, 20));
    await printKeyId(c.env());
    // Accepted by V8, so not written again.
    expect(snapshot(file)).toEqual(before);
  },
);

test(
  "the lazily loaded STS client has its cache too: a cold run writes it, " +
    "the next cold run uses it",
  async () => {
    const c = fresh();
    for (let i = 0; i < 2; i++) {
      sts.reset();
      const r = await printKeyId(c.env(DEBUG), "role");
      expect(sts.count("AssumeRole")).toBe(1);
      expect(accepted(r, "lazy-sts.cjs")).toBe(i === 1);
    }
  },
);

// Ways a cache file can be damaged, each made from a good file.
const DAMAGES: Array<[string, (good: Buffer) => Buffer]> = [
  ["empty", () => Buffer.alloc(0)],
  ["truncated inside the header", (g) => g.subarray(0, 10)],
  ["the header alone", (g) => g.subarray(0, HEADER)],
  ["truncated in the middle", (g) => g.subarray(0, g.length >> 1)],
  ["one byte short", (g) => g.subarray(0, g.length - 1)],
  ["trailing bytes", (g) => Buffer.concat([g, Buffer.from("trailing")])],
  ["magic flipped", (g) => flip(g, 0, 4)],
  ["source hash flipped", (g) => flip(g, 12, 16)],
  ["V8 data flipped (the CRC no longer matches)", (g) => flip(g, HEADER + 64, g.length - 64)],
  ["all zeros", (g) => Buffer.alloc(g.length)],
];
function flip(good: Buffer, from: number, to: number): Buffer {
  const b = Buffer.from(good);
  for (let i = from; i < to; i += i < from + 16 ? 1 : 61) b[i]! ^= 0xa5;
  return b;
}

test("a damaged cache file is a miss every time: " +
  "the same damage before each run never crashes nor hangs awsx", async () => {
  const c = fresh();
  await printKeyId(c.env());
  const file = cacheFileOf(await printKeyId(c.env(DEBUG)), "awsx.cjs");
  const good = readFileSync(file);
  expect(good.length).toBeGreaterThan(1000);
  for (const [, damage] of DAMAGES) {
    const bad = damage(good);
    for (let run = 0; run < 3; run++) {
      writeFileSync(file, bad);
      const r = await printKeyId(c.env(DEBUG));
      expect(accepted(r, "awsx.cjs")).toBe(false);
    }
  }
  // Left in place, a damaged file is replaced by the first run and used by the next.
  const bad = flip(good, HEADER + 64, good.length - 64);
  writeFileSync(file, bad);
  await printKeyId(c.env());
  expect(readFileSync(file).equals(bad)).toBe(false);
  expect(accepted(await printKeyId(c.env(DEBUG)), "awsx.cjs")).toBe(true);
}, 120_000);

// A damaged file whose CRC was recomputed: V8 would run it (it crashes awsx: docs/performance.md).
function forge(good: Buffer): Buffer {
  const b = flip(good, HEADER + 64, good.length - 64);
  b.writeUInt32LE(crc32(b.subarray(HEADER)), 16);
  return b;
}

test(
  "a compile folder, or a folder above it, " +
    "that others can write is not used (a planted file is not read)",
  async () => {
    const c = fresh();
    await printKeyId(c.env());
    const file = cacheFileOf(await printKeyId(c.env(DEBUG)), "awsx.cjs");
    const planted = forge(readFileSync(file));
    writeFileSync(file, planted);
    for (const [folder, mode] of [
      [c.compile, 0o777],
      [c.compile, 0o720],
      [c.root, 0o777],
      [c.root, 0o702],
    ] as const) {
      const before = statSync(folder).mode & 0o7777;
      chmodSync(folder, mode);
      try {
        for (let run = 0; run < 2; run++) {
          const r = await printKeyId(c.env(DEBUG));
          expect(nodeLines(r)).toEqual([]);
        }
      } finally {
        chmodSync(folder, before);
      }
      expect(readFileSync(file).equals(planted)).toBe(true);
    }
    writeFileSync(file, Buffer.alloc(0));
  },
);

test("a folder above it that is sticky (as /tmp) is fine; Node's own switches win", async () => {
  const shared = path.join(home.dir, `shared-${++n}`);
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  const root = path.join(shared, "awsx");
  const env = (extra: Record<string, string> = {}) => home.env({ AWSX_CACHE_DIR: root, ...extra });
  await printKeyId(env());
  expect(accepted(await printKeyId(env(DEBUG)), "awsx.cjs")).toBe(true);

  const off = fresh();
  const disabled = await printKeyId(off.env({ ...DEBUG, NODE_DISABLE_COMPILE_CACHE: "1" }));
  expect(nodeLines(disabled).filter((l) => l.includes("reading cache"))).toEqual([]);
  const own = path.join(home.dir, `node-compile-cache-${n}`);
  await printKeyId(off.env({ NODE_COMPILE_CACHE: own }));
  expect(readdirSync(own).length).toBe(1);
  expect(existsSync(off.root)).toBe(false);
});

test(
  "a cache folder that cannot be made (a file is in the way) " + "only means no compile cache",
  async () => {
    const c = fresh();
    writeFileSync(c.root, "not a folder");
    const r = await printKeyId(c.env(DEBUG));
    expect(nodeLines(r)).toEqual([]);
  },
);

// Issue 32, finding 5: the folders on the way are checked before compile/ is made in them.
test("nothing is made in a cache folder (or above it) that others can write", async () => {
  const open = path.join(home.dir, `open-${++n}`);
  mkdirSync(open);
  chmodSync(open, 0o777);
  // AWSX_CACHE_DIR is the open folder itself: no compile/ in it.
  await printKeyId(home.env({ AWSX_CACHE_DIR: open }));
  expect(readdirSync(open)).toEqual([]);
  // ...or a folder to be made inside it: neither it nor compile/ is made.
  const r = await printKeyId(home.env({ AWSX_CACHE_DIR: path.join(open, "awsx"), ...DEBUG }));
  expect(nodeLines(r)).toEqual([]);
  expect(readdirSync(open)).toEqual([]);
});

// awsx run from `cwd` (runAwsx runs it in jest's working folder).
const runIn = (cwd: string, args: string[], env: Record<string, string>) =>
  runDetached("sh", ["-c", 'cd "$0" && exec "$@"', cwd, process.execPath, AWSX_BIN, ...args], env);

// Issue 32, finding 11: the XDG Base Directory spec says a relative path is to be ignored.
test("a relative XDG_CACHE_HOME is ignored: ~/.cache/awsx, not the working folder", async () => {
  const cwd = path.join(home.dir, `cwd-${++n}`);
  mkdirSync(cwd);
  const env = home.env({ XDG_CACHE_HOME: "rel-cache" });
  const args = ["exec", "--backend", "none", "foo", "--", "true"];
  const r = await runIn(cwd, args, env);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  expect(readdirSync(cwd)).toEqual([]);
  expect(existsSync(path.join(home.dir, ".cache", "awsx", "compile"))).toBe(true);
});

test(
  "a relative AWSX_CACHE_DIR is refused (64), " + "nothing is made in the working folder",
  async () => {
    const cwd = path.join(home.dir, `cwd-${++n}`);
    mkdirSync(cwd);
    const r = await runIn(
      cwd,
      ["exec", "foo", "--", "true"],
      home.env({ AWSX_CACHE_DIR: "cache" }),
    );
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(
      'awsx: AWSX_CACHE_DIR must be an absolute path, not "cache"; ' +
        'set it to e.g. "$HOME/.cache/awsx", or unset it for the default\n',
    );
    expect(readdirSync(cwd)).toEqual([]);
  },
);
