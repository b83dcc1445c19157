#!/usr/bin/env -S node --disable-sigusr1
"use strict";
// First of all: no signal may open Node's inspector. By default SIGUSR1 starts it on
// 127.0.0.1:9229, where any local user could attach and read awsx's secrets or run code as
// its user. --disable-sigusr1 (Node >= 22.14, hence package.json's engines) keeps Node from
// taking SIGUSR1 from its very start, before this file runs; `env -S` passes the flag (a
// shebang has room for one argument). Run as `node bin/awsx.js`, without the flag, the
// window is Node's start-up until the next line: a listener of our own replaces the
// inspector for the rest of the run (while a child runs, exec/run.ts forwards SIGUSR1 to it).
process.on("SIGUSR1", () => {});
// Then Node's compile cache, then the CommonJS bundle (bin/package.json: it starts faster
// than an ES module), whose cli() sets process.exitCode.
const fs = require("node:fs");
const path = require("node:path");

// awsx's cache folder as src/cli/settings.ts finds it (cacheDirOf), or undefined for a
// relative AWSX_CACHE_DIR, which awsx refuses, or with no absolute home. A relative
// XDG_CACHE_HOME is ignored (the XDG Base Directory spec).
function cacheRoot(env) {
  if (env.AWSX_CACHE_DIR)
    return path.isAbsolute(env.AWSX_CACHE_DIR) ? env.AWSX_CACHE_DIR : undefined;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "awsx");
  // HOME when absolute, else Node's home, else the password database's (homeForCache).
  const os = require("node:os");
  let home = env.HOME;
  try {
    if (home === undefined) home = os.homedir();
    if (!home || !path.isAbsolute(home)) home = os.userInfo().homedir;
  } catch {
    return undefined;
  }
  return home && path.isAbsolute(home) ? path.join(home, ".cache", "awsx") : undefined;
}

