import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { SessionCache } from "../cache/cachedHops.js";
import { openStore } from "../cache/select.js";
import { memoryStore } from "../cache/memoryStore.js";
import { firstTimeInSession } from "../platform/terminalSession.js";
import type { Store } from "../types.js";
import type {
  CaBundle,
  Env,
  IamFactory,
  SsoClientTarget,
  SsoFactory,
  StsFactory,
} from "../types.js";
import type { SsoDeps, SsoLoginHook } from "../credentials/ssoContext.js";
import type { StepEffects } from "../credentials/stepEffects.js";
import { metadataRequest } from "../platform/metadataRequest.js";
import { runCaptured } from "../platform/runCaptured.js";
import { withLock } from "../platform/lock.js";
import { readSsoToken, saveSsoToken } from "../sso/ssoToken.js";
import { AwsxError } from "../errors.js";
import { keychainProblemOf } from "../cache/keychainState.js";
import type { Logger } from "../util/log.js";
import type { LoadedConfig } from "../config/load.js";
import { backendName, type PromptDriver, type Settings } from "./settings.js";

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
  // The tests' SSO clients; absent: the SDK's, loaded on first use.
  ssoFactory?: SsoFactory;
  // Signs a profile in when it has no valid SSO token (`awsx sso login` on a terminal);
  // only offered where prompting is allowed (not CI, not --no-prompt).
  ssoLogin?: SsoLoginHook;
  // Which streams are a terminal: awsx's hints (a waiting STS, no cache, the shell's
  // banner) go to a terminal only. Absent: none is.
  tty?: Tty;
  // --quiet: hints are off too.
  quiet?: boolean;
  // The tests' store of long-term keys; absent: the backend's (openBackend).
  keyStore?: () => Promise<Store | undefined>;
  // The tests' IAM; absent: the SDK's, loaded by `awsx rotate` only.
  iamFactory?: IamFactory;
  // The agent's (src/cli/agent/): the backend, already open for many runs; the config files,
  // parsed once while they are unchanged; and the child, handed back instead of started.
  openedBackend?: () => Promise<Store | undefined>;
  loadConfig?: (env: Env) => LoadedConfig;
  handOff?: (argv: string[], env: Record<string, string>) => Promise<number>;
  // bin/awsx.js's: run once exec's execve is sure, while awsx's code is still there (it
  // writes the code cache of the run's bundle).
  beforeExecve?: () => void;
}

// Which of awsx's streams is a terminal (stdin: keys can be read, for the profile picker).
export interface Tty {
  stdout: boolean;
  stderr: boolean;
  stdin?: boolean;
}

// Whether a one-line hint may go to stderr: a person is watching, and asked for no quiet.
export const hintsWanted = (deps: Deps): boolean =>
  Boolean(deps.tty?.stderr) && !deps.quiet && !deps.settings.ci;

// Flags every credential-producing command shares.
export interface CredentialFlags {
  region?: string;
  mfaToken?: string;
  duration?: number;
  backend?: string;
  cache?: boolean;
  mfaSession?: boolean;
  // --prompt DRIVER; false: --no-prompt (as node:util.parseArgs reads it).
  prompt?: PromptDriver | false;
  // --no-prompt, should a parser report it under its own name.
  noPrompt?: boolean;
  // --no-session: stored long-term keys themselves, not a session of them.
  session?: boolean;
  // Why prompting is off when prompt is false (for the MFA error message).
  noPromptReason?: string;
}

// --no-prompt, or a caller that must never ask (exec --server's refreshes).
export const promptOff = (flags: CredentialFlags): boolean =>
  flags.prompt === false || flags.noPrompt === true;

// How awsx may ask the user for the file cache's passphrase: on the terminal, unless
// --no-prompt or CI says never. (The MFA code has its drivers: mfaPrompt.ts.)
export function promptFor(
  flags: CredentialFlags,
  deps: Deps,
): ((question: string) => Promise<string>) | undefined {
  if (promptOff(flags) || deps.settings.ci) return undefined;
  return deps.prompt ?? (async (q) => (await import("../platform/prompt.js")).promptHidden(q));
}

// How many times the SDK sends one STS request before awsx gives up (the SDK's default).
export const STS_TRIES = 3;
// How a call leaves the machine: the run's proxy variables, the endpoint's CA bundle.
export const trustOf = (deps: { env: Env }, caBundle: CaBundle | undefined) => ({
  proxyEnv: deps.env,
  ...(caBundle ? { caBundle } : {}),
});

