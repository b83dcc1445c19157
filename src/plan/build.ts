import { AwsxError, isAwsxError } from "../errors.js";
import { nearest } from "../util/nearest.js";
import { checkClientSettings } from "../config/clientSettings.js";
import { refuseBlock } from "../config/nestedBlock.js";
import { checkSsoTokenConfig } from "../sso/ssoConfig.js";
import { Planner, type StoredKeyPair, storedOnly } from "./planner.js";
import { checkStsParams } from "./stsParams.js";
import { headerWord, type LoadedConfig, type Profile, where } from "../config/load.js";
import type { Plan, SessionTokenStep, SourceStep, StsStep } from "./plan.js";

// Which long-term keys the child gets only as a GetSessionToken session (docs/keys.md):
// the store's (default), also the plaintext files' (AWSX_SESSION_FOR_FILE_KEYS=1), none.
export type ChildSession = "stored" | "all" | "none";

export interface PlanOptions {
  // The environment awsx was started with: AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE,
  // AWS_ROLE_SESSION_NAME, AWS_REGION, AWS_DEFAULT_REGION and the client settings
  // (src/config/clientSettings.ts) are read.
  env?: Record<string, string | undefined>;
  region?: string;
  // --duration: overrides the target role's duration_seconds.
  durationSeconds?: number;
  // Get one MFA'd GetSessionToken session and assume MFA roles from it (default on).
  mfaSession?: boolean;
  mfaSessionSeconds?: number;
  // Profiles whose keys are in awsx's store: they win over the files' keys (docs/keys.md).
  storedKeys?: ReadonlyMap<string, StoredKeyPair>;
  childSession?: ChildSession;
}

