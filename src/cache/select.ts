import { existsSync } from "node:fs";
import { join } from "node:path";
import { AwsxError } from "../errors.js";
import type { Env } from "../types.js";
import type { Logger } from "../util/log.js";
import { keychainProblem, keychainStateOf } from "./keychainState.js";
import { memoryStore } from "./memoryStore.js";
import type { Store } from "../types.js";

export const BACKENDS = ["keychain", "file", "memory", "none"] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface SelectDeps {
  // For the keychain's own variables (DBUS_SESSION_BUS_ADDRESS).
  env: Env;
  cacheDir: string;
  filePassphrase?: string;
  logger: Logger;
  prompt?: (question: string) => Promise<string>;
  // Told when the automatic choice ends with no cache at all, with the keychain's failure:
  // the caller decides whether a person should hear it.
  onNoCache?: (keychainFailure: string) => void;
  // Told when the automatic choice could not open the keychain at all (no D-Bus, a bus that
  // does not answer, no library), with why: list and clear say the keychain was not read.
  onKeychainSkipped?: (why: string) => void;
}

const KEYCHAIN_TIMEOUT_MS = 5000;

// The keychain by name (also for a diagnosis: src/cache/keychainState.ts).
export const openKeychain = async (env: Env): Promise<Store> =>
  (await import("../platform/keychain.js")).keychainStore({ timeoutMs: KEYCHAIN_TIMEOUT_MS, env });

const openFile = async (deps: SelectDeps, passphrase: string): Promise<Store> =>
  (await import("./fileStore.js")).fileStore(join(deps.cacheDir, "sessions"), passphrase);

// Open the chosen backend, or pick one: the keychain where it works, else the encrypted
// file store when a passphrase is set, else no cache. A backend asked for by name that
// does not work is an error with the reason.
export async function openStore(
  chosen: BackendName | undefined,
  deps: SelectDeps,
): Promise<Store | undefined> {
  if (chosen === "none") return undefined;
  if (chosen === "memory") return memoryStore();
  if (chosen === "keychain") return strictKeychain(deps.env);
  if (chosen === "file") return openFile(deps, await passphraseFor(deps));
  const fallback = async (why: string): Promise<Store | undefined> => {
    if (deps.filePassphrase) {
      deps.logger.debug("cache: using the encrypted file store (AWSX_FILE_PASSPHRASE is set)");
      return openFile(deps, deps.filePassphrase);
    }
    deps.logger.debug("cache: none (no keychain, no AWSX_FILE_PASSPHRASE): every run calls STS");
    deps.onNoCache?.(why);
    return undefined;
  };
  let why: string;
  try {
    return keychainOrElse(await openKeychain(deps.env), fallback, deps.logger);
  } catch (e) {
    why = (e as Error).message;
    deps.logger.debug(`cache: keychain unavailable (${why})`);
    deps.onKeychainSkipped?.(why);
  }
  return fallback(why);
}

// --backend keychain: every failure is the command's (74), said in the library's words and
// then with the keychain's state and its fix (the same wording as every other command).
async function strictKeychain(env: Env): Promise<Store> {
  const said = (e: unknown): unknown => {
    const m = (e as Error).message ?? String(e);
    const state = keychainStateOf(m);
    // "did not load" already names its fix (reinstall awsx).
    if (state === "no-library") return e;
    const code = e instanceof AwsxError ? e.code : "E_CACHE";
    return new AwsxError(code, `${m}; ${keychainProblem(state)}`, { cause: e });
  };
  const saying =
    <A extends unknown[], T>(f: (...a: A) => Promise<T>) =>
    async (...a: A): Promise<T> => {
      try {
        return await f(...a);
      } catch (e) {
        throw said(e);
      }
    };
  const kc = await saying(openKeychain)(env);
  return {
    name: kc.name,
    strict: true,
    get: saying(kc.get),
    set: saying(kc.set),
    delete: saying(kc.delete),
    list: saying(kc.list),
  };
}

async function passphraseFor(deps: SelectDeps): Promise<string> {
  let passphrase = deps.filePassphrase;
  if (!passphrase && deps.prompt) {
    const creating = !existsSync(join(deps.cacheDir, "sessions", "store.json"));
    passphrase = await (creating ? newPassphrase(deps.prompt, deps.cacheDir) : ask(deps.prompt));
  }
  if (!passphrase) {
    throw new AwsxError(
      "E_CACHE",
      "the file backend needs a passphrase: set AWSX_FILE_PASSPHRASE " +
        "(or run on a terminal to be asked)",
    );
  }
  return passphrase;
}

// How many times a new passphrase may be typed differently the second time.
const PASSPHRASE_TRIES = 3;

// The passphrase of a store about to be created, typed twice: a typo in it would lock the
// person out of the cache they are making. A mismatch is asked again, up to 3 times.
async function newPassphrase(
  prompt: (question: string) => Promise<string>,
  cacheDir: string,
): Promise<string | undefined> {
  for (let tries = 1; tries <= PASSPHRASE_TRIES; tries++) {
    const again = tries > 1 ? "The two did not match; try again. " : "";
    const first = await ask(prompt, `${again}New passphrase for the awsx file cache: `);
    if (!first) return undefined;
    if ((await ask(prompt, "Type the passphrase again: ")) === first) return first;
  }
  throw new AwsxError(
    "E_CACHE",
    `${PASSPHRASE_TRIES} passphrases typed for the new file cache in ${cacheDir} did not match ` +
      "when typed again, so no cache was made; " +
      "type the same one twice, or set AWSX_FILE_PASSPHRASE",
  );
}

// One answer at the terminal; Ctrl-C stops the run (130), a closed prompt gives none.
async function ask(
  prompt: (question: string) => Promise<string>,
  question = "Passphrase for the awsx file cache: ",
): Promise<string | undefined> {
  try {
    return await prompt(question);
  } catch (e) {
    if (!(e as { interrupted?: boolean }).interrupted) return undefined;
    throw new AwsxError("E_INTERRUPTED", "interrupted at the file cache's passphrase prompt");
  }
}

// The default store: the keychain until its first call fails (locked, not answering),
// then the fallback for the rest of the run.
function keychainOrElse(
  keychain: Store,
  fallback: (why: string) => Promise<Store | undefined>,
  logger: Logger,
): Store {
  let active: Store | undefined = keychain;
  let failed: string | undefined;
  const use = async <T>(op: (s: Store) => Promise<T>, none: T): Promise<T> => {
    if (failed === undefined) {
      try {
        return await op(keychain);
      } catch (e) {
        failed = (e as Error).message || "the keychain failed";
        logger.debug(`cache: keychain unavailable (${failed})`);
        active = await fallback(failed);
      }
    }
    return active ? op(active) : none;
  };
  return {
    get name() {
      return active?.name ?? "none";
    },
    get failure() {
      return failed;
    },
    get: (k) => use((s) => s.get(k), undefined),
    set: (k, v) => use((s) => s.set(k, v), undefined),
    delete: (k) => use((s) => s.delete(k), undefined),
    list: () => use((s) => s.list(), []),
  };
}
