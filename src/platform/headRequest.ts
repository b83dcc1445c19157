import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

// What went wrong on the way to a server, as a person can act on it: the system error code
// (ECONNREFUSED, ENOTFOUND, ECONNRESET...), "no answer within N ms", or the message.
export function networkCause(e: unknown): string {
  const err = e as { code?: string; cause?: unknown; name?: string; message?: string };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return "timed out";
  if (typeof err?.code === "string" && /^E[A-Z]+$/.test(err.code)) return err.code;
  const inner = err?.cause ?? (err as { errors?: unknown[] })?.errors?.[0];
  if (inner && inner !== e) return networkCause(inner);
  return err?.message ?? String(e);
}

// One HEAD request, bounded: the status and the Date header, or a rejection whose message
// is networkCause's.
export function headRequest(
  url: string,
  timeoutMs: number,
): Promise<{ status: number; date?: string }> {
  return new Promise((resolve, reject) => {
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
    const req = request(url, { method: "HEAD", agent: false }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, date: res.headers.date });
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "" })),
    );
    req.on("error", (e) => reject(new Error(networkCause(e))));
    req.end();
  });
}
