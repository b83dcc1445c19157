import { decodeEntry, isFresh } from "../../cache/cacheEntry.js";
import { isKeysKey } from "../../keys/storedKeys.js";
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

// The backend of one request in the agent: the keychain behind what the agent holds. It
// only reads: a session that is missing or not fresh (by the request's AWSX_MIN_TTL), a write
// (a new session, a refreshed SSO token) or a listing is GoDirect, before any lock or call is
// made. Strict, so the session cache passes GoDirect on instead of treating it as a miss.
// `touched`: the keys this request read, which the agent forgets when it answers "direct"
// (an SSO token that turned out expired is read again from the keychain next time).
export function heldStore(
  keychain: () => Promise<Store>,
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
