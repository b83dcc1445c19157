import { type LockOptions, withLock } from "../platform/lock.js";
import type { AroundHop, Credentials, Hop } from "../types.js";
import type { Logger } from "../util/log.js";
import {
  type CacheEntry,
  decodeEntry,
  encodeEntry,
  entryCredentials,
  isFresh,
} from "./cacheEntry.js";
import type { Store } from "../types.js";

export interface SessionCache {
  // Opened on first use, so a profile that calls no STS never touches the keychain;
  // undefined: no cache (every hop runs).
  store: () => Promise<Store | undefined>;
  lock: LockOptions;
  windowMs: number;
  now: () => Date;
  logger: Logger;
}

async function lookup(cache: SessionCache, store: Store, key: string) {
  let raw: string | undefined;
  try {
    raw = await store.get(key);
  } catch (e) {
    if (store.strict) throw e;
    cache.logger.debug(`cache read failed, treated as a miss: ${(e as Error).message}`);
    return undefined;
  }
  const entry = decodeEntry(raw, key);
  if (raw !== undefined && !entry) {
    cache.logger.debug(
      `cache entry ${key.slice(0, 12)} is corrupt or foreign: a miss, it will be replaced`,
    );
  }
  if (entry) {
    for (const s of [entry.credentials.secretAccessKey, entry.credentials.sessionToken]) {
      cache.logger.secret(s);
    }
  }
  return entry && isFresh(entry, cache.now(), cache.windowMs) ? entry : undefined;
}

function entryOf(hop: Hop, creds: Credentials, now: Date): CacheEntry {
  return {
    v: 1,
    key: hop.id,
    profile: hop.profile,
    kind: hop.kind,
    label: hop.label,
    profiles: hop.profiles,
    ...(hop.region ? { region: hop.region } : {}),
    createdAt: now.toISOString(),
    expiration: creds.expiration!.toISOString(),
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
    },
  };
}

// The session cache as a decorator around each STS hop: a fresh entry is returned as is;
// otherwise the hop runs under a per-key lock (so parallel runs make one call and ask for
// one MFA code), and its result is stored whole or not at all.
export function cachedHops(cache: SessionCache): AroundHop {
  return async (hop, run) => {
    const store = await cache.store();
    if (!store) return run();
    const what = `profile ${hop.profile}: ${hop.kind} ${hop.label}`;
    const hit = await lookup(cache, store, hop.id);
    if (hit) {
      cache.logger.debug(`${what} from the ${store.name} cache, expires ${hit.expiration}`);
      return entryCredentials(hit);
    }
    return withLock(hop.id, cache.lock, async () => {
      const again = await lookup(cache, store, hop.id);
      if (again) {
        cache.logger.debug(`${what} cached by another awsx while we waited`);
        return entryCredentials(again);
      }
      const creds = await run();
      if (!creds.expiration) return creds;
      try {
        await store.set(hop.id, encodeEntry(entryOf(hop, creds, cache.now())));
      } catch (e) {
        const why = (e as Error).message;
        cache.logger.warn(`could not store the session in the ${store.name} cache: ${why}`);
      }
      return creds;
    });
  };
}
