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
import type { Env, Store } from "../types.js";
import {
  diagnoseKeychain,
  FILE_STORE_FIX,
  keychainProblem,
  keychainProblemOf,
  writeProbe,
} from "../cache/keychainState.js";
import { type BackendName, openKeychain } from "../cache/select.js";

// The backend a command chose (--backend, else AWSX_BACKEND; undefined: the automatic
// choice) and the environment its keychain is diagnosed in: what a refusal names.
export interface BackendChoice {
  chosen: BackendName | undefined;
  env: Env;
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
  { chosen, env }: BackendChoice,
  elsewhere = true,
): Promise<string | undefined> {
  const failed = await writeProbe(store);
  if (failed === undefined) return undefined;
  if (chosen === "none" || chosen === "memory")
    return (
      `the ${chosen} backend keeps nothing past this run; ` +
      `use the default backend, or ${FILE_STORE_FIX}`
    );
  if (store && store.name !== "none") return keychainProblemOf(failed, elsewhere);
  const { state, detail } = await diagnoseKeychain(openKeychain, env);
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
  { chosen, env }: BackendChoice,
): Promise<void> {
  if (!index) return;
  const lost = chainProfiles(config, profile).filter((name) => {
    const p = config.profiles.get(name);
    return index.has(name) && !found.has(name) && !(p && hasStaticKeys(p));
  });
  if (lost.length === 0) return;
  const who = lost.map((n) => `"${n}"`).join(", ");
  const by = "were stored by awsx (awsx add/import) but cannot be read";
  const head = `the keys of profile ${who} ${by}`;
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
    const { state, detail } = await diagnoseKeychain(openKeychain, env);
    why =
      state === "available"
        ? "the keychain works but holds none " +
          "(kept with --backend file? set AWSX_FILE_PASSPHRASE); " +
          `else store them again with \`awsx add ${lost[0]}\``
        : keychainProblem(state, detail, false);
  }
  throw new AwsxError("E_CACHE", `${head}: ${why}`, { profile: lost[0] });
}
