import { AwsxError } from "../errors.js";
import type { Env, Store } from "../types.js";

// The states the keychain can be in, as awsx tells them apart (docs/cache.md has the table).
export type KeychainState =
  | "available"
  | "locked"
  | "no-service"
  | "no-bus"
  | "bus-silent"
  | "service-silent"
  | "no-library"
  | "failing";

// Which state a keychain failure's message names. The library's errors are text only, so
// this is the one place that reads them; awsx's own (the bus probe) are worded to match.
export function keychainStateOf(message: string): KeychainState {
  if (/unlock prompt was dismissed|locked object|IsLocked|is locked/i.test(message))
    return "locked";
  if (/D-Bus session bus .*did not answer/.test(message)) return "bus-silent";
  if (
    /needs a D-Bus session|Failed to connect to socket|not provided by any|No such file/i.test(
      message,
    )
  )
    return /not provided by any/i.test(message) ? "no-service" : "no-bus";
  if (/no result found|ServiceUnknown|org\.freedesktop\.secrets/i.test(message))
    return "no-service";
  if (/Did not receive a reply|did not answer within/i.test(message)) return "service-silent";
  if (/did not load/.test(message)) return "no-library";
  return "failing";
}

// What to do about each state; every one also has the encrypted file store (FILE_STORE_FIX).
const FIXES: Record<Exclude<KeychainState, "available">, string> = {
  locked:
    "unlock the keychain (sign in to the desktop session, or `gnome-keyring-daemon --unlock`)",
  "no-service": "start a Secret Service (`gnome-keyring-daemon --start --components=secrets`)",
  "no-bus": "run awsx in a desktop session (or under `dbus-run-session`)",
  "bus-silent": "restart the session (its dbus-daemon is stopped or hung)",
  "service-silent": "restart the Secret Service (gnome-keyring-daemon is stopped or hung)",
  "no-library": "reinstall awsx",
  failing: "see `awsx doctor`",
};
export const FILE_STORE_FIX = "set AWSX_FILE_PASSPHRASE and use --backend file";

// The keychain's state in words, with the detail that showed it.
function keychainStateText(state: KeychainState, detail = ""): string {
  const why = detail ? ` (${detail})` : "";
  switch (state) {
    case "available":
      return "the keychain works";
    case "locked":
      return `the keychain is locked and its unlock prompt was dismissed or timed out${why}`;
    case "no-service":
      return `no Secret Service answers on the D-Bus session${why}`;
    case "no-bus":
      return `there is no D-Bus session for the keychain${why}`;
    case "bus-silent":
      return `the D-Bus session bus does not answer${why}`;
    case "service-silent":
      return `the Secret Service does not answer${why}`;
    case "no-library":
      return `the keychain library did not load${why}`;
    case "failing":
      return `the keychain failed${why}`;
  }
}

// "<state>; <fix>, or <file store>": one wording per state, for every command.
// elsewhere: false where only the keychain can help (reading what is kept in it).
export function keychainProblem(state: KeychainState, detail = "", elsewhere = true): string {
  if (state === "available") return keychainStateText(state);
  const other = elsewhere ? `, or ${FILE_STORE_FIX}` : "";
  return `${keychainStateText(state, detail)}; ${FIXES[state]}${other}`;
}

// A failure message (from the keychain or the default backend's fallback) in those words.
export const keychainProblemOf = (message: string, elsewhere = true): string =>
  keychainProblem(keychainStateOf(message), message, elsewhere);

// The item a write probe uses: written, read back and deleted, never left behind.
const PROBE_KEY = "awsx-probe";

// Can `store` keep something across runs? Writes a probe item, reads it back, deletes it.
// undefined: it can; else the failure (the default backend's keychain falls back on a
// failed write, so a store whose name became "none" kept nothing).
export async function writeProbe(store: Store | undefined): Promise<string | undefined> {
  if (!store || store.name === "none") return "no store";
  if (store.name === "memory") return "the memory store lasts one run";
  // Not node:crypto: this module is on every run's path, and loading it costs a warm run.
  const value = `probe-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  try {
    await store.set(PROBE_KEY, value);
    const back = await store.get(PROBE_KEY);
    await store.delete(PROBE_KEY).catch(() => {});
    // A getter: the default backend's name changes when its keychain fails.
    if ((store.name as Store["name"]) === "none") return store.failure ?? "the keychain failed";
    if (back !== value) return `the ${store.name} store did not give back what was written`;
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

// The keychain's state now, found by a write probe on a keychain opened by name (doctor,
// and the slow path of a failure that must be explained). Bounded as every keychain call.
export async function diagnoseKeychain(
  open: (env: Env) => Promise<Store>,
  env: Env,
): Promise<{ state: KeychainState; detail: string }> {
  let store: Store;
  try {
    store = await open(env);
  } catch (e) {
    const detail = (e as Error).message;
    return { state: keychainStateOf(detail), detail };
  }
  const failed = await writeProbe(store);
  if (failed === undefined) return { state: "available", detail: "" };
  return { state: keychainStateOf(failed), detail: failed };
}

// E_CACHE for something awsx was asked to keep and could not: where, why, and the fix.
export function notKept(what: string, failure: string, profile?: string): AwsxError {
  return new AwsxError("E_CACHE", `${what} was not kept: ${keychainProblemOf(failure)}`, {
    profile,
  });
}
