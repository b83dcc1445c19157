import { homedir } from "node:os";
import { join } from "node:path";
import { AwsxError } from "../errors.js";
import type { Logger } from "../util/log.js";
import type { Store } from "./store.js";
import { memoryStore } from "./store.js";

export type BackendName = "keychain" | "file" | "memory" | "none";
export const BACKENDS: readonly BackendName[] = ["keychain", "file", "memory", "none"];

interface SelectDeps {
  env: Record<string, string | undefined>;
  logger: Logger;
  prompt?: (question: string) => Promise<string>;
}

// awsx's cache folder (file store, locks; bin/awsx.js keeps its code cache there too): AWSX_CACHE_DIR, else $XDG_CACHE_HOME/awsx.
export const cacheRoot = (env: Record<string, string | undefined>): string =>
  env.AWSX_CACHE_DIR || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "awsx");

// Open the chosen backend, or pick one: the keychain where it works, else the
// encrypted file store when a passphrase is set, else no cache. A backend asked for
// by name that does not work is an error with the reason.
export async function openStore(chosen: BackendName | undefined, deps: SelectDeps): Promise<Store | undefined> {
  const { env, logger } = deps;
  if (chosen !== undefined && !BACKENDS.includes(chosen)) {
    throw new AwsxError("E_USAGE", `unknown cache backend "${chosen}"; use one of ${BACKENDS.join(", ")}`);
  }
  const timeoutMs = 5000;
  const openFile = async (passphrase: string) => (await import("./fileStore.js")).fileStore(join(cacheRoot(env), "sessions"), passphrase);
  if (chosen === "none") return undefined;
  if (chosen === "memory") return memoryStore();
  if (chosen === "keychain") {
    const { keychainStore } = await import("../platform/keychain.js");
    return { ...(await keychainStore({ timeoutMs, env })), strict: true };
  }
  if (chosen === "file") {
    let passphrase = env.AWSX_FILE_PASSPHRASE;
    if (!passphrase && deps.prompt) {
      try {
        passphrase = await deps.prompt("Passphrase for the awsx file cache: ");
      } catch {
        passphrase = undefined;
      }
    }
    if (!passphrase) throw new AwsxError("E_CACHE", "the file backend needs a passphrase: set AWSX_FILE_PASSPHRASE (or run on a terminal to be asked)");
    return openFile(passphrase);
  }
  const fallback = async (): Promise<Store | undefined> => {
    if (env.AWSX_FILE_PASSPHRASE) {
      logger.debug("cache: using the encrypted file store (AWSX_FILE_PASSPHRASE is set)");
      return openFile(env.AWSX_FILE_PASSPHRASE);
    }
    logger.debug("cache: none (no keychain, no AWSX_FILE_PASSPHRASE): every run calls STS");
    return undefined;
  };
  try {
    const { keychainStore } = await import("../platform/keychain.js");
    return keychainOrElse(await keychainStore({ timeoutMs, env }), fallback, logger);
  } catch (e) {
    if (e instanceof AwsxError && e.code === "E_USAGE") throw e;
    logger.debug(`cache: keychain unavailable (${(e as Error).message})`);
  }
  return fallback();
}

// The default store: the keychain until its first call fails (locked, not answering),
// then the fallback for the rest of the run.
function keychainOrElse(keychain: Store, fallback: () => Promise<Store | undefined>, logger: Logger): Store {
  let active: Store | undefined = keychain;
  let failed = false;
  const use = async <T>(op: (s: Store) => Promise<T>, none: T): Promise<T> => {
    if (!failed) {
      try {
        return await op(keychain);
      } catch (e) {
        failed = true;
        logger.debug(`cache: keychain unavailable (${(e as Error).message})`);
        active = await fallback();
      }
    }
    return active ? op(active) : none;
  };
  return {
    get name() {
      return active?.name ?? "none";
    },
    get: (k) => use((s) => s.get(k), undefined),
    set: (k, v) => use((s) => s.set(k, v), undefined),
    delete: (k) => use((s) => s.delete(k), undefined),
    list: () => use((s) => s.list(), []),
  };
}
