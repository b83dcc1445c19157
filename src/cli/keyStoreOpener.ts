import { existsSync } from "node:fs";
import { join } from "node:path";
import { AwsxError } from "../errors.js";
import { type BackendChoice, lastingStoreProblem } from "../keys/keyStore.js";
import { storedKeysIndex } from "../keys/storedKeysIndex.js";
import type { Store } from "../types.js";
import { backendOpener, type CredentialFlags, type Deps, openBackend } from "./deps.js";
import { backendName } from "./settings.js";

// The backend a command chose, as src/keys names it in a refusal.
export const backendChoice = (flags: CredentialFlags, deps: Deps): BackendChoice => ({
  chosen: backendName(flags.backend, "--backend") ?? deps.settings.backend,
  env: deps.env,
});

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
  const { chosen } = backendChoice(flags, deps);
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
  const choice = backendChoice(flags, deps);
  const problem = await lastingStoreProblem(store, choice, change === undefined);
  if (store && problem === undefined) return store;
  const head = change ?? `nowhere to keep the keys of profile "${profile}"`;
  throw new AwsxError("E_CACHE", `${head} (nothing was changed): ${problem}`, { profile });
}
