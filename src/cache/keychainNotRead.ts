import { AwsxError } from "../errors.js";
import type { Store } from "../types.js";
import { type KeychainState, keychainProblemOf, keychainStateOf } from "./keychainState.js";

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
