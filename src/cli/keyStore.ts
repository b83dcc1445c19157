import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LoadedConfig } from "../config/load.js";
import { AwsxError } from "../errors.js";
import { decodeEntry } from "../cache/entry.js";
import {
  chainProfiles,
  decodeKeys,
  isKeysKey,
  type KeysEntry,
  readStoredKeys,
  storeKeyOf,
} from "../keys/storedKeys.js";
import { hasStaticKeys, type StoredKeyPair } from "../plan/planner.js";
import { storedKeysIndex } from "../keys/storedKeysIndex.js";
import type { Store } from "../types.js";
import { backendOpener, type CredentialFlags, type Deps, openBackend } from "./deps.js";
import { backendName } from "./settings.js";

// The store of long-term keys: the test's, else the backend every command uses.
export function keyStoreOpener(
  flags: CredentialFlags,
  deps: Deps,
): () => Promise<Store | undefined> {
  const test = deps.keyStore;
  if (!test) return backendOpener(flags, deps);
  let store: Promise<Store | undefined> | undefined;
  return () => (store ??= test());
}

// The same for reading keys only (explain, login's checks, and every run: --no-cache writes
// nothing): a file store that does not exist yet holds no keys, and is not created just to
// look. `open` is the run's own opener, so a file store is decrypted once.
export function lookOnlyOpener(
  flags: CredentialFlags,
  deps: Deps,
  open: () => Promise<Store | undefined> = keyStoreOpener(flags, deps),
): () => Promise<Store | undefined> {
  if (deps.keyStore) return deps.keyStore;
  const fileExists = existsSync(join(deps.settings.cacheDir, "sessions", "store.json"));
  const chosen = backendName(flags.backend, "--backend") ?? deps.settings.backend;
  if (fileExists || (chosen !== "file" && !(chosen === undefined && deps.settings.filePassphrase)))
    return open;
  if (chosen === "file") return async () => undefined;
  // The automatic choice with no file store yet: keys can only be in the keychain, if it
  // answers; one that fails holds none (the automatic choice falls back, it does not fail).
  return async () => {
    const kc = await openBackend({ ...flags, backend: "keychain" }, deps).catch(() => undefined);
    if (!kc) return undefined;
    const get = (k: string) =>
      kc.get(k).catch((e: Error) => {
        deps.logger.debug(`stored keys: keychain unavailable (${e.message})`);
        return undefined;
      });
    return { ...kc, strict: false, get };
  };
}

// The stored key pairs a resolution of `profile` may use (its source_profile chain). A
// profile whose keys are in the files is looked up only when the index says the store holds
// keys for it too; `index` undefined (a test's store): every profile is.
export async function storedKeysFor(
  config: LoadedConfig,
  profile: string,
  open: () => Promise<Store | undefined>,
  index?: Set<string>,
): Promise<Map<string, StoredKeyPair>> {
  const names = chainProfiles(config, profile).filter((name) => {
    const p = config.profiles.get(name);
    return index === undefined || !p || !hasStaticKeys(p) || index.has(name);
  });
  if (names.length === 0) return new Map();
  const store = await open();
  if (!store) return new Map();
  return readStoredKeys(store, names);
}

// The index of stored keys to consult (none for a test's own store, which it fills itself,
// nor for an index awsx cannot trust): without one, every profile is looked up in the store.
// Read once per run: `awsx doctor` plans every profile of the config.
const indexes = new WeakMap<Deps, Promise<Set<string> | undefined>>();
export function keysIndexOf(deps: Deps): Promise<Set<string> | undefined> {
  if (deps.keyStore) return Promise.resolve(undefined);
  let index = indexes.get(deps);
  if (!index) {
    index = storedKeysIndex(deps.settings.cacheDir);
    indexes.set(deps, index);
  }
  return index;
}

// A store that keeps keys across runs, or a clear refusal: long-term keys are never kept
// in memory only, and never written anywhere in plaintext.
export async function persistentStore(
  profile: string,
  flags: CredentialFlags,
  deps: Deps,
): Promise<Store> {
  const store = await keyStoreOpener(flags, deps)();
  if (store && store.name !== "none" && (store.name !== "memory" || deps.keyStore)) return store;
  throw new AwsxError(
    "E_CACHE",
    `no keychain and no encrypted file store to keep the keys of profile "${profile}" ` +
      `(backend: ${store?.name ?? "none"}); unlock the keychain, or set AWSX_FILE_PASSPHRASE ` +
      "(with --backend file) to use the encrypted file store",
    { profile },
  );
}

// The keys stored for `profile`, or exit 79: the store has none, and `fix` says what to do.
export async function storedEntryOf(
  store: Store,
  profile: string,
  fix: string,
): Promise<KeysEntry> {
  const entry = decodeKeys(await store.get(storeKeyOf(profile)), profile);
  if (entry) return entry;
  throw new AwsxError(
    "E_CREDENTIALS",
    `profile "${profile}" has no keys in the ${store.name}${fix}`,
    {
      profile,
    },
  );
}

// Writes then reads back: a keychain that failed over to nothing must not look like success.
export async function storeChecked(
  store: Store,
  key: string,
  value: string,
  profile: string,
): Promise<void> {
  await store.set(key, value);
  if ((await store.get(key)) !== value || store.name === "none") {
    throw new AwsxError(
      "E_CACHE",
      `the ${store.name} store did not keep the keys of profile "${profile}" ` +
        "(written, then not read back); check the keychain is unlocked and try again",
      { profile },
    );
  }
}

// Deletes the cached sessions whose chain uses `profile` (as `awsx clear PROFILE`): after
// `awsx remove` or `awsx rotate`, those were minted from keys that are gone. Returns the count.
export async function clearSessionsOf(store: Store, profile: string): Promise<number> {
  let removed = 0;
  for (const { key, value } of await store.list()) {
    if (isKeysKey(key) || !decodeEntry(value, key)?.profiles.includes(profile)) continue;
    await store.delete(key);
    removed++;
  }
  return removed;
}
