import { mkdir, open, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { sha1 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { readRegularFile } from "../platform/readRegular.js";
import type { Env, Store } from "../types.js";
import { tokenTimeIso } from "./tokenTime.js";

// An IAM Identity Center token as the AWS CLI caches it (the same field names).
export interface SsoToken {
  startUrl: string;
  region: string;
  accessToken: string;
  // ISO 8601.
  expiresAt: string;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  // Where readSsoToken found it; never saved.
  from?: "awsx" | "aws-cli";
}

export interface SsoTokenDeps {
  // awsx's cache backend (keychain or encrypted file); absent: none.
  store?: Store;
  // HOME (USERPROFILE on Windows) locates ~/.aws/sso/cache, as for the CLI.
  env: Env;
  // Also write the AWS CLI's plaintext cache (opt-in: AWSX_SSO_WRITE_CLI_CACHE=1).
  writeCliCache?: boolean;
}

// Store keys of SSO data start with this; `awsx clear` without a profile leaves them
// (`awsx sso logout` removes tokens). Hop ids are hex, so they never start with it.
const SSO_STORE_PREFIX = "sso-";
// Not "sso-token:<key>": the file store names a file after the key, and ':' is not
// allowed in a Windows file name.
export const ssoTokenStoreKey = (cacheKey: string): string => `sso-token-${cacheKey}`;
export const isSsoStoreKey = (key: string): boolean => key.startsWith(SSO_STORE_PREFIX);

// The AWS CLI's token cache key (botocore SSOTokenLoader): sha1 hex of the sso-session
// name, or of the start URL for a legacy profile.
export function ssoCacheKey(s: { name?: string; startUrl: string }): string {
  return bytesToHex(sha1(utf8ToBytes(s.name ?? s.startUrl)));
}

// ~/.aws/sso/cache, where the AWS CLI keeps its tokens; an empty HOME is the root, as for
// Python's expanduser.
export function cliSsoCacheDir(env: Env): string {
  const home = env.HOME ?? (env.USERPROFILE || homedir());
  return join(home || "/", ".aws", "sso", "cache");
}

const FIELDS = [
  "startUrl",
  "region",
  "accessToken",
  "expiresAt",
  "refreshToken",
  "clientId",
  "clientSecret",
  "registrationExpiresAt",
] as const;

// A token from parsed JSON, or undefined when accessToken or expiresAt is missing or bad
// (botocore: "Token for X is invalid"). Only the known fields are kept; the times in UTC ISO
// 8601 (src/sso/tokenTime.ts reads every form the CLI's files hold).
export function tokenFrom(j: unknown): SsoToken | undefined {
  if (!j || typeof j !== "object") return undefined;
  const o = j as Record<string, unknown>;
  if (typeof o.accessToken !== "string" || o.accessToken === "") return undefined;
  const expiresAt = tokenTimeIso(o.expiresAt);
  if (expiresAt === undefined) return undefined;
  const t: Record<string, string> = { startUrl: "", region: "" };
  for (const f of FIELDS) if (typeof o[f] === "string") t[f] = o[f] as string;
  t.expiresAt = expiresAt;
  // botocore reads it only to refresh: a time awsx cannot read is no registration.
  const registrationEnds = tokenTimeIso(o.registrationExpiresAt);
  if (registrationEnds === undefined) delete t.registrationExpiresAt;
  else t.registrationExpiresAt = registrationEnds;
  return t as unknown as SsoToken;
}

// What awsx's store holds for a token; `awsx list` reads it with decodeSsoTokenEntry.
function encodeSsoTokenEntry(key: string, token: SsoToken): string {
  const { from: _from, ...kept } = token;
  return JSON.stringify({ v: 1, kind: "ssoToken", key, token: kept });
}

export function decodeSsoTokenEntry(text: string | undefined, key: string): SsoToken | undefined {
  if (typeof text !== "string" || text.length > 100_000) return undefined;
  try {
    const j = JSON.parse(text);
    if (j?.v !== 1 || j.kind !== "ssoToken" || j.key !== key) return undefined;
    return tokenFrom(j.token);
  } catch {
    return undefined;
  }
}

async function readStore(key: string, store: Store | undefined): Promise<SsoToken | undefined> {
  if (!store) return undefined;
  const skey = ssoTokenStoreKey(key);
  try {
    const token = decodeSsoTokenEntry(await store.get(skey), skey);
    return token && { ...token, from: "awsx" };
  } catch (e) {
    if (store.strict) throw e;
    return undefined;
  }
}

// The most awsx reads of a token file of the CLI's (real ones are about 2 KiB), as for the
// entries of its own store (decodeSsoTokenEntry).
export const MAX_TOKEN_FILE_BYTES = 100_000;

// The CLI's file, as the CLI reads it (a symbolic link is followed, to a regular file only:
// a FIFO would block and a device such as /dev/zero never ends), at most 100,000 bytes.
async function readCli(key: string, env: Env): Promise<SsoToken | undefined> {
  try {
    const got = await readRegularFile(join(cliSsoCacheDir(env), `${key}.json`), {
      follow: true,
      maxBytes: MAX_TOKEN_FILE_BYTES,
    });
    if ("notRead" in got) return undefined;
    const token = tokenFrom(JSON.parse(got.text));
    return token && { ...token, from: "aws-cli" };
  } catch {
    return undefined;
  }
}

// The token for a cache key: awsx's store first, then the AWS CLI's ~/.aws/sso/cache (read
// only). When both have one, the later expiresAt wins: a user who ran `aws sso login`
// after awsx's token expired is signed in for awsx too.
export async function readSsoToken(key: string, deps: SsoTokenDeps): Promise<SsoToken | undefined> {
  const [mine, cli] = await Promise.all([readStore(key, deps.store), readCli(key, deps.env)]);
  if (!mine || !cli) return mine ?? cli;
  return Date.parse(cli.expiresAt) > Date.parse(mine.expiresAt) ? cli : mine;
}

// The CLI's timestamp form (botocore _serialize_utc_timestamp): no milliseconds.
const cliTime = (iso: string): string => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
};

// Writes the CLI's cache file as botocore's JSONFileCache does: a private temp file, then
// a rename, so a reader never sees half a token.
async function writeCli(key: string, token: SsoToken, env: Env): Promise<void> {
  const dir = cliSsoCacheDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const out: Record<string, string> = {};
  for (const f of FIELDS) if (token[f] !== undefined) out[f] = token[f]!;
  out.expiresAt = cliTime(token.expiresAt);
  if (out.registrationExpiresAt) out.registrationExpiresAt = cliTime(out.registrationExpiresAt);
  const path = join(dir, `${key}.json`);
  // Not node:crypto: loading it would cost every warm run (docs/performance.md); "wx"
  // refuses a name that is already taken.
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const fh = await open(tmp, "wx", 0o600);
  try {
    await fh.writeFile(JSON.stringify(out));
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

// Keep a token: in awsx's store (never in plaintext), and in the AWS CLI's cache only when
// writeCliCache is on, or when the token being replaced came from there (so the CLI is not
// left holding a refresh token that was just used up). Returns where it went.
export async function saveSsoToken(
  key: string,
  token: SsoToken,
  deps: SsoTokenDeps,
): Promise<{ store: boolean; cli: boolean }> {
  const done = { store: false, cli: false };
  if (deps.store) {
    const skey = ssoTokenStoreKey(key);
    await deps.store.set(skey, encodeSsoTokenEntry(skey, token));
    // The default backend falls back on a failed write: "none" kept nothing.
    done.store = deps.store.name !== "none";
  }
  if (deps.writeCliCache || token.from === "aws-cli") {
    await writeCli(key, token, deps.env);
    done.cli = true;
  }
  return done;
}

// Forget a token: awsx's store entry, and the CLI's cache file when writeCliCache is on
// (`aws sso logout` removes the CLI's files itself).
export async function forgetSsoToken(key: string, deps: SsoTokenDeps): Promise<void> {
  await deps.store?.delete(ssoTokenStoreKey(key));
  if (deps.writeCliCache) await rm(join(cliSsoCacheDir(deps.env), `${key}.json`), { force: true });
}
