import { homedir, userInfo } from "node:os";
import { isAbsolute, join } from "node:path";
import { AwsxError } from "../errors.js";
import { BACKENDS, type BackendName } from "../cache/select.js";
import type { Env } from "../types.js";
import { agentSetting } from "./agentProtocol.js";

// Every AWSX_* variable (and CI), parsed and checked once, at start-up. docs/commands.md
// lists them.
export interface Settings {
  backend?: BackendName;
  filePassphrase?: string;
  // AWSX_CACHE_DIR, else $XDG_CACHE_HOME/awsx (cacheDirOf): the file store and the locks
  // live here.
  cacheDir: string;
  mfaToken?: string;
  mfaSession: boolean;
  mfaSessionSeconds: number;
  processTimeoutMs: number;
  stsTimeoutMs: number;
  lockWaitMs: number;
  minTtlMs: number;
  federationEndpoint?: string;
  // AWSX_PROMPT: how to ask for an MFA code (docs/prompts.md); absent: automatic.
  prompt?: PromptDriver;
  // AWSX_PROMPT_TIMEOUT: how long a dialog or ykman may take.
  promptTimeoutMs: number;
  // AWSX_YKMAN_ACCOUNT / AWSX_YKMAN_DEVICE: the OATH account (default: the mfa_serial)
  // and the YubiKey's serial, for --prompt ykman.
  ykmanAccount?: string;
  ykmanDevice?: string;
  // AWSX_SSO_WRITE_CLI_CACHE=1: SSO tokens also go to the AWS CLI's plaintext cache.
  ssoWriteCliCache: boolean;
  // Set inside `awsx exec` (AWSX_EXEC_PROFILE): the profile of the awsx that started this
  // shell. A shell that evaluated `awsx env` has only AWSX_PROFILE, and is not nested.
  execProfile?: string;
  // The profile of the credentials in this environment: AWSX_PROFILE (exec or env set it),
  // else AWS_DEFAULT_PROFILE / AWS_PROFILE as the AWS CLI reads them.
  currentProfile?: string;
  ci: boolean;
  // AWSX_SESSION_FOR_FILE_KEYS=1: plaintext files' long-term keys also reach a child only as
  // a GetSessionToken session, as the store's always do (docs/keys.md).
  sessionForFileKeys: boolean;
  // AWSX_KEEP_AWS_PROFILE=1: exec's child and env's output get AWS_PROFILE = the profile.
  keepAwsProfile: boolean;
  // AWSX_ROTATE_WAIT: how long `awsx rotate` waits for a new key to work.
  rotateWaitMs: number;
  // AWSX_AGENT: "1" on (also in CI), "0" off everywhere; unset: on unless CI (docs/agent.md).
  agent: boolean;
  // AWSX_AGENT_IDLE: how long the agent lives without a request (default 15 minutes).
  agentIdleMs: number;
}

const seconds = (env: Env, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    throw new AwsxError("E_USAGE", `${name} must be a number of seconds, not "${raw}"`);
  }
  return n;
};

// GetSessionToken's DurationSeconds: the STS model's 900 at least (botocore would refuse less
// before sending), 129600 at most (STS refuses more), whole seconds.
const mfaSessionSeconds = (env: Env): number => {
  const n = seconds(env, "AWSX_MFA_SESSION_DURATION", 43200);
  if (Number.isInteger(n) && n >= 900 && n <= 129600) return n;
  throw new AwsxError(
    "E_USAGE",
    `AWSX_MFA_SESSION_DURATION must be a whole number of seconds in 900-129600, ` +
      `not "${env.AWSX_MFA_SESSION_DURATION}"; unset it for 43200`,
  );
};

const isTrue = (raw: string | undefined): boolean =>
  ["1", "true"].includes((raw ?? "").toLowerCase());

// An unknown backend name is a usage error, from a flag or from AWSX_BACKEND alike.
export function backendName(raw: string | undefined, from: string): BackendName | undefined {
  if (raw === undefined || raw === "") return undefined;
  if ((BACKENDS as readonly string[]).includes(raw)) return raw as BackendName;
  throw new AwsxError(
    "E_USAGE",
    `unknown cache backend "${raw}" (${from}); use one of ${BACKENDS.join(", ")}`,
  );
}

// The ways awsx can ask for an MFA code (aws-vault's prompt drivers of the same names).
export const PROMPT_DRIVERS = [
  "auto",
  "terminal",
  "ykman",
  "zenity",
  "kdialog",
  "osascript",
] as const;
export type PromptDriver = (typeof PROMPT_DRIVERS)[number];

// An unknown driver in AWSX_PROMPT is a usage error (--prompt is checked by the parser).
export function promptDriverName(raw: string | undefined, from: string): PromptDriver | undefined {
  if (raw === undefined || raw === "") return undefined;
  if ((PROMPT_DRIVERS as readonly string[]).includes(raw)) return raw as PromptDriver;
  throw new AwsxError(
    "E_USAGE",
    `unknown prompt driver "${raw}" (${from}); use one of ${PROMPT_DRIVERS.join(", ")}`,
  );
}

