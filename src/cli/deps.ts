import { join } from "node:path";
import type { SessionCache } from "../cache/cachedHops.js";
import { openStore } from "../cache/select.js";
import { memoryStore } from "../cache/memoryStore.js";
import type { Store } from "../types.js";
import type { Env, IamFactory, StsFactory } from "../types.js";
import type { Logger } from "../util/log.js";
import { backendName, type Settings } from "./settings.js";

// What a command runs with: the outside world, handed in (tests pass their own parts).
export interface Deps {
  env: Env;
  settings: Settings;
  logger: Logger;
  now: () => Date;
  // The tests' STS; absent: the SDK's, loaded on first use.
  stsFactory?: StsFactory;
  prompt?: (question: string) => Promise<string>;
  // One cache for every resolution of a long run (exec --server).
  sharedCache?: SessionCache;
  // The tests' store of long-term keys; absent: the backend's (openBackend).
  keyStore?: () => Promise<Store | undefined>;
  // The tests' IAM; absent: the SDK's, loaded by `awsx rotate` only.
  iamFactory?: IamFactory;
}

// Flags every credential-producing command shares.
export interface CredentialFlags {
  region?: string;
  mfaToken?: string;
  duration?: number;
  backend?: string;
  cache?: boolean;
  mfaSession?: boolean;
  prompt?: boolean;
  // --no-session: stored long-term keys themselves, not a session of them.
  session?: boolean;
  // Why prompting is off when prompt is false (for the MFA error message).
  noPromptReason?: string;
}

// How awsx may ask the user something (MFA code, file-cache passphrase): on the terminal,
// unless --no-prompt or CI says never.
export function promptFor(
  flags: CredentialFlags,
  deps: Deps,
): ((question: string) => Promise<string>) | undefined {
  if (flags.prompt === false || deps.settings.ci) return undefined;
  return deps.prompt ?? (async (q) => (await import("../platform/prompt.js")).promptHidden(q));
}

// The STS client factory: the test's, or the SDK's (loaded on the first call only).
export function stsFactory(deps: Deps): StsFactory {
  if (deps.stsFactory) return deps.stsFactory;
  return async (target) => {
    const { createSdkSts } = await import("../platform/sts.js");
    return createSdkSts({ ...target, timeoutMs: deps.settings.stsTimeoutMs, maxAttempts: 3 });
  };
}

// The backend a command uses: --backend, else AWSX_BACKEND, else automatic.
export function openBackend(flags: CredentialFlags, deps: Deps): Promise<Store | undefined> {
  const chosen = backendName(flags.backend, "--backend") ?? deps.settings.backend;
  return openStore(chosen, {
    env: deps.env,
    cacheDir: deps.settings.cacheDir,
    filePassphrase: deps.settings.filePassphrase,
    logger: deps.logger,
    prompt: promptFor(flags, deps),
  });
}

// The session cache of one run, its store opened on the first hop that needs it.
// The opener may be shared with the stored keys' lookup (one store per run).
export function sessionCache(
  flags: CredentialFlags,
  deps: Deps,
  open?: () => Promise<Store | undefined>,
): SessionCache | undefined {
  if (flags.cache === false) {
    deps.logger.debug("cache: off (--no-cache)");
    return undefined;
  }
  let store: Promise<Store | undefined> | undefined;
  return cacheWith(open ?? (() => (store ??= openBackend(flags, deps))), deps);
}

// exec --server's cache: the chosen backend, else one of this process only, so a long run
// does not call STS on every request of the child.
export function longRunCache(flags: CredentialFlags, deps: Deps): SessionCache {
  const memory = memoryStore();
  let store: Promise<Store> | undefined;
  const open = async () =>
    (flags.cache === false ? undefined : await openBackend(flags, deps)) ?? memory;
  return cacheWith(() => (store ??= open()), deps);
}

function cacheWith(store: () => Promise<Store | undefined>, deps: Deps): SessionCache {
  const lockDir = join(deps.settings.cacheDir, "locks");
  return {
    store,
    lock: { dir: lockDir, staleMs: 10_000, waitMs: deps.settings.lockWaitMs },
    windowMs: deps.settings.minTtlMs,
    now: deps.now,
    logger: deps.logger,
  };
}
