import { join } from "node:path";
import { writeFileAtomic } from "../platform/atomicWrite.js";
import { ensurePrivateDir, existingPrivateDir } from "../platform/privateDir.js";
import { readRegularFile } from "../platform/readRegular.js";

// The names of the profiles whose keys are in awsx's store, one per line, in the cache
// folder: with it, a run whose chain has keys in ~/.aws/credentials opens no keychain just
// to find that no stored keys override them (~15 ms of a warm run, docs/performance.md).
// Names only, never a key. A profile with no keys in the files is looked up in the store
// whatever this says, so a lost index costs only the override (docs/keys.md).
const FILE = "stored-keys";
// Far more than any index needs (a thousand profiles take ~50 KiB); a larger file is not
// awsx's, and is not read.
const MAX_BYTES = 1024 * 1024;
// The longest name kept: profile names are short; `awsx add` takes at most 128 characters.
const MAX_NAME = 256;

// A line of the index as a profile name, or undefined: 1-256 characters, none of them a
// control character (C0, DEL, C1), so no name can carry a terminal escape into completion.
function indexName(line: string): string | undefined {
  if (line.length === 0 || line.length > MAX_NAME) return undefined;
  return /\p{Cc}/u.test(line) ? undefined : line;
}

// The profiles recorded as having stored keys: an empty set when there is no index, and
// undefined when there is one awsx cannot trust: the cache folder is not private
// (src/platform/privateDir.ts: another user could have written it), or the index is not a
// regular file (a FIFO would block the read) or is larger than 1 MiB. Undefined means every
// profile is looked up in the store, as without an index. Lines that are not names are left
// out.
export async function storedKeysIndex(cacheDir: string): Promise<Set<string> | undefined> {
  try {
    const dir = existingPrivateDir(cacheDir);
    if (dir === undefined) return new Set();
    const got = await readRegularFile(join(dir, FILE), { maxBytes: MAX_BYTES });
    if ("notRead" in got) return got.notRead === "missing" ? new Set() : undefined;
    const names = new Set<string>();
    for (const line of got.text.split("\n")) {
      const name = indexName(line);
      if (name !== undefined) names.add(name);
    }
    return names;
  } catch {
    return undefined;
  }
}

// Records that `profile` has (or no longer has) keys in the store. A name the index cannot
// hold (see indexName) is not written: such a profile is then looked up in the store on
// every run, which is where its keys are.
export async function recordStoredKeys(
  cacheDir: string,
  profile: string,
  stored: boolean,
): Promise<void> {
  const dir = ensurePrivateDir(cacheDir);
  const names = (await storedKeysIndex(dir)) ?? new Set<string>();
  if (names.has(profile) === stored) return;
  if (stored && indexName(profile) === undefined) return;
  if (stored) names.add(profile);
  else names.delete(profile);
  await writeFileAtomic(join(dir, FILE), [...names].map((n) => `${n}\n`).join(""));
}
