import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type IniIndex, indexIni } from "../config/iniIndex.js";
import { type Indexer, unplainOf } from "../config/load.js";
import { ensurePrivateDir, existingPrivateDir } from "./privateDir.js";

// An `sso sync` config of 10,000 profiles costs a warm run ~12 ms of CPU to index (where its
// sections start, and the proof that parseIni accepts it: config/iniIndex.ts); reading that
// index back costs ~1 ms (docs/performance.md). So the index of a large config file is kept
// in awsx's private cache folder, keyed by the file's stat, and used while the file has not
// changed. It holds section headers (profile names) and their offsets, never a value.
// Smaller files are indexed faster than a stored index is read: nothing is stored for them.
const MIN_CHARS = 64 * 1024;
// One file per config path (a user may switch between files with AWS_CONFIG_FILE).
const fileOf = (path: string): string => `config-index-${fnv1a(path)}.json`;
const FORMAT = 1;

// A file changed within this long before its reading began is not stored. Any change to a
// file sets its ctime to the time of the change, so a stored index whose file still has the
// same ctime (and device, inode, size, mtime) describes the text read now: its file last
// changed before the indexed reading began and never since. The margin covers timestamps
// coarser than the clock (a rewrite of the same size within one tick would keep the stat).
// A clock set back by more than the margin is the case this cannot see.
const SETTLED_NS = 2_000_000_000n;

interface Stored {
  format: number;
  path: string;
  stamp: string;
  length: number;
  headers: string[];
  starts: number[];
  unplain: number[];
}

// An Indexer for loadConfig: the stored index when it is the file's, else indexIni's (stored
// when the file is large and settled). Any failure of the cache only costs the indexing.
export function configIndexCache(cacheDir: string): Indexer {
  return (path, text, readAt) => {
    if (text.length < MIN_CHARS) return indexIni(text);
    const stat = fileStamp(path);
    if (stat === undefined) return indexIni(text);
    const stored = readStored(cacheDir, path, stat.stamp, text);
    if (stored) return stored;
    const index = indexIni(text);
    if (index && stat.ctimeNs < BigInt(readAt) * 1_000_000n - SETTLED_NS) {
      const { headers, starts } = index;
      const unplain = unplainOf(headers);
      store(cacheDir, {
        format: FORMAT,
        path,
        stamp: stat.stamp,
        length: text.length,
        headers,
        starts,
        unplain,
      });
      return { ...index, unplain };
    }
    return index;
  };
}

// A file's identity and content stamp: another device or inode (an editor's rename), another
// size, or another modification or change time (nanoseconds) is another file. The agent's
// parsed config (src/cli/agent/configCache.ts) is kept by the same stamp.
export function fileStamp(path: string): { stamp: string; ctimeNs: bigint } | undefined {
  try {
    const st = statSync(path, { bigint: true });
    const stamp = [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join(":");
    return { stamp, ctimeNs: st.ctimeNs };
  } catch {
    return undefined;
  }
}

function readStored(dir: string, path: string, stamp: string, text: string): IniIndex | undefined {
  let found: unknown;
  try {
    const folder = existingPrivateDir(dir);
    if (!folder) return undefined;
    found = JSON.parse(readFileSync(join(folder, fileOf(path)), "utf8"));
  } catch {
    return undefined;
  }
  const s = found as Stored;
  if (s?.format !== FORMAT || s.path !== path || s.stamp !== stamp) return undefined;
  if (s.length !== text.length || !fits(s)) return undefined;
  const { headers, starts, unplain } = s;
  // Headers are unique in an indexed file; a run looks up two or three.
  const numbers = {
    get: (h: string) => {
      const i = headers.indexOf(h);
      return i < 0 ? undefined : i;
    },
  };
  return { headers, numbers, starts, text, unplain };
}

// The stored index has the shape of one. Whether each section read starts where its header
// is written is checked when it is read (iniIndex.ts sectionOf); what indexIni proved of the
// rest of the file holds because the file is unchanged (the stamp).
function fits(s: Stored): boolean {
  const { headers, starts, unplain } = s;
  if (!Array.isArray(headers) || !Array.isArray(starts) || !Array.isArray(unplain)) return false;
  if (headers.length !== starts.length || !ascending(unplain, 0, headers.length)) return false;
  return headers.every((h) => typeof h === "string");
}

// Integers, each larger than the one before, in [from, to).
function ascending(list: unknown[], from: number, to: number): boolean {
  let last = from - 1;
  for (const n of list) {
    if (!Number.isInteger(n) || (n as number) <= last || (n as number) >= to) return false;
    last = n as number;
  }
  return true;
}

// Written whole under a temporary name, then renamed: a reader sees the old file or the new.
function store(dir: string, stored: Stored): void {
  let tmp: string | undefined;
  try {
    const folder = ensurePrivateDir(dir);
    const file = fileOf(stored.path);
    tmp = join(folder, `.${file}.${process.pid}`);
    writeFileSync(tmp, JSON.stringify(stored), { mode: 0o600, flag: "wx" });
    renameSync(tmp, join(folder, file));
  } catch {
    if (tmp) rmSync(tmp, { force: true });
  }
}

// 32-bit FNV-1a of the path's UTF-16 code units, as hex: a file name, not a check (the path
// is compared too).
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}