// The logger's settings, apart: they never fail, so an error in any other setting can still
// be reported (and logged) through them. AWSX_DEBUG=1 turns on --debug for a whole CI job.
export function logSettings(env: Env): { debug: boolean; logFile?: string } {
  return { debug: isTrue(env.AWSX_DEBUG), logFile: env.AWSX_LOG_FILE || undefined };
}

// awsx's cache folder: AWSX_CACHE_DIR, which must be an absolute path (a relative one would
// put the cache wherever awsx happens to run), else $XDG_CACHE_HOME/awsx, else
// ~/.cache/awsx. A relative XDG_CACHE_HOME is ignored, as the XDG Base Directory spec says.
// bin/awsx.js finds the same folder for Node's compile cache.
export function cacheDirOf(env: Env): string {
  const own = env.AWSX_CACHE_DIR;
  if (own) {
    if (isAbsolute(own)) return own;
    throw new AwsxError(
      "E_USAGE",
      `AWSX_CACHE_DIR must be an absolute path, not "${own}"; ` +
        `set it to e.g. "$HOME/.cache/awsx", or unset it for the default`,
    );
  }
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homeForCache(env), ".cache");
  return join(base, "awsx");
}

// The home folder the cache goes under: HOME when it is an absolute path, else Node's home
// (USERPROFILE on Windows), else the user's home in the password database. A relative or
// empty HOME would put the cache (and its encrypted sessions) wherever awsx happens to run;
// bin/awsx.js does the same.
function homeForCache(env: Env): string {
  if (env.HOME && isAbsolute(env.HOME)) return env.HOME;
  if (env.HOME === undefined && isAbsolute(homedir())) return homedir();
  let own: string | undefined;
  try {
    own = userInfo().homedir;
  } catch {
    own = undefined; // no entry for this user
  }
  if (own && isAbsolute(own)) return own;
  throw new AwsxError(
    "E_USAGE",
    `HOME is ${JSON.stringify(env.HOME ?? "")}, not an absolute path, and this user has no ` +
      "home in the password database; set HOME, or AWSX_CACHE_DIR to an absolute path",
  );
}

export function readSettings(env: Env): Settings {
  return {
    backend: backendName(env.AWSX_BACKEND, "AWSX_BACKEND"),
    filePassphrase: env.AWSX_FILE_PASSPHRASE || undefined,
    cacheDir: cacheDirOf(env),
    mfaToken: env.AWSX_MFA_TOKEN || undefined,
    mfaSession: env.AWSX_MFA_SESSION !== "0",
    mfaSessionSeconds: mfaSessionSeconds(env),
    processTimeoutMs: seconds(env, "AWSX_PROCESS_TIMEOUT", 60) * 1000,
    stsTimeoutMs: seconds(env, "AWSX_STS_TIMEOUT", 10) * 1000,
    lockWaitMs: seconds(env, "AWSX_LOCK_WAIT", 300) * 1000,
    minTtlMs: seconds(env, "AWSX_MIN_TTL", 600) * 1000,
    federationEndpoint: env.AWSX_FEDERATION_ENDPOINT || undefined,
    prompt: promptDriverName(env.AWSX_PROMPT, "AWSX_PROMPT"),
    promptTimeoutMs: seconds(env, "AWSX_PROMPT_TIMEOUT", 120) * 1000,
    ykmanAccount: env.AWSX_YKMAN_ACCOUNT || undefined,
    ykmanDevice: env.AWSX_YKMAN_DEVICE || undefined,
    ssoWriteCliCache: isTrue(env.AWSX_SSO_WRITE_CLI_CACHE),
    execProfile: env.AWSX_EXEC_PROFILE || undefined,
    currentProfile: env.AWSX_PROFILE || env.AWS_DEFAULT_PROFILE || env.AWS_PROFILE || undefined,
    ci: isTrue(env.CI),
    sessionForFileKeys: isTrue(env.AWSX_SESSION_FOR_FILE_KEYS),
    keepAwsProfile: isTrue(env.AWSX_KEEP_AWS_PROFILE),
    rotateWaitMs: seconds(env, "AWSX_ROTATE_WAIT", 60) * 1000,
    agent: agentWanted(env),
    agentIdleMs: seconds(env, "AWSX_AGENT_IDLE", AGENT_IDLE_SECONDS) * 1000,
  };
}

// The agent's idle time when AWSX_AGENT_IDLE is unset: gpg-agent keeps a passphrase 10
// minutes; a session an agent holds is worth a little longer between two commands.
const AGENT_IDLE_SECONDS = 900;

// AWSX_AGENT, read as the agent's client reads it (agentSetting), a value it does not know
// refused.
export function agentWanted(env: Env): boolean {
  const on = agentSetting(env);
  if (on === undefined)
    throw new AwsxError("E_USAGE", `AWSX_AGENT must be 1 or 0, not "${env.AWSX_AGENT}"`);
  return on;
}
