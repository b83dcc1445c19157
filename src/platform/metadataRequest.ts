import type { ClientRequest, IncomingMessage } from "node:http";
import { urlToHttpOptions } from "node:url";
import { isAwsxError } from "../errors.js";
import { cappedStreamText } from "./capped.js";

// One answer from a metadata endpoint; `failed` names a network error instead, and `timedOut`
// which wait ran out: botocore retries a token PUT whose connect timed out, not one whose read
// did.
export type MetadataAnswer =
  | { status: number; text: string }
  | { failed: string; timedOut?: "connect" | "read" };

// One request on a fresh connection, as botocore's urllib3 session makes it: no redirects
// followed, no proxy, user information in the URL dropped, header values sent as they are, and
// the connect and each read allowed `timeoutMs` apart (a socket timeout, refreshed by activity).
// The instance metadata and container steps get it through StepEffects.
export async function metadataRequest(
  url: string,
  method: "GET" | "PUT",
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<MetadataAnswer> {
  const { auth: _dropped, ...target } = urlToHttpOptions(new URL(url));
  const http =
    target.protocol === "https:" ? await import("node:https") : await import("node:http");
  return new Promise((resolve, reject) => {
    const failed = (e: unknown) => resolve({ failed: errorCode(e) });
    let req: ClientRequest;
    try {
      req = http.request({ ...target, method, headers, agent: false, timeout: timeoutMs || 1 });
    } catch (e) {
      return failed(e); // a header value Node refuses (a control character)
    }
    req.on("timeout", () => {
      const timedOut = req.socket?.connecting ? "connect" : "read";
      resolve({ failed: `${timedOut} timeout`, timedOut });
      req.destroy();
    });
    req.on("error", failed);
    req.on("response", (res: IncomingMessage) => {
      cappedStreamText(res, url, "E_CREDENTIALS").then(
        (text) => resolve({ status: res.statusCode ?? 0, text }),
        (e) => (isAwsxError(e) ? reject(e) : failed(e)),
      );
    });
    req.end();
  });
}

const errorCode = (e: unknown): string =>
  (e as NodeJS.ErrnoException).code ?? (e as Error).name ?? String(e);