// The STS client factory: the test's, or the SDK's (loaded on the first call only).
export function stsFactory(deps: Deps): StsFactory {
  if (deps.stsFactory) return deps.stsFactory;
  return async (target) => {
    const { createSdkSts } = await import("../platform/sts.js");
    return createSdkSts({
      ...target,
      timeoutMs: deps.settings.stsTimeoutMs,
      maxAttempts: STS_TRIES,
      trust: trustOf(deps, target.caBundle),
    });
  };
}

// openBackend, opened on first use and once per run, however many parts use it.
export function backendOpener(
  flags: CredentialFlags,
  deps: Deps,
): () => Promise<Store | undefined> {
  if (deps.openedBackend) return deps.openedBackend;
  let store: Promise<Store | undefined> | undefined;
  return () => (store ??= openBackend(flags, deps));
}

// The backend a command uses: --backend, else AWSX_BACKEND, else automatic. onKeychainSkipped:
// told why, when the automatic choice could not open the keychain (src/cache/select.ts).
export function openBackend(
  flags: CredentialFlags,
  deps: Deps,
  onKeychainSkipped?: (why: string) => void,
): Promise<Store | undefined> {
  const chosen = backendName(flags.backend, "--backend") ?? deps.settings.backend;
  return openStore(chosen, {
    env: deps.env,
    cacheDir: deps.settings.cacheDir,
    filePassphrase: deps.settings.filePassphrase,
    logger: deps.logger,
    prompt: promptFor(flags, deps),
    onNoCache: (why) => noCacheNotice(why, deps),
    ...(onKeychainSkipped ? { onKeychainSkipped } : {}),
  });
}

// Without a cache the MFA code is asked on every run and nothing says why: tell the person
// once per terminal session, with the fix. Not when stdout is read by a program (eval).
function noCacheNotice(keychainFailure: string, deps: Deps): void {
  if (!hintsWanted(deps) || !deps.tty?.stdout) return;
  const dir = join(deps.settings.cacheDir, "notices");
  if (!firstTimeInSession(dir, "no-cache")) return;
  deps.logger.info(
    `sessions are not cached (${keychainFailure}; AWSX_FILE_PASSPHRASE is not set), so ` +
      "every run calls STS and asks for the MFA code again; set AWSX_FILE_PASSPHRASE for " +
      "an encrypted file cache, or see `awsx doctor` (said once per terminal session)",
  );
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
  return cacheWith(open ?? backendOpener(flags, deps), deps);
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

// The SSO clients: the test's, or the SDK's (dist/lazy-sso-*.cjs, loaded on the first call).
function ssoFactory(deps: Deps): SsoFactory {
  if (deps.ssoFactory) return deps.ssoFactory;
  const limits = { timeoutMs: deps.settings.stsTimeoutMs, maxAttempts: 3 };
  const of = (t: SsoClientTarget) => ({ ...t, ...limits, trust: trustOf(deps, t.caBundle) });
  return {
    portal: async (t) => (await import("../platform/ssoPortal.js")).createSsoPortal(of(t)),
    oidc: async (t) => (await import("../platform/ssoOidc.js")).createSsoOidc(of(t)),
  };
}

// What an SSO profile needs: tokens in `store`, the run's backend (also with --no-cache: a
// token is a sign-in, not a cached session) and the AWS CLI's cache, a lock for one refresh
// at a time.
export function ssoDeps(
  flags: CredentialFlags,
  deps: Deps,
  store: () => Promise<Store | undefined>,
): SsoDeps {
  const tokenDeps = async () => ({
    store: await store(),
    env: deps.env,
    writeCliCache: deps.settings.ssoWriteCliCache,
  });
  const lock = { dir: join(deps.settings.cacheDir, "locks"), staleMs: 10_000 };
  const login = promptFor(flags, deps) ? deps.ssoLogin : undefined;
  return {
    clients: ssoFactory(deps),
    tokens: {
      read: async (key) => {
        const d = await tokenDeps();
        const token = await readSsoToken(key, d);
        // A keychain read that failed (locked with the item in it): not "not signed in".
        if (!token && d.store?.failure)
          throw new AwsxError(
            "E_CACHE",
            "the SSO sign-in kept by awsx cannot be read: " +
              keychainProblemOf(d.store.failure, false),
          );
        return token;
      },
      save: async (key, token) => void (await saveSsoToken(key, token, await tokenDeps())),
    },
    lock: (key, fn) => withLock(key, { ...lock, waitMs: deps.settings.lockWaitMs }, fn),
    ...(login ? { login } : {}),
  };
}

// What the credential steps do besides STS and SSO (src/credentials/stepEffects.ts): Node's
// and the platform adapters'; tests of the core pass fakes instead.
export const stepEffects = (): StepEffects => ({
  runHelper: runCaptured,
  metadataRequest,
  readFile: (path) => readFile(path),
  sleep: (ms) => sleep(ms),
});
