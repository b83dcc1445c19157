// The compile caches bin/awsx.js keeps in <cache dir>/compile: Node's (every command but
// exec, and the files dist/awsx.cjs loads later) and exec's own code cache of its bundles
// (docs/performance.md). Each is written by a first run and used as is by the next ones; a
// damaged file is a miss however often it is found (and exec's is replaced); a cache of
// another build is not used; a folder others could write is never used (its files are code
// Node runs, checked only by a CRC anyone can compute, or not at all).
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
import { AWSX_BIN, copyAwsx, runAwsx, runDetached, type AwsxRun } from "../helpers/awsx.js";
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

// awsx ARGS, which succeeds: exit 0, no signal, no line of awsx's on stderr.
async function runClean(args: string[], env: Record<string, string>): Promise<AwsxRun> {
  const r = await runAwsx(args, env, 20_000);
  expect({ code: r.code, signal: r.signal, stderr: awsxLines(r) }).toEqual({
    code: 0,
    signal: null,
    stderr: [],
  });
  return r;
}

// awsx exec with the static keys: prints the key id; exit code and output as always.
async function printKeyId(env: Record<string, string>, profile = "foo"): Promise<AwsxRun> {
  const print = "process.stdout.write(process.env.AWS_ACCESS_KEY_ID)";
  const args = ["exec", "--backend", "none", profile, "--", process.execPath, "-e", print];
  const r = await runClean(args, env);
  expect(r.stdout).toMatch(profile === "foo" ? KEY_ID : /^ASIA/);
  return r;
}
const snapshot = (file: string) => ({ mtime: statSync(file).mtimeMs, bytes: readFileSync(file) });

// exec's own code cache of a bundle of dist/ (bin/awsx.js's loadBundle), its first line (the
// bundle file's inode, size and mtime, with the newline), and the bundle itself.
const execCacheOf = (c: Cache, bundle: string) =>
  path.join(c.compile, `${bundle}.${process.version}-${process.arch}.v8`);
function headOf(file: string): Buffer {
  const b = readFileSync(file);
  return b.subarray(0, b.indexOf(10) + 1);
}
const DIST_AWSX = path.join(path.dirname(AWSX_BIN), "..", "dist", "awsx.cjs");
const inodeOf = (file: string) => statSync(file).ino;

// A command that loads dist/awsx.cjs through Node's compile cache (not exec).
const showVersion = (env: Record<string, string>) => runClean(["--version"], env);

test(
  "a first run writes the compile cache under <cache dir>/compile (0700); " +
    "the second run uses it as is",
  async () => {
    const c = fresh();
    await showVersion(c.env());
    expect(statSync(c.compile).mode & 0o777).toBe(0o700);
    const [versionDir, ...others] = readdirSync(c.compile);
    expect(others).toEqual([]);
    expect(versionDir).toContain(process.version);
    const files = readdirSync(path.join(c.compile, versionDir!));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files)
      expect(statSync(path.join(c.compile, versionDir!, f)).mode & 0o777).toBe(0o600);

    const second = await showVersion(c.env(DEBUG));
    expect(accepted(second, "awsx.cjs")).toBe(true);
    const file = cacheFileOf(second, "awsx.cjs");
    expect(path.dirname(file)).toBe(path.join(c.compile, versionDir!));
    const before = snapshot(file);
    await new Promise((r) => setTimeout(r, 20));
    await showVersion(c.env());
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
  await showVersion(c.env());
  const file = cacheFileOf(await showVersion(c.env(DEBUG)), "awsx.cjs");
  const good = readFileSync(file);
  expect(good.length).toBeGreaterThan(1000);
  for (const [, damage] of DAMAGES) {
    const bad = damage(good);
    for (let run = 0; run < 3; run++) {
      writeFileSync(file, bad);
      const r = await showVersion(c.env(DEBUG));
      expect(accepted(r, "awsx.cjs")).toBe(false);
    }
  }
  // Left in place, a damaged file is replaced by the first run and used by the next.
  const bad = flip(good, HEADER + 64, good.length - 64);
  writeFileSync(file, bad);
  await showVersion(c.env());
  expect(readFileSync(file).equals(bad)).toBe(false);
  expect(accepted(await showVersion(c.env(DEBUG)), "awsx.cjs")).toBe(true);
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
    await showVersion(c.env());
    await printKeyId(c.env());
    const file = cacheFileOf(await showVersion(c.env(DEBUG)), "awsx.cjs");
    const planted = forge(readFileSync(file));
    writeFileSync(file, planted);
    // exec's own cache, replaced by another build's (its own first line, V8's data damaged).
    const own = execCacheOf(c, "awsx");
    const ownPlanted = Buffer.concat([
      headOf(own),
      flipBoth(readFileSync(own).subarray(headOf(own).length)),
    ]);
    writeFileSync(own, ownPlanted);
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
          expect(nodeLines(await showVersion(c.env(DEBUG)))).toEqual([]);
          expect(nodeLines(await printKeyId(c.env(DEBUG)))).toEqual([]);
        }
      } finally {
        chmodSync(folder, before);
      }
      expect(readFileSync(file).equals(planted)).toBe(true);
      expect(readFileSync(own).equals(ownPlanted)).toBe(true);
    }
    writeFileSync(file, Buffer.alloc(0));
    writeFileSync(own, Buffer.alloc(0));
  },
);

