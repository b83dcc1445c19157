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

const root = cacheRoot(process.env);
const dir = compileCacheDir(process.env, root);
if (dir) require("node:module").enableCompileCache?.(dir);
const direct = () => require("../dist/awsx.cjs").cli();
// `awsx exec`: the agent may answer first (its client, a small bundle of its own:
// src/cli/agentClient/, docs/agent.md), and this process becomes the child; else (and for
// every other command) the bundle runs.
const asked = process.argv[2] === "exec" && root;
const viaAgent = asked ? require("../dist/agent-client.cjs").viaAgent(root) : false;
if (viaAgent === false) direct();
else viaAgent.then((done) => done || direct(), direct);
