import { decodeEntry, isFresh } from "../../cache/cacheEntry.js";
import { isKeysKey } from "../../keys/storedKeys.js";
import type { ItemState } from "../../platform/keychainItemState.js";
import type { Store } from "../../types.js";

// Why the agent does not answer a request itself: the client runs the direct path, which
// says and does exactly what awsx does without an agent (a cold cache, a prompt, an error).
export class GoDirect extends Error {}

// What the agent holds between requests: the values it read from the keychain (sessions and
// SSO sign-ins, never long-term keys), and a generation that `forget` moves on, so a read that
// began before a `forget` is not kept after it.
export interface Held {
  entries: Map<string, string>;
  generation: number;
}

// A session's cache key is a SHA-256 digest of its route (src/plan/hopIds.ts).
const isSessionKey = (k: string): boolean => /^[0-9a-f]{64}$/.test(k);

// Where the agent's values come from: the keychain (opened on first use), and the state of an
// item asked without reading it (src/platform/keychainItemState.ts).
export interface HeldSource {
  keychain: () => Promise<Store>;
  stateOf: (key: string) => Promise<ItemState>;
}

// The backend of one request in the agent: the keychain behind what the agent holds. Every
// value is used only while its item is in the keychain and unlocked, asked anew for each
// request: a keychain locked since (the direct path would fail with it, or prompt) is "direct"
// and the agent never prompts to unlock it; an item deleted by another program is forgotten.
// It only reads: a session that is missing or not fresh (by the request's AWSX_MIN_TTL), a write
// (a new session, a refreshed SSO token) or a listing is GoDirect, before any lock or call is
// made. Strict, so the session cache passes GoDirect on instead of treating it as a miss.
// `touched`: the keys this request read, which the agent forgets when it answers "direct"
// (an SSO token that turned out expired is read again from the keychain next time).
export function heldStore(
  { keychain, stateOf }: HeldSource,
  held: Held,
  fresh: { now: () => Date; windowMs: number },
  touched: Set<string>,
): Store {
  const usable = (k: string, raw: string | undefined): boolean => {
    if (!isSessionKey(k)) return raw !== undefined;
    const entry = decodeEntry(raw, k);
    return entry !== undefined && isFresh(entry, fresh.now(), fresh.windowMs);
  };
  const refuse = async (): Promise<never> => {
    throw new GoDirect("the agent writes nothing to the keychain");
  };
  return {
    name: "keychain",
    strict: true,
    get: async (k) => {
      const state = await stateOf(k);
      if (state !== "unlocked") {
        held.entries.delete(k);
        if (state === "locked") throw new GoDirect("the keychain is locked");
        if (isSessionKey(k)) throw new GoDirect("no fresh session in the cache");
        return undefined; // deleted: the miss the keychain itself would answer
      }
      // Long-term keys are read for this request and never kept.
      if (isKeysKey(k)) return (await keychain()).get(k);
      touched.add(k);
      let raw = held.entries.get(k);
      if (!usable(k, raw)) {
        const generation = held.generation;
        raw = await (await keychain()).get(k);
        if (raw !== undefined && generation === held.generation) held.entries.set(k, raw);
        else held.entries.delete(k);
      }
      if (isSessionKey(k) && !usable(k, raw)) throw new GoDirect("no fresh session in the cache");
      return raw;
    },
    set: refuse,
    delete: refuse,
    list: refuse,
  };
}
