import { guardRecursion } from "../credentials/recursionGuard.js";
import { cachedHops } from "../cache/cachedHops.js";
import { loadUserConfig } from "../config/userConfig.js";
import { configIndexCache } from "../platform/configIndexCache.js";
import {
  type CredentialSettings,
  credentialsFor,
  planFor,
  type Resolved,
  stsFor,
} from "../credentials/credentialsFor.js";
import { createMfaProvider } from "../credentials/mfa.js";
import type { Plan } from "../plan/plan.js";
import type { Sts } from "../types.js";
import {
  type CredentialFlags,
  type Deps,
  hintsWanted,
  STS_TRIES,
  sessionCache,
  ssoDeps,
  stepEffects,
  stsFactory,
} from "./deps.js";
import { mfaPromptFor } from "./mfaPrompt.js";
import { expectStoredKeysRead, storedKeysFor } from "../keys/keyStore.js";
import { backendChoice, keyStoreOpener, keysIndexOf, lookOnlyOpener } from "./keyStoreOpener.js";

// One hint per run, however many hops are slow.
const once = (f: (m: string) => void) => {
  let said = false;
  return (m: string) => {
    if (!said) f(m);
    said = true;
  };
};

// The core's settings from the command's flags and the AWSX_* settings.
function credentialSettings(flags: CredentialFlags, deps: Deps): CredentialSettings {
  const s = deps.settings;
  return {
    region: flags.region,
    durationSeconds: flags.duration,
    mfaSession: flags.mfaSession !== false && s.mfaSession,
    mfaSessionSeconds: s.mfaSessionSeconds,
    processTimeoutMs: s.processTimeoutMs,
    childSession: flags.session === false ? "none" : s.sessionForFileKeys ? "all" : "stored",
  };
}

// The route of a profile, calling nothing but the store of long-term keys (explain, login).
export async function planOf(
  profile: string,
  flags: CredentialFlags,
  deps: Deps,
  config = loadUserConfig(deps.env),
): Promise<Plan> {
  // A keychain that cannot be read here does not stop a command that only looks.
  const open = lookOnlyOpener(flags, deps);
  const index = await keysIndexOf(deps);
  const storedKeys = await storedKeysFor(config, profile, open, index).catch((e: Error) => {
    deps.logger.debug(`stored keys not read: ${e.message}`);
    return new Map();
  });
  // Keys awsx stored that cannot be read are said as such, not as "no credentials".
  await expectStoredKeysRead(config, profile, storedKeys, open, index, backendChoice(flags, deps));
  return planFor(profile, credentialSettings(flags, deps), { config, env: deps.env, storedKeys });
}

// A profile's credentials for a command: the core, with the session cache around its hops
// and the MFA code from --mfa-token, AWSX_MFA_TOKEN or a prompt (mfaPrompt.ts).
export async function resolveProfile(
  profile: string,
  flags: CredentialFlags,
  deps: Deps,
): Promise<Resolved> {
  const { logger, settings } = deps;
  // A credential_process loop is refused before any store is opened: the inner awsx gets no
  // AWSX_FILE_PASSPHRASE (helperEnv), so a file store would fail it (74) first.
  guardRecursion(profile, deps.env);
  const open = keyStoreOpener(flags, deps);
  const cache = deps.sharedCache ?? sessionCache(flags, deps, open);
  // --no-cache: nothing in the cache folder is read or written, the config's index included.
  const indexer = flags.cache === false ? undefined : configIndexCache(settings.cacheDir);
  const config = deps.loadConfig?.(deps.env) ?? loadUserConfig(deps.env, indexer);
  // With a session cache the store is opened (and a file store made) anyway; without one
  // (--no-cache) looking for keys must not make a file store.
  const keysFrom = cache ? open : lookOnlyOpener(flags, deps, open);
  const index = await keysIndexOf(deps);
  const storedKeys = await storedKeysFor(config, profile, keysFrom, index);
  const choice = backendChoice(flags, deps);
  await expectStoredKeysRead(config, profile, storedKeys, keysFrom, index, choice);
  const asking = mfaPromptFor(flags, deps);
  const mfa = createMfaProvider({
    flag: flags.mfaToken,
    env: settings.mfaToken,
    prompt: asking.ask,
    noPromptReason: asking.ask ? undefined : asking.reason,
    logger,
  });
  logger.secret(flags.mfaToken);
  logger.secret(settings.mfaToken);
  return credentialsFor(profile, credentialSettings(flags, deps), {
    config,
    env: deps.env,
    now: deps.now,
    storedKeys,
    logger,
    sts: stsFactory(deps),
    mfa,
    effects: stepEffects(),
    ...(cache ? { around: cachedHops(cache) } : {}),
    sso: ssoDeps(flags, deps, cache ? cache.store : open),
    ...(hintsWanted(deps)
      ? { onSlowSts: once((m: string) => logger.info(m + retries(deps))) }
      : {}),
  });
}

// The rest of the slow-STS line: a person waiting wants to know how long it may last.
const retries = (deps: Deps): string =>
  `; no answer yet: awsx waits ${deps.settings.stsTimeoutMs / 1000} s a try ` +
  `(AWSX_STS_TIMEOUT) and tries ${STS_TRIES} times`;

// The STS client for calls a command makes itself with resolved credentials (whoami, login).
export function stsClientFor(resolved: Resolved, deps: Deps): Promise<Sts> {
  return stsFor(resolved.endpoint, stsFactory(deps))();
}
