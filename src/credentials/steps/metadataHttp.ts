import type { Credentials } from "../../types.js";
import { parseExpirationTime } from "./expirationTime.js";

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
