import { lstatSync, mkdirSync, type Stats } from "node:fs";
import { dirname, resolve } from "node:path";
import { AwsxError } from "../errors.js";

const uid = (): number | undefined => process.getuid?.();

// Why a folder on the way to a private one could let another user swap what is inside it,
// or undefined when it is safe: owned by root or by us, and not writable by others unless
// sticky (as /tmp is: there others cannot rename what is ours).
function unsafe(path: string, st: Stats, last: boolean): string | undefined {
  if (!st.isDirectory())
    return `${path} is ${st.isSymbolicLink() ? "a symbolic link" : "not a folder"}`;
  const me = uid();
  if (me === undefined) return undefined;
  if (st.uid !== me && st.uid !== 0) return `${path} belongs to another user (uid ${st.uid})`;
  if (last && st.uid !== me) return `${path} is not yours`;
  const sticky = (st.mode & 0o1000) !== 0;
  if ((st.mode & 0o022) !== 0 && (last || !sticky)) return `${path} is writable by other users`;
  return undefined;
}

// The folder and every folder above it, the root first.
function chainOf(full: string): string[] {
  const chain: string[] = [];
  for (let p = full; ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) return chain;
  }
}

// Walks the chain from the root, checking each folder; a missing one is made (create) or
// ends the walk (returns false: the folder is not there, and nothing was made).
function walk(full: string, create: boolean): boolean {
  for (const p of chainOf(full)) {
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT")
        throw refuse(full, `${p}: ${(e as NodeJS.ErrnoException).code}`);
      if (!create) return false;
      // Another awsx may make it between the lstat and here: then its folder is checked.
      try {
        mkdirSync(p, { mode: 0o700 });
      } catch (m) {
        if ((m as NodeJS.ErrnoException).code !== "EEXIST") throw m;
      }
      st = lstatSync(p);
    }
    const why = unsafe(p, st, p === full);
    if (why) throw refuse(full, why);
  }
  return true;
}

// Make (mode 0700) or check a folder that holds secrets, locks or code of awsx's, so that no
// other local user can plant, swap or redirect anything in it: it and every folder above it
// must be ours or root's and not writable by others, and none may be a symbolic link.
// Throws E_CACHE naming the folder and the fix.
export function ensurePrivateDir(path: string): string {
  const full = resolve(path);
  walk(full, true);
  return full;
}

// The same check for a folder that is only read from: nothing is made. Its resolved path
// when it is there and private, undefined when it (or a folder above it) is missing; throws
// E_CACHE as ensurePrivateDir does when it is there and not private.
export function existingPrivateDir(path: string): string | undefined {
  const full = resolve(path);
  return walk(full, false) ? full : undefined;
}

const refuse = (dir: string, why: string) =>
  new AwsxError(
    "E_CACHE",
    `refusing to use ${dir} for awsx's cache: ${why}; set AWSX_CACHE_DIR to a folder of your own ` +
      "(mode 0700) that no other user can write to or above",
  );
