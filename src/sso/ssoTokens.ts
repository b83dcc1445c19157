import type { LoadedConfig } from "../config/load.js";
import {
  decodeSsoTokenEntry,
  readSsoToken,
  ssoCacheKey,
  ssoTokenStoreKey,
  type SsoToken,
} from "./ssoToken.js";
import type { Env } from "../types.js";

// One SSO sign-in as `awsx list` shows it; never a token.
export interface SsoTokenInfo {
  // The sso-session name, or the start URL of legacy profiles.
  session: string;
  startUrl: string;
  // "awsx" (the cache backend), "aws-cli" (~/.aws/sso/cache), or none: not signed in.
  from?: "awsx" | "aws-cli";
  expiresAt?: string;
  secondsLeft?: number;
  refreshable?: boolean;
}

// Every sso-session, and every start URL of a legacy profile, once (list, doctor).
export function sessionsOf(config: LoadedConfig): Array<{ name?: string; startUrl: string }> {
  const out: Array<{ name?: string; startUrl: string }> = [...config.ssoSessions].map(
    ([name, s]) => ({
      name,
      startUrl: s.values.sso_start_url ?? "",
    }),
  );
  const legacy = new Set<string>();
  for (const p of config.profiles.values()) {
    const url = p.values.sso_start_url;
    if (p.values.sso_session === undefined && url !== undefined) legacy.add(url);
  }
  for (const startUrl of legacy) out.push({ startUrl });
  return out;
}

// The token of every configured SSO session, from the backend's listing (already read) and
// the AWS CLI's cache; the later expiry wins, as for a run.
export async function ssoTokens(
  config: LoadedConfig,
  listed: Array<{ key: string; value: string }>,
  deps: { env: Env; now: () => Date },
): Promise<SsoTokenInfo[]> {
  const byKey = new Map(listed.map((e) => [e.key, e.value]));
  const now = deps.now();
  const infos: SsoTokenInfo[] = [];
  for (const s of sessionsOf(config)) {
    const key = ssoCacheKey(s);
    const skey = ssoTokenStoreKey(key);
    const mine = decodeSsoTokenEntry(byKey.get(skey), skey);
    const cli = await readSsoToken(key, { env: deps.env });
    const later = (a?: SsoToken, b?: SsoToken) =>
      a && b ? (Date.parse(b.expiresAt) > Date.parse(a.expiresAt) ? b : a) : (a ?? b);
    const t = later(mine && { ...mine, from: "awsx" }, cli);
    const info: SsoTokenInfo = { session: s.name ?? s.startUrl, startUrl: s.startUrl };
    if (t) {
      info.from = t.from;
      info.expiresAt = t.expiresAt;
      info.secondsLeft = Math.max(0, Math.round((Date.parse(t.expiresAt) - now.getTime()) / 1000));
      // A legacy profile's token is never refreshed, whatever it holds (steps/sso.ts).
      info.refreshable =
        s.name !== undefined &&
        Boolean(t.refreshToken && t.clientId && t.clientSecret) &&
        Date.parse(t.registrationExpiresAt ?? "") > now.getTime();
    }
    infos.push(info);
  }
  return infos;
}