const CHAINED_ROLE_MAX_SECONDS = 3600;
const DEFAULT_MFA_SESSION_SECONDS = 43200;
// aws-vault's default for the session it gives a child in place of long-term keys.
const CHILD_SESSION_SECONDS = 3600;
// botocore's check: a region must be a valid host label.
const REGION = /^(?![0-9]+$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
// A region name as botocore checks it (also `awsx sso sync --profile-region`).
export const isRegionName = (value: string): boolean => REGION.test(value);

const configError = (message: string, profile: string): AwsxError =>
  new AwsxError("E_CONFIG", message, { profile });

// Turn a profile name into the chain of steps the AWS CLI would take for it.
export function buildPlan(
  config: LoadedConfig,
  profileName: string,
  options: PlanOptions = {},
): Plan {
  const env = options.env ?? {};
  const stored = options.storedKeys ?? new Map<string, StoredKeyPair>();
  // An empty name is refused even when [profile ""] exists: `--profile ""` is [default] to
  // the CLI, so using that section would be an identity the CLI never gives (docs/config.md).
  const target =
    profileName === ""
      ? undefined
      : (config.profiles.get(profileName) ?? storedOnly(profileName, stored));
  if (!target) throw profileNotFound(config, profileName);
  const planner = new Planner(config, env, profileName, stored);
  const { source, steps } = resolveChecked(planner, target, config, env);
  const notes: string[] = [];
  const child = childSessionStep(source, steps, target, options, notes);
  if (child) steps.push(child);
  applyDurationOverride(steps, options.durationSeconds, profileName);
  validateSteps(source, steps);
  checkStsParams(source, steps);
  const withSession =
    options.mfaSession === false
      ? steps
      : addMfaSession(
          source,
          steps,
          options.mfaSessionSeconds ?? DEFAULT_MFA_SESSION_SECONDS,
          notes,
        );
  const region = resolveRegion(target, env, options.region);
  if (region && !REGION.test(region.value)) throw badRegion(region, profileName);
  return {
    profile: profileName,
    source,
    steps: withSession,
    region: region?.value,
    regionOrigin: region?.origin,
    notes,
  };
}

// The CLI's create_client: credentials first (their config errors win), then the named
// profile's SSO token config and client settings; "no credentials" comes last, at signing.
function resolveChecked(
  planner: Planner,
  target: Profile,
  config: LoadedConfig,
  env: Record<string, string | undefined>,
): { source: SourceStep; steps: StsStep[] } {
  const clientChecks = () => {
    checkSsoTokenConfig(target, config);
    checkClientSettings(target, env);
  };
  try {
    const resolved = planner.resolveTarget(target);
    clientChecks();
    return resolved;
  } catch (e) {
    if (isAwsxError(e) && e.code === "E_CREDENTIALS") clientChecks();
    throw e;
  }
}

// An empty path is no file at all, as for the CLI: say which variable made it so.
const shownPath = (path: string, variable: string): string =>
  path === "" ? `"" (${variable} is set but empty; unset it)` : path;

// The CLI's words for a missing profile, with the nearest name when one is close.
export function profileNotFound(config: LoadedConfig, name: string): AwsxError {
  if (name === "") {
    // `--profile ""` means [default] to the CLI, `AWS_PROFILE=` is an error: an empty name is
    // mostly an unset shell variable, so awsx does not guess (docs/config.md).
    return new AwsxError(
      "E_PROFILE_NOT_FOUND",
      "the profile name is empty (an unset variable?); name a profile, e.g. " +
        "`awsx exec default -- CMD`, or pick one from `awsx list`",
      { profile: name },
    );
  }
  const missed = nearMiss(config, name);
  if (missed) return missed;
  // A name pasted from a section header ("profile dev") or with spaces around it.
  const bare = name.trim().replace(/^profile\s+/, "");
  const guess = config.profiles.has(bare) ? bare : nearest(name, config.profiles.keys());
  return new AwsxError(
    "E_PROFILE_NOT_FOUND",
    `The config profile (${name}) could not be found in ` +
      `${shownPath(config.configFile, "AWS_CONFIG_FILE")} or ` +
      `${shownPath(config.credentialsFile, "AWS_SHARED_CREDENTIALS_FILE")}` +
      `${guess ? ` (did you mean ${guess}?)` : ""}; ` +
      `add [profile ${headerWord(name)}] to the config file, or pick one from \`awsx list\``,
    { profile: name },
  );
}

// [dev] in the config file, where the AWS CLI reads only [profile dev] (and [default]): the
// CLI says only "could not be found"; awsx names the section and its fix.
function nearMiss(config: LoadedConfig, name: string): AwsxError | undefined {
  const header = config.unread?.find((h) => h.trim() === name.trim());
  if (header === undefined) return undefined;
  return new AwsxError(
    "E_PROFILE_NOT_FOUND",
    `The config profile (${name}) could not be found in ${config.configFile} or ` +
      `${shownPath(config.credentialsFile, "AWS_SHARED_CREDENTIALS_FILE")}: the config file has ` +
      `[${header}], which names no profile there; rename it [profile ${headerWord(name)}] ` +
      "(only [default] is written without `profile `; the credentials file takes [NAME])",
    { profile: name },
  );
}

// The CLI's order (--region, AWS_DEFAULT_REGION, the profile's region); AWS_REGION, which
// only the SDKs read, comes last so an SDK user's setting is not lost.
function resolveRegion(
  target: Profile,
  env: Record<string, string | undefined>,
  flag: string | undefined,
) {
  // Set but empty counts as set (and is then invalid), as for botocore.
  if (flag !== undefined) return { value: flag, origin: "--region" };
  if (env.AWS_DEFAULT_REGION !== undefined)
    return { value: env.AWS_DEFAULT_REGION, origin: "AWS_DEFAULT_REGION" };
  refuseBlock(target, "region");
  const r = target.values.region;
  if (r !== undefined)
    return {
      value: r,
      origin: `${target.origins.region?.file} [${target.origins.region?.section}]`,
    };
  if (env.AWS_REGION) return { value: env.AWS_REGION, origin: "AWS_REGION" };
  return undefined;
}

// JSON.stringify shows a line break or tab in a variable; the hint names the likely cause.
function badRegion(region: { value: string; origin: string }, profile: string): AwsxError {
  const why = /\s#/.test(region.value)
    ? " (an inline # comment is part of the value)"
    : /\s/.test(region.value)
      ? " (it has a space, tab or line break in it)"
      : "";
  return new AwsxError(
    region.origin === "--region" ? "E_USAGE" : "E_CONFIG",
    `region ${JSON.stringify(region.value)} (from ${region.origin}) of profile "${profile}" ` +
      `is not a valid region name${why}; use a name like us-east-1`,
    { profile },
  );
}

// What is wrong with a --duration, in the words a person checks first: a number at all,
// whole seconds, then the range a role session may have (15 minutes to 12 hours).
function durationProblem(seconds: number): string {
  if (Number.isNaN(seconds)) return "is not a number";
  if (!Number.isInteger(seconds)) return `is ${seconds} s, not a whole number of seconds`;
  return `is ${seconds} s, out of range: a role session lasts 900 s (15m) to 43200 s (12h)`;
}

function applyDurationOverride(
  steps: StsStep[],
  seconds: number | undefined,
  profile: string,
): void {
  if (seconds === undefined) return;
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43200) {
    throw new AwsxError(
      "E_USAGE",
      `--duration for profile "${profile}" ${durationProblem(seconds)}; pass e.g. --duration 1h`,
      { profile },
    );
  }
  const last = steps[steps.length - 1];
  // Only the session given to a child in place of long-term keys ends a plan.
  if (last?.kind === "sessionToken") {
    last.durationSeconds = seconds;
    return;
  }
  if (last?.kind !== "assumeRole") {
    throw new AwsxError(
      "E_USAGE",
      `--duration applies to a role, and profile "${profile}" assumes none; drop --duration`,
      { profile },
    );
  }
  last.durationSeconds = seconds;
}

