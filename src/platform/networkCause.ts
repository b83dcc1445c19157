// What went wrong on the way to a server, as a person can act on it: the system error code
// (ECONNREFUSED, ENOTFOUND, ECONNRESET...), "timed out" for an aborted fetch, or the
// innermost message; never the bare "TypeError: fetch failed" of undici.
export function networkCause(e: unknown): string {
  const err = e as { code?: string; cause?: unknown; name?: string; message?: string };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return "timed out";
  if (typeof err?.code === "string" && /^E[A-Z]+$/.test(err.code)) return err.code;
  const inner = err?.cause ?? (err as { errors?: unknown[] })?.errors?.[0];
  if (inner && inner !== e) return networkCause(inner);
  return err?.message ?? String(e);
}
