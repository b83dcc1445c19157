#!/usr/bin/env node
// Load the bundled CLI and let it set the exit status. CommonJS (see bin/package.json):
// it starts faster than an ES module, and awsx starts before every command it wraps.
//
// The bundles are compiled through a V8 code cache kept in awsx's cache folder
// (<cache>/code/, AWSX_CODE_CACHE=0 turns it off): a run then skips parsing and compiling
// the functions an earlier run compiled. Node 20 has no module.enableCompileCache (22+);
// this is the same thing by hand. A cache file holds bytecode of awsx's own code, never
// data of a run; it is named after the bundle's size, mtime and inode and the Node
// version, V8 itself rejects one made by another V8 or with other flags, and awsx uses
// only files of its user's that no one else can write (see seal and readOwn below).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const env = process.env;
const codeDir =
  env.AWSX_CODE_CACHE === "0"
    ? undefined
    : path.join(env.AWSX_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(env.HOME || require("node:os").homedir(), ".cache"), "awsx"), "code");
// Scripts compiled without a usable cache in this run: their cache is written at exit.
const fresh = [];

function loadBundle(file) {
  if (!codeDir) return require(file);
  const fd = fs.openSync(file, "r");
  let source;
  let id;
  try {
    const st = fs.fstatSync(fd);
    id = `${path.basename(file, ".cjs")}-${process.version}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}-${st.ino}`;
    source = fs.readFileSync(fd, "utf8");
  } finally {
    fs.closeSync(fd);
  }
  const cacheFile = path.join(codeDir, `${id}.v8`);
  const cachedData = readOwn(cacheFile);
  const vm = require("node:vm");
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const module = { exports: {}, filename: file, id: file };
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, path.dirname(file));
  if (!cachedData || script.cachedDataRejected) fresh.push({ file, script, cacheFile });
  return module.exports;
}

// A cache file is MAGIC + the V8 data twice. V8 checks a cache's header (version, flags,
// source length) but in release builds not its payload, and a damaged payload can crash
// the process; so a file whose two copies differ (a native memcmp) is not used, and is
// rewritten at exit. (A real checksum would cost more than the cache saves: node:crypto
// and node:zlib each take ~5 ms to load, a JavaScript hash as long.)
const MAGIC = Buffer.from("awsx-v8-cache-1\n");
function seal(data) {
  return Buffer.concat([MAGIC, data, data]);
}
function unseal(file) {
  const n = (file.length - MAGIC.length) / 2;
  if (!Number.isInteger(n) || n < 1 || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = file.subarray(MAGIC.length, MAGIC.length + n);
  return data.equals(file.subarray(MAGIC.length + n)) ? data : undefined;
}

// The cache file, if it and its folder are this user's and nobody else can write them:
// it is code awsx runs (an AWSX_CACHE_DIR in a shared place must not let others plant one).
const mine = (st) => typeof process.getuid !== "function" || (st.uid === process.getuid() && (st.mode & 0o022) === 0);
let codeDirOk;
function readOwn(file) {
  try {
    codeDirOk ??= mine(fs.statSync(codeDir));
    if (!codeDirOk) return undefined;
    const fd = fs.openSync(file, "r");
    try {
      return mine(fs.fstatSync(fd)) ? unseal(fs.readFileSync(fd)) : undefined;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined; // no cache yet
  }
}

// The bundles load their lazy parts (the full CLI, the STS client) through this.
globalThis.__awsxLoadBundle = loadBundle;

const main = path.join(__dirname, "..", "dist", "awsx.cjs");
const awsx = loadBundle(main);

process.once("exit", () => {
  for (const { file, script, cacheFile } of fresh) {
    // The main bundle's cache is written after an everyday command (exec, env,
    // credential-process) ran, so that it holds the functions those commands use.
    if (file === main && !awsx.servedFast?.()) continue;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(codeDir, { recursive: true, mode: 0o700 });
      if (!mine(fs.statSync(codeDir))) return;
      fs.writeFileSync(tmp, seal(script.createCachedData()), { mode: 0o600 });
      fs.renameSync(tmp, cacheFile);
      // Keep the newest three caches of this bundle: older builds are of no use any more,
      // but two installs of awsx (global and npx, say) must not keep deleting each other's.
      const prefix = `${path.basename(file, ".cjs")}-`;
      fs.readdirSync(codeDir)
        .filter((name) => name.startsWith(prefix) && name.endsWith(".v8"))
        .map((name) => ({ name, mtime: fs.statSync(path.join(codeDir, name)).mtimeMs }))
        .sort((a, b) => b.mtime - a.mtime)
        .slice(3)
        .forEach(({ name }) => fs.rmSync(path.join(codeDir, name), { force: true }));
    } catch {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // best effort: a code cache is only an optimisation
      }
    }
  }
});

awsx.cli();
