#!/usr/bin/env node
"use strict";
// First of all: no signal may open Node's inspector. By default SIGUSR1 starts it on
// 127.0.0.1:9229, where any local user could attach and read awsx's secrets or run code as
// its user. A listener of our own replaces that for the whole run (while a child runs,
// exec/run.ts forwards SIGUSR1 to it).
process.on("SIGUSR1", () => {});
// Then Node's compile cache, then the CommonJS bundle (bin/package.json: it starts faster
// than an ES module), whose cli() sets process.exitCode.
const fs = require("node:fs");
const path = require("node:path");

// <awsx cache folder>/compile, if it and every folder above it are the user's (or root's)
// and no one else can write them (a sticky /tmp aside). The files hold code Node runs and
// Node checks them only with a CRC, so a folder others can write is not used (unlike
// Node's default, os.tmpdir()). NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE win.
function compileCacheDir(env) {
  if (env.NODE_COMPILE_CACHE || env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const home = () => env.HOME || require("node:os").homedir();
  const root =
    env.AWSX_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(home(), ".cache"), "awsx");
  const dir = path.join(root, "compile");
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (typeof process.getuid !== "function") return dir;
    // The resolved path is checked and used: a symbolic link on the way cannot be changed.
    const real = fs.realpathSync.native(dir);
    const uid = process.getuid();
    for (let d = real; ; d = path.dirname(d)) {
      const { uid: owner, mode } = fs.statSync(d);
      const othersWrite = (mode & 0o022) !== 0;
      // The folder itself: the user's, nobody else writes. Above it: the user's or root's,
      // nobody else writes, or sticky (others cannot rename what is not theirs).
      const ok =
        d === real
          ? owner === uid && !othersWrite
          : (owner === uid || owner === 0) && (!othersWrite || (mode & 0o1000) !== 0);
      if (!ok) return undefined;
      if (d === path.dirname(d)) return real;
    }
  } catch {
    return undefined; // no cache: it only saves time
  }
}

const dir = compileCacheDir(process.env);
if (dir) require("node:module").enableCompileCache?.(dir);
require("../dist/awsx.cjs").cli();
