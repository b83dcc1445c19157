import { isAwsxError } from "../../errors.js";
import { cappedText } from "../../platform/capped.js";
import type { Credentials } from "../../types.js";

// One answer from a metadata endpoint; `failed` names a network error instead.
export type Answer = { status: number; text: string } | { failed: string; timedOut: boolean };

// One request, no redirects followed (botocore's urllib3 session follows none either).
export async function request(
  url: string,
  method: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Answer> {
  try {
    const res = await fetch(url, {
      method,
      headers,
      signal: AbortSignal.timeout(Math.max(timeoutMs, 1)),
      redirect: "manual",
    });
    return { status: res.status, text: await cappedText(res, url, "E_CREDENTIALS") };
  } catch (e) {
    if (isAwsxError(e)) throw e;
    const err = e as Error & { cause?: { code?: string } };
    const timedOut = err.name === "TimeoutError" || err.name === "AbortError";
    return { failed: err.cause?.code ?? err.name, timedOut };
  }
}

export const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

// A time with a zone after it: dateutil reads a time without one as naive, and botocore then
// fails comparing it with the clock; names other than UTC/GMT/UT are naive to it too.
const ZONED = /\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:z|[+-]\d\d(?::?\d\d)?|(?:utc|gmt|ut))\s*$/i;

// An Expiration botocore can use: a string dateutil reads as an aware time (past is fine).
export const readableTime = (v: unknown): v is string =>
  typeof v === "string" && ZONED.test(v) && !Number.isNaN(Date.parse(v));

// The keys of a metadata answer botocore has already checked for: AccessKeyId and
// SecretAccessKey as strings, Token a string or null (no session token), Expiration readable.
export function keysOf(j: Record<string, unknown>, none: (why: string) => Error): Credentials {
  const { AccessKeyId: id, SecretAccessKey: secret, Token: token, Expiration: exp } = j;
  if (typeof id !== "string" || !id || typeof secret !== "string" || !secret)
    throw none("the answer's AccessKeyId/SecretAccessKey are not strings");
  if (token !== null && typeof token !== "string") throw none("the answer's Token is not a string");
  if (!readableTime(exp)) throw none("the answer's Expiration is not a date");
  const expiration = new Date(exp);
  return {
    accessKeyId: id,
    secretAccessKey: secret,
    ...(token ? { sessionToken: token } : {}),
    expiration,
  };
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
