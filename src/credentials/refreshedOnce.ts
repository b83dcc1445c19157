import type { Credentials } from "../types.js";

// botocore's RefreshableCredentials, as the CLI uses them once: keys within 15 minutes of
// expiry (an advisory refresh) are fetched once more; a failed refetch fails only within 10
// minutes (a mandatory one), else the first keys serve; refetched keys already past their
// expiry fail. Keys without an expiry are used as they are.
const ADVISORY_S = 15 * 60;
const MANDATORY_S = 10 * 60;

export async function refreshedOnce(
  fetch: () => Promise<Credentials>,
  now: () => Date,
  stillExpired: (keys: Credentials) => Error,
): Promise<Credentials> {
  const first = await fetch();
  const left = (c: Credentials) =>
    c.expiration ? (c.expiration.getTime() - now().getTime()) / 1000 : Number.POSITIVE_INFINITY;
  if (left(first) >= ADVISORY_S) return first;
  let fresh: Credentials;
  try {
    fresh = await fetch();
  } catch (e) {
    if (left(first) < MANDATORY_S) throw e;
    return first;
  }
  if (left(fresh) <= 0) throw stillExpired(fresh);
  return fresh;
}