function validateSteps(source: SourceStep, steps: StsStep[]): void {
  // Instance and container credentials are role sessions too: what they assume is chained.
  let fromRoleSession =
    source.kind === "webIdentity" ||
    source.kind === "sso" ||
    (source.kind === "credentialSource" && source.source !== "Environment");
  for (const step of steps) {
    if (step.kind !== "assumeRole") continue;
    const d = step.durationSeconds;
    if (d !== undefined && (d < 900 || d > 43200)) {
      throw configError(
        `duration_seconds = ${d} in profile "${step.profile}" ` +
          `is outside 900-43200${where(step.origin)}; pick a value in that range`,
        step.profile,
      );
    }
    if (fromRoleSession && d !== undefined && d > CHAINED_ROLE_MAX_SECONDS) {
      throw configError(
        `profile "${step.profile}" asks for ${d}s, but a role assumed from another role's ` +
          `session is capped by AWS at ${CHAINED_ROLE_MAX_SECONDS}s (role chaining); ` +
          "set duration_seconds (or --duration) to 3600 or less",
        step.profile,
      );
    }
    fromRoleSession = true;
  }
}

// The long-term key never reaches the child: a profile that ends at long-term keys gets a
// GetSessionToken session (with its mfa_serial when set), cached like any other session.
function childSessionStep(
  source: SourceStep,
  steps: StsStep[],
  target: Profile,
  options: PlanOptions,
  notes: string[],
): SessionTokenStep | undefined {
  const mode = options.childSession ?? "none";
  if (steps.length > 0 || source.kind !== "static" || source.sessionToken) return undefined;
  if (mode === "none" || (mode === "stored" && source.provider !== "awsx-store")) return undefined;
  // Set but empty is set (and then too short for STS), as for a role's mfa_serial.
  const mfaSerial = target.values.mfa_serial;
  const seconds =
    mfaSerial !== undefined
      ? (options.mfaSessionSeconds ?? DEFAULT_MFA_SESSION_SECONDS)
      : CHILD_SESSION_SECONDS;
  notes.push(
    `long-term keys of "${source.profile}" (${source.provider}) stay with awsx: ` +
      `the child gets a GetSessionToken session${mfaSerial ? ` with MFA ${mfaSerial}` : ""}` +
      " (--no-session gives the keys themselves)",
  );
  return {
    kind: "sessionToken",
    profile: target.name,
    ...(mfaSerial !== undefined ? { mfaSerial } : {}),
    durationSeconds: seconds,
    reason: "long-term keys are not handed to the child",
  };
}

// aws-vault's trick: one MFA'd GetSessionToken session (hours) from the long-term keys,
// then every role naming the same mfa_serial is assumed from it without a new code.
// AWS caps roles assumed from session credentials at 1 hour, so a role asking for more
// is assumed straight from the long-term keys with the code.
function addMfaSession(
  source: SourceStep,
  steps: StsStep[],
  seconds: number,
  notes: string[],
): StsStep[] {
  const first = steps[0];
  if (first?.kind !== "assumeRole" || !first.mfaSerial) return steps;
  if (source.kind !== "static" || source.sessionToken) {
    notes.push(
      `MFA role "${first.profile}" assumed directly with the code: ` +
        "its source has no long-term keys for GetSessionToken",
    );
    return steps;
  }
  const wanted = first.durationSeconds ?? CHAINED_ROLE_MAX_SECONDS;
  if (wanted > CHAINED_ROLE_MAX_SECONDS) {
    notes.push(
      `role "${first.profile}" wants ${wanted}s, ` +
        "over the 1-hour cap for roles assumed from a session: " +
        "assumed directly from the long-term keys with the MFA code",
    );
    return steps;
  }
  notes.push(
    `MFA session: GetSessionToken with ${first.mfaSerial} for ${seconds}s, cached, ` +
      `then role "${first.profile}" assumed from it without a new code`,
  );
  const session: StsStep = {
    kind: "sessionToken",
    // Named after the role that asked for MFA: that is the profile the user typed or sees.
    profile: first.profile,
    mfaSerial: first.mfaSerial,
    durationSeconds: seconds,
    reason: "mfa_serial on a role whose source has long-term keys",
  };
  const { mfaSerial: _dropped, ...role } = first;
  return [session, role, ...steps.slice(1)];
}
