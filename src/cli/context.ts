import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { AwsxError, isAwsxError } from "../errors.js";
import { loadConfig, type LoadedConfig } from "../config/load.js";
import { stsEndpoint, type StsEndpoint } from "../config/endpoint.js";
import { buildPlan } from "../plan/build.js";
import type { Plan } from "../plan/types.js";
import { createMfaProvider } from "../credentials/mfa.js";
import { resolvePlan } from "../credentials/resolve.js";
import type { Sts } from "../types.js";
import type { Credentials } from "../types.js";
import type { SessionCache } from "../cache/cached.js";
import { cacheRoot, openStore, type BackendName } from "../cache/select.js";
import { memoryStore, type Store } from "../cache/store.js";
import type { Logger } from "../util/log.js";

export type Env = Record<string, string | undefined>;

// Flags every credential-producing command shares.
export interface CredentialFlags {
  region?: string;
  mfaToken?: string;
  duration?: number;
  backend?: string;
  cache?: boolean;
  mfaSession?: boolean;
  prompt?: boolean;
  // Why prompting is off when prompt is false (for the MFA error message).
  noPromptReason?: string;
}

export interface Deps {
  env: Env;
  logger: Logger;
  now: () => Date;
  // Injected in tests; the real one lazy-loads @aws-sdk/client-sts.
  stsFactory?: (target: { region: string; endpoint?: string }) => Promise<Sts>;
  prompt?: (question: string) => Promise<string>;
  // One cache for every resolution of a long run (exec --server), memory-backed when
  // no persistent backend is in use.
  sharedCache?: SessionCache;
}

// os.path.expandvars then expanduser, as botocore treats AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE: $VAR and ${VAR} are replaced when set, kept otherwise.
const expandPath = (p: string, env: Env): string => {
  const vars = p.replace(/\$(\w+|\{[^}]*\})/g, (m, name: string) => {
    const key = name.startsWith("{") ? name.slice(1, -1) : name;
    return env[key] ?? m;
  });
  return vars === "~" || vars.startsWith("~/") ? join(env.HOME || homedir(), vars.slice(1)) : vars;
};

export function configPaths(env: Env): { configFile: string; credentialsFile: string } {
  const home = env.HOME || homedir();
  return {
    configFile: expandPath(env.AWS_CONFIG_FILE || join(home, ".aws", "config"), env),
    credentialsFile: expandPath(env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials"), env),
  };
}

// A missing, unreadable or non-regular file reads as empty, as it does for the CLI.
export function readText(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    const buf = readFileSync(path);
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(buf);
    } catch {
      throw new AwsxError("E_CONFIG", `cannot parse ${path}: it is not valid UTF-8 text; fix the file`);
    }
  } catch (e) {
    if (isAwsxError(e)) throw e;
    return undefined;
  }
}

export function loadUserConfig(env: Env): LoadedConfig {
  return loadConfig(configPaths(env), readText);
}

export const positiveInt = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new AwsxError("E_USAGE", `${name} must be a number of seconds, not "${raw}"`);
  return n;
};

export function planFor(config: LoadedConfig, profile: string, flags: CredentialFlags, env: Env): Plan {
  return buildPlan(config, profile, {
    env,
    region: flags.region,
    durationSeconds: flags.duration,
    mfaSession: flags.mfaSession !== false && env.AWSX_MFA_SESSION !== "0",
    mfaSessionSeconds: positiveInt("AWSX_MFA_SESSION_DURATION", env.AWSX_MFA_SESSION_DURATION, 43200),
  });
}

export interface Resolved {
  plan: Plan;
  credentials: Credentials;
  endpoint: StsEndpoint;
}

