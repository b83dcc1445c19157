import type { Credentials } from "../../types.js";
import { parseExpirationTime } from "./expirationTime.js";

// Python's json.loads reads NaN, Infinity and -Infinity as numbers; JSON.parse does not. Each
// one in a value position is rewritten before parsing: the infinities as numbers that overflow
// to them, NaN as a marker string the reviver turns back into NaN.
const NAN_MARK = "\u0000awsx:NaN\u0000";
const PY_CONSTANT = /^(?:NaN|-?Infinity)/;

export function parsePythonJson(text: string): unknown {
  let out = "";
  let inString = false;
  let last = ""; // the last character outside strings that is not whitespace
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    const m = (last === "" || ":,[".includes(last)) && PY_CONSTANT.exec(text.slice(i, i + 9));
    if (m) {
      out += m[0] === "NaN" ? JSON.stringify(NAN_MARK) : m[0].replace("Infinity", "1e999");
      i += m[0].length - 1;
      last = "0";
      continue;
    }
    if (c === '"') inString = true;
    if (!/\s/.test(c)) last = c;
    out += c;
  }
  return JSON.parse(out, (_k, v) => (v === NAN_MARK ? Number.NaN : v));
}

// Python's truth value of a JSON value: botocore sends a token only when it is truthy.
const pyTruthy = (v: unknown): boolean =>
  !(v === undefined || v === null || v === false || v === 0 || v === "") &&
  !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === "object" && v !== null && Object.keys(v).length === 0);

// The credentials in a credential_process's parsed output, checked as botocore's
// ProcessProvider (and its signer) use them; `fail` says why not. A past Expiration is left
// to refreshedOnce, which runs the process again as botocore does.
export function processCredentials(parsed: unknown, fail: (why: string) => Error): Credentials {
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw fail("printed JSON that is not an object");
  const out = parsed as Record<string, unknown>;
  // Python's `version != 1`: 1, 1.0 and true are all 1.
  if (out.Version !== 1 && out.Version !== true) {
    const shown = "Version" in out ? JSON.stringify(out.Version) : "<none>";
    throw fail(`printed Version ${shown}; only Version 1 is supported`);
  }
  for (const key of ["AccessKeyId", "SecretAccessKey"]) {
    if (!(key in out)) throw fail(`printed no ${key}`);
    // The CLI signs with an empty or null key and STS refuses it; a number crashes it.
    if (typeof out[key] !== "string" || !out[key])
      throw fail(`printed a ${key} that is not a non-empty string`);
  }
  const creds: Credentials = {
    accessKeyId: out.AccessKeyId as string,
    secretAccessKey: out.SecretAccessKey as string,
  };
  const token = out.SessionToken;
  if (typeof token === "string" && token) creds.sessionToken = token;
  else if (pyTruthy(token)) throw fail("printed a SessionToken that is not a string");
  if (out.Expiration !== undefined && out.Expiration !== null) {
    const exp = parseExpirationTime(out.Expiration);
    if (!exp)
      throw fail(
        "printed an Expiration that is not a time with a zone " +
          `(write it as 2031-01-01T00:00:00Z): ${String(out.Expiration).slice(0, 40)}`,
      );
    creds.expiration = exp;
  }
  return creds;
}