// ROOT/compile (ROOT: cacheRoot), with the rule of src/platform/privateDir.ts: it is the user's,
// every folder above it is the user's or root's, none is a symbolic link, and no one else
// can write any of them (a sticky /tmp aside). Each folder is checked before the next one
// is made in it, so nothing is made inside a folder that fails. The files hold code Node
// runs and Node checks them only with a CRC, so a folder others can write is not used
// (unlike Node's default, os.tmpdir()). NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE win.
function compileCacheDir(env, root) {
  if (env.NODE_COMPILE_CACHE || env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  if (!root) return undefined;
  const dir = path.resolve(root, "compile");
  if (typeof process.getuid !== "function") {
    try {
      fs.mkdirSync(dir, { recursive: true }); // Windows: no owners to check
      return dir;
    } catch {
      return undefined;
    }
  }
  const uid = process.getuid();
  const chain = [];
  for (let d = dir; ; d = path.dirname(d)) {
    chain.unshift(d);
    if (d === path.dirname(d)) break;
  }
  try {
    for (const d of chain) {
      let st;
      try {
        st = fs.lstatSync(d);
      } catch (e) {
        if (e.code !== "ENOENT") return undefined;
        try {
          fs.mkdirSync(d, { mode: 0o700 });
        } catch (m) {
          if (m.code !== "EEXIST") return undefined;
        }
        st = fs.lstatSync(d);
      }
      const othersWrite = (st.mode & 0o022) !== 0;
      const ok =
        st.isDirectory() &&
        (d === dir
          ? st.uid === uid && !othersWrite
          : (st.uid === uid || st.uid === 0) && (!othersWrite || (st.mode & 0o1000) !== 0));
      if (!ok) return undefined;
    }
    return dir;
  } catch {
    return undefined; // no cache: it only saves time
  }
}

// `awsx exec` runs its bundles from a V8 code cache of awsx's own in the compile folder, made
// at the end of a run: Node's compile cache keeps only what V8 compiled when a file was loaded,
// and a warm exec compiles most of the functions it runs after that, on every run
// (docs/performance.md: 5-6 ms less CPU for a warm exec). The file is written whole or not at
// all (renamed into place) in the folder checked above. Its first line names the bundle's
// file (inode, size, mtime), as the agent's build check does: V8 itself compares only the
// source's length, and a cache of another build of the same length would run its old code.
// V8's data follows twice: V8 does not check its content (a damaged file can crash every
// run), and comparing the copies is a native memcmp where a checksum would load node:zlib.
// V8 refuses a cache of another Node, set of flags or length. Any of these: the run compiles
// as without a cache and writes a new one. NAME: a bundle of dist/; DIR: compileCacheDir's;
// REQ: the bundle's require (default: one for dist/; the agent's client needs only Node's).
function loadBundle(name, dir, req) {
  const file = path.join(__dirname, "..", "dist", `${name}.cjs`);
  const cacheFile = path.join(dir, `${name}.${process.version}-${process.arch}.v8`);
  const fd = fs.openSync(file, "r");
  let source;
  let st;
  try {
    st = fs.fstatSync(fd); // the file read, even if an update replaces it meanwhile
    source = fs.readFileSync(fd, "utf8");
  } finally {
    fs.closeSync(fd);
  }
  const head = Buffer.from(`awsx code cache 1 ${st.ino}:${st.size}:${st.mtimeMs}\n`);
  let cachedData;
  try {
    const saved = fs.readFileSync(cacheFile);
    const half = (saved.length - head.length) / 2;
    const [one, two] = [saved.subarray(head.length, head.length + half), saved.subarray(-half)];
    const sound = half > 0 && Number.isInteger(half) && one.equals(two);
    if (sound && saved.subarray(0, head.length).equals(head)) cachedData = one;
  } catch {
    cachedData = undefined; // none yet: this run writes it
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new (require("node:vm").Script)(wrapped, { filename: file, cachedData });
  let stale = !cachedData || script.cachedDataRejected;
  // Called once the run has compiled what it needs: before its execve, or at a clean exit.
  const save = () => {
    if (!stale) return;
    stale = false;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      const data = script.createCachedData();
      fs.writeFileSync(tmp, Buffer.concat([head, data, data]), {
        mode: 0o600,
        flag: "wx",
      });
      fs.renameSync(tmp, cacheFile);
    } catch {
      try {
        fs.rmSync(tmp, { force: true }); // no cache: it only saves time
      } catch {
        // a folder gone or made read-only meanwhile: nothing was left in it, or nothing can be
      }
    }
  };
  const module = { exports: {} };
  const load = req ?? require("node:module").createRequire(file);
  script.runInThisContext()(module.exports, load, module, file, path.dirname(file));
  return { exports: module.exports, save };
}

const root = cacheRoot(process.env);
const dir = compileCacheDir(process.env, root);
const isExec = process.argv[2] === "exec";
// Node's compile cache: for every other command, and for the files dist/awsx.cjs loads later.
const nodeCache = () => dir && require("node:module").enableCompileCache?.(dir);
function direct() {
  nodeCache();
  if (!isExec || !dir) return require("../dist/awsx.cjs").cli();
  const bundle = loadBundle("awsx", dir);
  process.on("exit", (code) => code === 0 && bundle.save());
  return bundle.exports.cli(bundle.save);
}
// `awsx exec`: the agent may answer first (its client, a small bundle of its own:
// src/cli/agentClient/, docs/agent.md), and this process becomes the child; else (and for
// every other command) the bundle runs. The client's code cache is written by a run the agent
// answered, the path worth keeping.
// AWSX_AGENT off, as agentSetting (src/cli/agentProtocol.ts) reads it: 0/false, or unset with
// CI 1/true. Then the client is not even loaded; any other value is the client's to judge.
function agentOff(env) {
  const raw = (env.AWSX_AGENT ?? "").toLowerCase();
  if (raw === "") return ["1", "true"].includes((env.CI ?? "").toLowerCase());
  return raw === "0" || raw === "false";
}
function agentFirst() {
  if (!dir) return require("../dist/agent-client.cjs").viaAgent(root);
  const client = loadBundle("agent-client", dir, require);
  return client.exports.viaAgent(root, client.save);
}
const viaAgent = isExec && root && !agentOff(process.env) ? agentFirst() : false;
if (viaAgent === false) direct();
else viaAgent.then((done) => done || direct(), direct);
