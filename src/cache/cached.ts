import type { Credentials } from "../types.js";
import type { Logger } from "../util/log.js";
import { decodeEntry, encodeEntry, entryCredentials, isFresh, type CacheEntry } from "./entry.js";
import { withLock, type LockOptions } from "../platform/lock.js";
import type { Store } from "./store.js";

export interface SessionCache {
  store: Store;
  lock: LockOptions;
  windowMs: number;
  now: () => Date;
  logger: Logger;
}

export type EntryInfo = Pick<CacheEntry, "profile" | "kind" | "label" | "profiles">;

async function lookup(cache: SessionCache, key: string): Promise<CacheEntry | undefined> {
  let raw: string | undefined;
  try {
    raw = await cache.store.get(key);
  } catch (e) {
    if (cache.store.strict) throw e;
    cache.logger.debug(`cache read failed, treated as a miss: ${(e as Error).message}`);
    return undefined;
  }
  const entry = decodeEntry(raw, key);
  if (raw !== undefined && !entry) cache.logger.debug(`cache entry ${key.slice(0, 12)} is corrupt or foreign: a miss, it will be replaced`);
  if (entry) for (const s of [entry.credentials.secretAccessKey, entry.credentials.sessionToken]) cache.logger.secret(s);
  return entry && isFresh(entry, cache.now(), cache.windowMs) ? entry : undefined;
}

// The cache decorator around one STS step: a fresh entry is returned as is; otherwise
// the step runs under a per-key lock (so parallel runs make one call), and its result
// is stored whole or not at all.
export async function cached(cache: SessionCache, key: string, info: EntryInfo, compute: () => Promise<Credentials>): Promise<Credentials> {
  const hit = await lookup(cache, key);
  if (hit) {
    cache.logger.debug(`profile ${info.profile}: ${info.kind} ${info.label} from the ${cache.store.name} cache, expires ${hit.expiration}`);
    return entryCredentials(hit);
  }
  return withLock(key, cache.lock, async () => {
    const again = await lookup(cache, key);
    if (again) {
      cache.logger.debug(`profile ${info.profile}: ${info.kind} ${info.label} cached by another awsx while we waited`);
      return entryCredentials(again);
    }
    const creds = await compute();
    if (!creds.expiration) return creds;
    const entry: CacheEntry = {
      v: 1,
      key,
      ...info,
      createdAt: cache.now().toISOString(),
      expiration: creds.expiration.toISOString(),
      credentials: {
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
      },
    };
    try {
      await cache.store.set(key, encodeEntry(entry));
    } catch (e) {
      cache.logger.warn(`could not store the session in the ${cache.store.name} cache: ${(e as Error).message}`);
    }
    return creds;
  });
}
