import { rm } from "node:fs/promises";
import { keychainNotRead } from "../../cache/keychainNotRead.js";
import {
  decodeSsoTokenEntry,
  forgetSsoToken,
  readSsoToken,
  type SsoToken,
  ssoTokenStoreKey,
} from "../../sso/ssoToken.js";
import { decodeEntry } from "../../cache/cacheEntry.js";
import type { LoadedConfig } from "../../config/load.js";
import { isSsoProfile, ssoSessionFor } from "../../sso/ssoConfig.js";
import { ssoCacheKey } from "../../sso/ssoToken.js";
import { cliTokenFiles } from "../../sso/cliTokenFiles.js";
import type { CaBundle, Store } from "../../types.js";
import { printable } from "../../util/printable.js";
import { type CredentialFlags, type Deps, openBackend, trustOf } from "../deps.js";
import { loadUserConfig } from "../../config/userConfig.js";
import { ssoTarget, type SsoTargetInput, ssoUrl } from "./ssoTarget.js";

// awsx sso logout's parsed input.
export interface SsoLogoutInput extends SsoTargetInput, CredentialFlags {
  writeCliCache?: boolean;
}

const TOKEN_PREFIX = ssoTokenStoreKey("");

// Every token awsx keeps, by cache key.
async function allTokens(store: Store | undefined): Promise<Map<string, SsoToken>> {
  const out = new Map<string, SsoToken>();
  if (!store) return out;
  for (const { key, value } of await store.list()) {
    if (!key.startsWith(TOKEN_PREFIX)) continue;
    const token = decodeSsoTokenEntry(value, key);
    if (token) out.set(key.slice(TOKEN_PREFIX.length), token);
  }
  return out;
}

// The SSO profiles of the config whose token has one of these keys (all: every SSO profile).
function profilesOf(config: LoadedConfig, keys: Set<string> | "all"): Set<string> {
  const out = new Set<string>();
  for (const p of config.profiles.values()) {
    if (!isSsoProfile(p)) continue;
    try {
      if (keys === "all" || keys.has(ssoCacheKey(ssoSessionFor(p, config)))) out.add(p.name);
    } catch {
      // A half-configured profile has no session to sign out of.
    }
  }
  return out;
}

// Role credentials fetched with a token outlive its sign-out (an hour at most): as
// `aws sso logout` removes the CLI's, drop those of the signed-out profiles, and sessions of
// roles chained on them.
async function forgetRoleSessions(store: Store | undefined, profiles: Set<string>, all: boolean) {
  if (!store) return 0;
  let removed = 0;
  for (const { key, value } of await store.list()) {
    const entry = decodeEntry(value, key);
    if (!entry) continue;
    if ((all && entry.kind === "sso") || entry.profiles.some((p) => profiles.has(p))) {
      await store.delete(key);
      removed++;
    }
  }
  return removed;
}

// Ends the sign-in at the portal; a token it no longer knows (expired, signed out) is no
// failure, an unreachable portal is a warning: the local copy goes either way.
async function portalLogout(
  token: SsoToken,
  endpoint: string,
  deps: Deps,
  caBundle?: CaBundle,
): Promise<void> {
  if (!token.region || Date.parse(token.expiresAt) <= deps.now().getTime()) return;
  deps.logger.secret(token.accessToken);
  try {
    const { createSsoPortal } = await import("../../platform/ssoPortal.js");
    const portal = await createSsoPortal({
      region: token.region,
      endpoint,
      timeoutMs: deps.settings.stsTimeoutMs,
      trust: trustOf(deps, caBundle),
    });
    await portal.logout(token.accessToken);
  } catch (e) {
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (err?.$metadata?.httpStatusCode === 401 || err?.name === "UnauthorizedException") return;
    deps.logger.warn(
      `could not end the sign-in of ${token.startUrl} at the portal ` +
        `(${printable(err?.name ?? "error", 100)}); awsx forgets its token anyway`,
    );
  }
}

// `awsx sso logout` of every session: with --write-cli-cache, every token file of
// ~/.aws/sso/cache too, as `aws sso logout` sweeps them (each ended at the portal, then
// removed); without it the CLI's files stay, and a line says that awsx still reads them.
async function sweepCliCache(
  writeCliCache: boolean,
  end: (token: SsoToken) => Promise<void>,
  deps: Deps,
): Promise<void> {
  const files = await cliTokenFiles(deps.env);
  if (files.length === 0) return;
  if (!writeCliCache) {
    deps.logger.info(
      `the AWS CLI's ${files.length} token file(s) in ~/.aws/sso/cache stay, and awsx still ` +
        "reads them: aws sso logout, or awsx sso logout --write-cli-cache, removes them",
    );
    return;
  }
  for (const { path, token } of files) {
    if (token) await end(token);
    await rm(path, { force: true });
  }
}

// awsx sso logout [PROFILE | --sso-session NAME]: one session, or every one awsx keeps.
export async function runSsoLogout(input: SsoLogoutInput, deps: Deps): Promise<number> {
  const writeCliCache = input.writeCliCache ?? deps.settings.ssoWriteCliCache;
  const one = input.profile !== undefined || input.ssoSession !== undefined;
  const target = one ? ssoTarget(input, deps, "logout") : undefined;
  let skipped: string | undefined;
  const store = await openBackend(input, deps, (why) => (skipped = why));
  const tokenDeps = { store, env: deps.env, writeCliCache };
  const tokens = target
    ? new Map([[target.key, await readSsoToken(target.key, tokenDeps)]])
    : await allTokens(store);
  const config = target?.config ?? loadUserConfig(deps.env);
  let ended = 0;
  const done = new Set<string>();
  const end = async (token: SsoToken) => {
    if (done.has(token.accessToken)) return;
    done.add(token.accessToken);
    const url = target?.portalUrl ?? ssoUrl(config, undefined, deps, "sso", token.region);
    await portalLogout(token, url, deps, target?.caBundle);
    ended++;
  };
  if (!target) await sweepCliCache(writeCliCache, end, deps);
  for (const [key, token] of tokens) {
    if (token) await end(token);
    await forgetSsoToken(key, tokenDeps);
  }
  const profiles = profilesOf(config, target ? new Set([target.key]) : "all");
  const dropped = await forgetRoleSessions(store, profiles, !target);
  const unread = keychainNotRead(store, skipped, {
    refused: "the SSO token and sessions awsx keeps in the keychain were not removed",
    unread: "an SSO sign-in kept in it (if any) was not ended",
  });
  if (dropped) deps.logger.debug(`sso: removed ${dropped} cached role session(s)`);
  deps.logger.info(ended === 0 ? "no SSO sign-in to end" : `signed out of ${ended} SSO session(s)`);
  if (unread !== undefined) deps.logger.warn(unread);
  return 0;
}
