import type { ClientRequest, IncomingMessage } from "node:http";
import { urlToHttpOptions } from "node:url";
import { isAwsxError } from "../../errors.js";
import { cappedStreamText } from "../../platform/capped.js";
import type { Credentials } from "../../types.js";
import { parseExpirationTime } from "./expirationTime.js";

// One answer from a metadata endpoint; `failed` names a network error instead, and `timedOut`
// which wait ran out: botocore retries a token PUT whose connect timed out, not one whose read
// did.
export type Answer =
  | { status: number; text: string }
  | { failed: string; timedOut?: "connect" | "read" };

// One request on a fresh connection, as botocore's urllib3 session makes it: no redirects
// followed, no proxy, user information in the URL dropped, header values sent as they are, and
// the connect and each read allowed `timeoutMs` apart (a socket timeout, refreshed by activity).
export async function request(
  url: string,
  method: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Answer> {
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

export const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

// An Expiration botocore can use: a string dateutil reads as an aware time (past is fine).
export const readableTime = (v: unknown): v is string => parseExpirationTime(v) !== undefined;

// The keys of a metadata answer botocore has already checked for: AccessKeyId and
// SecretAccessKey as strings, Token a string or null (no session token), Expiration readable.
export function keysOf(j: Record<string, unknown>, none: (why: string) => Error): Credentials {
  const { AccessKeyId: id, SecretAccessKey: secret, Token: token, Expiration: exp } = j;
  if (typeof id !== "string" || !id || typeof secret !== "string" || !secret)
    throw none("the answer's AccessKeyId/SecretAccessKey are not strings");
  if (token !== null && typeof token !== "string") throw none("the answer's Token is not a string");
  const expiration = parseExpirationTime(exp);
  if (!expiration) throw none("the answer's Expiration is not a date");
  return {
    accessKeyId: id,
    secretAccessKey: secret,
    ...(token ? { sessionToken: token } : {}),
    expiration,
  };
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
