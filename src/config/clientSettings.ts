import { AwsxError } from "../errors.js";
import type { Env } from "../types.js";
import { pythonInt } from "../util/pythonInt.js";
import type { Profile } from "./load.js";
import { readFlag, readSetting } from "./setting.js";

// One client setting botocore checks whenever it creates a client (session.create_client,
// args.py ClientArgsCreator, config.Config): a bad value fails every AWS CLI command before
// any request. awsx does not use these settings (docs/config.md), it only refuses what the
// CLI refuses, so a config that breaks the CLI does not quietly work with awsx.
interface ClientSetting {
  key: string;
  envName: string;
  // Undefined when the value is accepted; else what it must be, for the message.
  problem: (value: string) => string | undefined;
}

// Exactly these words (retry_mode is compared as written).
const exactly =
  (...words: string[]) =>
  (v: string) =>
    words.includes(v) ? undefined : `must be one of ${words.join(", ")} (lower case)`;
// These words in any case (botocore lower-cases the value first).
const oneOf =
  (...words: string[]) =>
  (v: string) =>
    words.includes(v.toLowerCase()) ? undefined : `must be one of ${words.join(", ")}`;
const intIn = (min: number, max: number) => (v: string) => {
  const n = pythonInt(v);
  if (n !== undefined && n >= min && n <= max) return undefined;
  return max === Infinity
    ? `must be a whole number of at least ${min}`
    : `must be a whole number from ${min} to ${max}`;
};

// In the order botocore meets them in create_client, so the first error is mostly the CLI's
// (it refuses a max_attempts below 1 only with retry_mode, last; a bad csm_port after all).
const SETTINGS: readonly ClientSetting[] = [
  {
    key: "defaults_mode",
    envName: "AWS_DEFAULTS_MODE",
    problem: oneOf("legacy", "auto", "standard", "in-region", "cross-region", "mobile"),
  },
  { key: "max_attempts", envName: "AWS_MAX_ATTEMPTS", problem: intIn(1, Infinity) },
  {
    key: "request_min_compression_size_bytes",
    envName: "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
    problem: intIn(1, 1048576),
  },
  {
    key: "request_checksum_calculation",
    envName: "AWS_REQUEST_CHECKSUM_CALCULATION",
    problem: oneOf("when_supported", "when_required"),
  },
  {
    key: "response_checksum_validation",
    envName: "AWS_RESPONSE_CHECKSUM_VALIDATION",
    problem: oneOf("when_supported", "when_required"),
  },
  {
    key: "account_id_endpoint_mode",
    envName: "AWS_ACCOUNT_ID_ENDPOINT_MODE",
    problem: oneOf("preferred", "disabled", "required"),
  },
  // Any text; only a nested block fails ("must be a comma-delimited string").
  {
    key: "auth_scheme_preference",
    envName: "AWS_AUTH_SCHEME_PREFERENCE",
    problem: () => undefined,
  },
  {
    key: "s3_disable_express_session_auth",
    envName: "AWS_S3_DISABLE_EXPRESS_SESSION_AUTH",
    problem: oneOf("true", "false"),
  },
  {
    key: "retry_mode",
    envName: "AWS_RETRY_MODE",
    problem: exactly("legacy", "standard", "adaptive"),
  },
];

// readSetting, with the setting as the message shows it; [default] and source profiles are
// not read. A nested block fails (csm_enabled, a boolean, is read with readFlag).
const pick = (env: Env, profile: Profile, envName: string, key: string) => {
  const got = readSetting(env, profile, envName, key);
  if (!got) return undefined;
  const { value } = got;
  if (got.fromEnv) return { value, what: `${envName}=${JSON.stringify(value)}`, envName };
  const o = profile.origins[key];
  const at = o ? ` in ${o.file} [${o.section}]` : "";
  return { value, what: `${key} = ${JSON.stringify(value)}${at}`, key };
};

// Refuses the client settings the AWS CLI refuses, for the profile a command names.
export function checkClientSettings(profile: Profile, env: Env): void {
  const fail = (got: NonNullable<ReturnType<typeof pick>>, why: string): never => {
    const fix = got.envName ? `fix or unset ${got.envName}` : `fix or remove ${got.key}`;
    throw new AwsxError(
      "E_CONFIG",
      `${got.what} (profile "${profile.name}") is invalid: it ${why}; ${fix} ` +
        "(the AWS CLI refuses it too)",
      { profile: profile.name },
    );
  };
  for (const s of SETTINGS) {
    const got = pick(env, profile, s.envName, s.key);
    const why = got && s.problem(got.value);
    if (got && why) fail(got, why);
  }
  // The client-side monitoring publisher is built only when enabled; its port is int().
  if (!readFlag(env, profile, "AWS_CSM_ENABLED", "csm_enabled")) return;
  const port = pick(env, profile, "AWS_CSM_PORT", "csm_port");
  if (port && pythonInt(port.value) === undefined) fail(port, "must be a whole number");
}
