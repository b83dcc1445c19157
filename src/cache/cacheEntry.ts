import type { Credentials } from "../types.js";

// One cached STS session and what it is for; `awsx list` shows all but the secrets.
export interface CacheEntry {
  v: 1;
  key: string;
  profile: string;
  kind: "assumeRole" | "sessionToken" | "webIdentity" | "sso";
  // The role ARN or MFA serial (account/role for sso), to tell entries apart in `awsx list`.
  label: string;
  // Profiles whose chain uses this entry (for `awsx clear PROFILE`).
  profiles: string[];
  // The region of the STS calls (entries written before it was kept have none).
  region?: string;
  createdAt: string;
  expiration: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function encodeEntry(entry: CacheEntry): string {
  return JSON.stringify(entry);
}

// Anything that is not a well-formed entry for this key is a miss, never a crash.
export function decodeEntry(text: string | undefined, key?: string): CacheEntry | undefined {
  if (typeof text !== "string" || text.length > 100_000) return undefined;
  let j: any;
  try {
    j = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!j || typeof j !== "object" || j.v !== 1) return undefined;
  if (key !== undefined && j.key !== key) return undefined;
  const c = j.credentials;
  const strings = [
    j.key,
    j.profile,
    j.kind,
    j.label,
    j.createdAt,
    j.expiration,
    c?.accessKeyId,
    c?.secretAccessKey,
  ];
  if (!strings.every((s) => typeof s === "string" && s.length > 0)) return undefined;
  if (c.sessionToken !== undefined && typeof c.sessionToken !== "string") return undefined;
  if (j.region !== undefined && typeof j.region !== "string") return undefined;
  if (!["assumeRole", "sessionToken", "webIdentity", "sso"].includes(j.kind)) return undefined;
  if (!Array.isArray(j.profiles) || !j.profiles.every((p: unknown) => typeof p === "string"))
    return undefined;
  if (Number.isNaN(Date.parse(j.expiration)) || Number.isNaN(Date.parse(j.createdAt)))
    return undefined;
  return j as CacheEntry;
}

export const entryCredentials = (e: CacheEntry): Credentials => ({
  accessKeyId: e.credentials.accessKeyId,
  secretAccessKey: e.credentials.secretAccessKey,
  ...(e.credentials.sessionToken ? { sessionToken: e.credentials.sessionToken } : {}),
  expiration: new Date(e.expiration),
});

// Used while more than the refresh window is left. A session shorter than twice the
// window would never count as fresh, so the window shrinks to half its lifetime.
export function isFresh(e: CacheEntry, now: Date, windowMs: number): boolean {
  const exp = Date.parse(e.expiration);
  const life = exp - Date.parse(e.createdAt);
  return exp - now.getTime() > Math.min(windowMs, life / 2);
}
