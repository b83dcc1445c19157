import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../platform/atomicWrite.js";
import { ensurePrivateDir } from "../platform/privateDir.js";

// The names of the profiles whose keys are in awsx's store, one per line, in the cache
// folder: with it, a run whose chain has keys in ~/.aws/credentials opens no keychain just
// to find that no stored keys override them (~15 ms of a warm run, docs/performance.md).
// Names only, never a key. A profile with no keys in the files is looked up in the store
// whatever this says, so a lost index costs only the override (docs/keys.md).
const FILE = "stored-keys";

// The profiles recorded as having stored keys (none when there is no index).
export function storedKeysIndex(cacheDir: string): Set<string> {
  try {
    const text = readFileSync(join(cacheDir, FILE), "utf8");
    return new Set(text.split("\n").filter(Boolean));
  } catch {
    return new Set();
  }
}

// Records that `profile` has (or no longer has) keys in the store.
export async function recordStoredKeys(
  cacheDir: string,
  profile: string,
  stored: boolean,
): Promise<void> {
  const names = storedKeysIndex(cacheDir);
  if (names.has(profile) === stored) return;
  if (stored) names.add(profile);
  else names.delete(profile);
  const dir = ensurePrivateDir(cacheDir);
  await writeFileAtomic(join(dir, FILE), [...names].map((n) => `${n}\n`).join(""));
}
