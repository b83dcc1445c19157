import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { networkCause } from "./networkCause.js";

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