// profile → plan → credentials (cache or STS): the part every command shares.
export async function credentialsFor(profile: string, flags: CredentialFlags, deps: Deps): Promise<Resolved> {
  const { logger } = deps;
  const env = guardRecursion(profile, deps.env);
  const config = loadUserConfig(env);
  const plan = planFor(config, profile, flags, env);
  for (const note of plan.notes) logger.debug(note);
  const region = plan.region ?? "us-east-1";
  const endpoint = stsEndpoint(config, profile, env, region);
  logger.debug(`profile ${profile}: ${describePlan(plan)}; STS ${endpoint.label} (${endpoint.from}), region ${plan.region ?? "none (STS calls use us-east-1)"}`);
  const needsCache = plan.steps.length > 0 || plan.source.kind === "webIdentity";
  const cache = needsCache ? (deps.sharedCache ?? (await sessionCache(flags, deps))) : undefined;
  const mfa = createMfaProvider({
    flag: flags.mfaToken,
    env: env.AWSX_MFA_TOKEN || undefined,
    prompt: promptFor(flags, deps),
    noPromptReason: flags.prompt === false ? (flags.noPromptReason ?? "--no-prompt forbids asking") : "CI is set, so awsx never prompts",
    logger,
  });
  if (flags.mfaToken) logger.secret(flags.mfaToken);
  if (env.AWSX_MFA_TOKEN) logger.secret(env.AWSX_MFA_TOKEN);
  let sts: Promise<Sts> | undefined;
  const credentials = await resolvePlan(plan, {
    sts: () => (sts ??= stsClient(region, endpoint, deps)),
    endpointLabel: endpoint.label,
    region,
    mfa,
    cache,
    env,
    now: deps.now,
    logger,
    processTimeoutMs: positiveInt("AWSX_PROCESS_TIMEOUT", env.AWSX_PROCESS_TIMEOUT, 60) * 1000,
    sourceTimeoutMs: 3000,
  });
  return { plan, credentials, endpoint };
}

// How awsx may ask the user something (MFA code, file-cache passphrase): on the terminal,
// unless --no-prompt or CI says never.
export function promptFor(flags: CredentialFlags, deps: Deps): ((question: string) => Promise<string>) | undefined {
  const ci = ["true", "1"].includes((deps.env.CI ?? "").toLowerCase());
  if (flags.prompt === false || ci) return undefined;
  return deps.prompt ?? (async (q) => (await import("../platform/prompt.js")).promptHidden(q));
}

// The STS client for a region and endpoint: the test's, or the SDK's (loaded on first use).
export async function stsClient(region: string, endpoint: StsEndpoint, deps: Deps): Promise<Sts> {
  const target = { region, ...(endpoint.url ? { endpoint: endpoint.url } : {}) };
  if (deps.stsFactory) return deps.stsFactory(target);
  const { createSdkSts } = await import("../platform/sts.js");
  return createSdkSts({ ...target, timeoutMs: positiveInt("AWSX_STS_TIMEOUT", deps.env.AWSX_STS_TIMEOUT, 10) * 1000, maxAttempts: 3 });
}

const CHAIN = "AWSX_RESOLVING";

// A profile whose credential_process runs awsx on the same profile would loop forever:
// every awsx passes the profiles it is resolving to the processes it starts.
function guardRecursion(profile: string, env: Env): Env {
  const chain = (env[CHAIN] ?? "").split("\u001f").filter(Boolean);
  if (chain.includes(profile) || chain.length >= 8) {
    throw new AwsxError(
      "E_CONFIG",
      `credential_process recursion: profile "${profile}" is already being resolved (${[...chain, profile].join(" -> ")}); its credential_process must not call awsx for the same profile`,
      { profile },
    );
  }
  return { ...env, [CHAIN]: [...chain, profile].join("\u001f") };
}

export function describePlan(plan: Plan): string {
  const parts: string[] = [];
  const s = plan.source;
  if (s.kind === "static") parts.push(`static(${s.profile})`);
  else if (s.kind === "process") parts.push(`process(${s.profile})`);
  else if (s.kind === "credentialSource") parts.push(`${s.source}(${s.profile})`);
  else parts.push(`webIdentity(${s.roleArn})`);
  for (const step of plan.steps) {
    parts.push(step.kind === "sessionToken" ? `getSessionToken(${step.mfaSerial})` : `assumeRole(${step.roleArn}${step.mfaSerial ? ", mfa" : ""})`);
  }
  return parts.join(" → ");
}

export async function sessionCache(flags: CredentialFlags, deps: Deps): Promise<SessionCache | undefined> {
  if (flags.cache === false) {
    deps.logger.debug("cache: off (--no-cache)");
    return undefined;
  }
  const store = await openStore((flags.backend ?? deps.env.AWSX_BACKEND) as BackendName | undefined, { ...deps, prompt: promptFor(flags, deps) });
  return store ? cacheWith(store, deps) : undefined;
}

// A cache of this process only, for a long run that must not call STS on every request.
export const memoryCache = (deps: Deps): SessionCache => cacheWith(memoryStore(), deps);

function cacheWith(store: Store, deps: Deps): SessionCache {
  return {
    store,
    lock: { dir: join(cacheRoot(deps.env), "locks"), staleMs: 10_000, waitMs: positiveInt("AWSX_LOCK_WAIT", deps.env.AWSX_LOCK_WAIT, 300) * 1000 },
    windowMs: positiveInt("AWSX_MIN_TTL", deps.env.AWSX_MIN_TTL, 600) * 1000,
    now: deps.now,
    logger: deps.logger,
  };
}

