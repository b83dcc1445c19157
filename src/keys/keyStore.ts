import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LoadedConfig } from "../config/load.js";
import { AwsxError } from "../errors.js";
import { decodeEntry } from "../cache/cacheEntry.js";
import {
  chainProfiles,
  decodeKeys,
  isKeysKey,
  type KeysEntry,
  readStoredKeys,
  storeKeyOf,
} from "./storedKeys.js";
import { hasStaticKeys, type StoredKeyPair } from "../plan/planner.js";
import { storedKeysIndex } from "./storedKeysIndex.js";
import type { Store } from "../types.js";
import { backendOpener, type CredentialFlags, type Deps, openBackend } from "../cli/deps.js";
import { backendName } from "../cli/settings.js";
import {
  diagnoseKeychain,
  FILE_STORE_FIX,
  type KeychainState,
  keychainProblem,
  keychainProblemOf,
  keychainStateOf,
  writeProbe,
} from "../cache/keychainState.js";
import { openKeychain } from "../cache/select.js";

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
  // remove and rotate change keys already in the store: only that store can help.
  change?: string,
): Promise<Store> {
  const store = await keyStoreOpener(flags, deps)();
  if (deps.keyStore && store) return store;
  const problem = await lastingStoreProblem(store, flags, deps, change === undefined);
  if (store && problem === undefined) return store;
  const head = change ?? `nowhere to keep the keys of profile "${profile}"`;
  throw new AwsxError("E_CACHE", `${head} (nothing was changed): ${problem}`, { profile });
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
    const why = store.failure ?? `the ${store.name} store did not give back what was written`;
    throw new AwsxError(
      "E_CACHE",
      `the keys of profile "${profile}" were not kept: ${keychainProblemOf(why)}`,
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

// Why `store` cannot keep anything past this run, in the keychain's words with the fix, or
// undefined when a write probe lands. No store at all: the keychain is diagnosed (a write
// probe of its own), so the message names its state rather than "nowhere".
export async function lastingStoreProblem(
  store: Store | undefined,
  flags: CredentialFlags,
  deps: Deps,
  elsewhere = true,
): Promise<string | undefined> {
  const failed = await writeProbe(store);
  if (failed === undefined) return undefined;
  const chosen = backendName(flags.backend, "--backend") ?? deps.settings.backend;
  if (chosen === "none" || chosen === "memory")
    return `the ${chosen} backend keeps nothing past this run; use the default backend, or ${FILE_STORE_FIX}`;
  if (store && store.name !== "none") return keychainProblemOf(failed, elsewhere);
  const { state, detail } = await diagnoseKeychain(openKeychain, deps.env);
  if (state === "available") return `${failed}; ${FILE_STORE_FIX}`;
  return keychainProblem(state, store?.failure ?? detail, elsewhere);
}

// Profiles of the chain the index says have stored keys, with none in the files, whose keys
// were not read: the planner would say they have no keys at all ("add one"). Instead, 74
// naming the store's state and the fix (issue 26: keys never vanish behind that message).
export async function expectStoredKeysRead(
  config: LoadedConfig,
  profile: string,
  found: Map<string, StoredKeyPair>,
  open: () => Promise<Store | undefined>,
  index: Set<string> | undefined,
  flags: CredentialFlags,
  deps: Deps,
): Promise<void> {
  if (!index) return;
  const lost = chainProfiles(config, profile).filter((name) => {
    const p = config.profiles.get(name);
    return index.has(name) && !found.has(name) && !(p && hasStaticKeys(p));
  });
  if (lost.length === 0) return;
  const who = lost.map((n) => `"${n}"`).join(", ");
  const chosen = backendName(flags.backend, "--backend") ?? deps.settings.backend;
  const head = `the keys of profile ${who} were stored by awsx (awsx add/import) but cannot be read`;
  let why: string;
  // A store that does not open (the file store with a wrong passphrase) is the reason itself,
  // not the keychain's state.
  let notOpened: string | undefined;
  const store = await open().catch((e: Error) => {
    notOpened = e.message;
    return undefined;
  });
  if (chosen === "none" || chosen === "memory") why = `with --backend ${chosen}; run without it`;
  else if (notOpened !== undefined) why = notOpened;
  else if (store?.failure) why = keychainProblemOf(store.failure, false);
  else {
    const { state, detail } = await diagnoseKeychain(openKeychain, deps.env);
    why =
      state === "available"
        ? "the keychain works but holds none (kept with --backend file? set AWSX_FILE_PASSPHRASE); " +
          `else store them again with \`awsx add ${lost[0]}\``
        : keychainProblem(state, detail, false);
  }
  throw new AwsxError("E_CACHE", `${head}: ${why}`, { profile: lost[0] });
}

// The default backend gave its keychain up during this command: what the command saw or did
// was not the whole store (sessions still in a locked keychain, a token not removed). 74
// with the keychain's state and the fix, rather than "0 removed" or "none cached".
function keychainGaveUp(store: Store | undefined, what: string): void {
  if (store?.failure === undefined) return;
  throw new AwsxError("E_CACHE", `${what}: ${keychainProblemOf(store.failure, false)}`);
}

// States in which no keychain is in reach this session (the everyday state of SSH, CI and
// containers): every command uses the fallback store, so list and clear show that one.
const OUT_OF_REACH = new Set<KeychainState>(["no-bus", "bus-silent", "no-service", "no-library"]);

// list and clear on the default backend: the keychain was not read, either not opened
// (`skipped`, from openBackend) or given up during the command. A keychain that is there but
// refuses (locked, hung) holds what the command could not see or do: 74 (keychainGaveUp).
// One out of reach: the warning to print with what was read, naming the state and the fix,
// so that "none cached" is never all a user sees.
export function keychainNotRead(
  store: Store | undefined,
  skipped: string | undefined,
  what: { refused: string; unread: string },
): string | undefined {
  const why = store?.failure ?? skipped;
  if (why === undefined) return undefined;
  if (store?.failure !== undefined && !OUT_OF_REACH.has(keychainStateOf(why)))
    keychainGaveUp(store, what.refused);
  return `the keychain was not read, so ${what.unread}: ${keychainProblemOf(why, false)}`;
}