test("a folder above it that is sticky (as /tmp) is fine; Node's own switches win", async () => {
  const shared = path.join(home.dir, `shared-${++n}`);
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  const root = path.join(shared, "awsx");
  const env = (extra: Record<string, string> = {}) => home.env({ AWSX_CACHE_DIR: root, ...extra });
  await showVersion(env());
  expect(accepted(await showVersion(env(DEBUG)), "awsx.cjs")).toBe(true);

  const off = fresh();
  const disabled = await printKeyId(off.env({ ...DEBUG, NODE_DISABLE_COMPILE_CACHE: "1" }));
  expect(nodeLines(disabled).filter((l) => l.includes("reading cache"))).toEqual([]);
  const own = path.join(home.dir, `node-compile-cache-${n}`);
  await printKeyId(off.env({ NODE_COMPILE_CACHE: own }));
  // Node's cache where the user put it; exec's own is not kept then (no .v8 file).
  expect(readdirSync(own).length).toBe(1);
  expect(readdirSync(own, { recursive: true }).filter((f) => String(f).endsWith(".v8"))).toEqual(
    [],
  );
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

test(
  "exec keeps a code cache of its own: written by its first run (0600, its first line names " +
    "the bundle file), larger than Node's (it holds the functions run), used as is after",
  async () => {
    const c = fresh();
    await printKeyId(c.env());
    const file = execCacheOf(c, "awsx");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const st = statSync(DIST_AWSX);
    expect(headOf(file).toString()).toBe(`awsx code cache 1 ${st.ino}:${st.size}:${st.mtimeMs}\n`);
    const nodes = readFileSync(cacheFileOf(await showVersion(c.env(DEBUG)), "awsx.cjs"));
    expect(readFileSync(file).length).toBeGreaterThan(nodes.length);
    const ino = inodeOf(file);
    for (let run = 0; run < 2; run++) {
      await printKeyId(c.env());
      expect(inodeOf(file)).toBe(ino); // a refused cache is written again (renamed into place)
    }
    expect(readdirSync(c.compile).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    // A run that fails writes none (it compiled little): the next good run does.
    const d = fresh();
    const failed = await runAwsx(["exec", "no-such-profile", "--", "true"], d.env(), 20_000);
    expect(failed.code).toBe(67);
    expect(existsSync(execCacheOf(d, "awsx"))).toBe(false);
    await printKeyId(d.env());
    expect(existsSync(execCacheOf(d, "awsx"))).toBe(true);
  },
);

test("a damaged exec code cache is never used: the run works and replaces it", async () => {
  const c = fresh();
  await printKeyId(c.env());
  const file = execCacheOf(c, "awsx");
  const good = readFileSync(file);
  const head = headOf(file);
  const data = good.subarray(head.length); // V8's data, twice
  const otherBuild = Buffer.from(head.toString().replace(/:(\d+)/, (_, ino) => `:${ino}1`));
  const damages: Array<[string, Buffer]> = [
    ["empty", Buffer.alloc(0)],
    ["cut inside its first line", head.subarray(0, 10)],
    ["its first line alone", head],
    ["V8's data cut in half", good.subarray(0, head.length + (data.length >> 1))],
    ["V8's header flipped", Buffer.concat([head, flip(data, 0, 16)])],
    ["V8's data flipped in its first copy", Buffer.concat([head, flip(data, 64, data.length / 2)])],
    ["all zeros", Buffer.alloc(good.length)],
    ["another build's first line", Buffer.concat([otherBuild, data])],
  ];
  for (const [what, bad] of damages) {
    writeFileSync(file, bad);
    await printKeyId(c.env());
    expect({ what, replaced: !readFileSync(file).equals(bad) }).toEqual({ what, replaced: true });
    const ino = inodeOf(file);
    await printKeyId(c.env());
    expect({ what, kept: inodeOf(file) }).toEqual({ what, kept: ino });
  }
}, 120_000);

// Flips the same bytes in both copies of V8's data, as a writer of the folder could: only V8's
// own checks are left (these bytes are past its header), and it does not check the content in
// release builds. Such a file is never read from a folder others can write.
function flipBoth(twice: Buffer): Buffer {
  const half = twice.length / 2;
  const one = flip(twice.subarray(0, half), 64, half - 64);
  return Buffer.concat([one, one]);
}

// V8 takes a code cache for any source of the same length: the first line is what tells an
// update of dist/awsx.cjs (here one that keeps its length) from the build the cache was made of.
test("a code cache of another build of the same length is not used", async () => {
  const copy = path.join(home.dir, `copy-${++n}`);
  const bin = copyAwsx(copy);
  const c = fresh();
  const run = (command: string) =>
    runDetached(
      process.execPath,
      [bin, "exec", "--backend", "none", "foo", "--", command],
      c.env(),
    );
  expect((await run("true")).code).toBe(0);
  expect(existsSync(execCacheOf(c, "awsx"))).toBe(true);
  const bundle = path.join(copy, "dist", "awsx.cjs");
  const text = readFileSync(bundle, "utf8");
  const said = "command not found (profile";
  expect(text.split(said).length).toBe(2);
  writeFileSync(bundle, text.replace(said, "command NOT found (profile"));
  expect(statSync(bundle).size).toBe(Buffer.byteLength(text));
  const r = await run("no-such-command-awsx-cc");
  expect(r.code).toBe(127);
  expect(r.stderr).toContain("no-such-command-awsx-cc: command NOT found (profile");
});
