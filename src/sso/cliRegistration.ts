import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import { sha1 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Env } from "../types.js";
import type { SsoSession } from "./ssoConfig.js";
import { cliSsoCacheDir } from "./ssoToken.js";
import { tokenTimeIso } from "./tokenTime.js";

// A client registration `aws sso login` (CLI v2) keeps in ~/.aws/sso/cache, as awsx reuses it.
export interface CliRegistration {
  clientId: string;
  clientSecret: string;
  // ISO 8601, UTC.
  expiresAt: string;
}

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

// Python's json.dumps with its default separators and ensure_ascii.
const pyJson = (v: string | null): string =>
  JSON.stringify(v).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

// The file name of the CLI v2's registration for a session (BaseSSOTokenFetcher.
// _registration_cache_key): sha1 of json.dumps({tool, startUrl, region, scopes,
// session_name}, sort_keys=True), scopes as sso_registration_scopes parsed (null when unset).
export function cliRegistrationKey(session: SsoSession): string {
  const scopes = session.scopes ? `[${session.scopes.map(pyJson).join(", ")}]` : "null";
  const text =
    `{"region": ${pyJson(session.region)}, "scopes": ${scopes}, ` +
    `"session_name": ${pyJson(session.name ?? null)}, "startUrl": ${pyJson(session.startUrl)}, ` +
    `"tool": "botocore"}`;
  return bytesToHex(sha1(utf8ToBytes(text)));
}

// Whether a registration can serve a flow: the CLI's browser login registers the
// authorization_code grant (and says so in grantTypes); its device login registers none,
// which IAM Identity Center takes as the device code grant.
function serves(grantTypes: unknown, flow: "auth-code" | "device"): boolean {
  if (grantTypes === undefined) return flow === "device";
  if (!Array.isArray(grantTypes)) return false;
  return grantTypes.includes(flow === "device" ? DEVICE_GRANT : "authorization_code");
}

// The CLI's registration of a session when it can serve the flow, else undefined. Only a
// small regular file is read; a missing, odd or unreadable one is no registration.
export async function readCliRegistration(
  session: SsoSession,
  env: Env,
  flow: "auth-code" | "device",
): Promise<CliRegistration | undefined> {
  const path = join(cliSsoCacheDir(env), `${cliRegistrationKey(session)}.json`);
  try {
    const st = await lstat(path);
    if (!st.isFile() || st.size > 100_000) return undefined;
    const j = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
    const expiresAt = tokenTimeIso(j?.expiresAt);
    const ok = typeof j.clientId === "string" && j.clientId !== "";
    if (!ok || typeof j.clientSecret !== "string" || j.clientSecret === "") return undefined;
    if (expiresAt === undefined || !serves(j.grantTypes, flow)) return undefined;
    return { clientId: j.clientId as string, clientSecret: j.clientSecret, expiresAt };
  } catch {
    return undefined;
  }
}
