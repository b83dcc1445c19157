import type { Credentials } from "../types.js";

// The user's own awsx settings that are secrets: exec keeps them from its child, but
// `awsx env` never removes them from the user's shell.
export const AWSX_SECRETS = ["AWSX_FILE_PASSPHRASE", "AWSX_MFA_TOKEN"] as const;

// Set only in the environment of an `awsx exec` child (its value: the profile), never by
// `awsx env`: a shell that evaluated `env` is not nested, an exec child is.
export const EXEC_MARKER = "AWSX_EXEC_PROFILE";

// Every variable `awsx env` may set; `awsx env --unset` removes exactly these. AWSX_PROFILE
// is the prompt marker: the profile of the credentials in this environment. AWS_PROFILE only
// with AWSX_KEEP_AWS_PROFILE=1, for prompts that show it (starship and others).
export const ENV_SET_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_PROFILE",
  "AWSX_PROFILE",
] as const;

// Inherited variables that would make the child use other credentials or another
// profile: JS SDKs ignore env keys when AWS_PROFILE is set, and botocore prefers a stale
// AWS_SECURITY_TOKEN over AWS_SESSION_TOKEN.
export const REMOVED_VARIABLES = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  // botocore reads it with the env keys (account-based endpoints): it belongs to other keys.
  "AWS_ACCOUNT_ID",
  "AWS_SESSION_EXPIRATION",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_CREDENTIAL_FILE",
  // awsx's own secrets: the child has no use for them, and could open the file cache.
  ...AWSX_SECRETS,
] as const;
const REMOVED_PREFIXES = ["AWS_CONTAINER_CREDENTIALS_"];

const isRemovedVariable = (name: string): boolean =>
  (REMOVED_VARIABLES as readonly string[]).includes(name) ||
  REMOVED_PREFIXES.some((p) => name.startsWith(p));

// The variables awsx sets, in a fixed order (also what `awsx env` prints). keepProfile
// (AWSX_KEEP_AWS_PROFILE=1) also sets AWS_PROFILE to the profile's name: a prompt shows it,
// but an SDK that lets a named profile win over keys in the environment (the JS SDK v3)
// then resolves the profile itself (docs/exec.md).
export function credentialVariables(
  creds: Credentials,
  profile: string,
  region: string | undefined,
  keepProfile = false,
): Array<[string, string]> {
  const vars: Array<[string, string]> = [
    ["AWS_ACCESS_KEY_ID", creds.accessKeyId],
    ["AWS_SECRET_ACCESS_KEY", creds.secretAccessKey],
  ];
  if (creds.sessionToken) vars.push(["AWS_SESSION_TOKEN", creds.sessionToken]);
  if (creds.expiration)
    vars.push([
      "AWS_CREDENTIAL_EXPIRATION",
      creds.expiration.toISOString().replace(/\.\d{3}Z$/, "Z"),
    ]);
  if (region) vars.push(["AWS_REGION", region], ["AWS_DEFAULT_REGION", region]);
  if (keepProfile) vars.push(["AWS_PROFILE", profile]);
  vars.push(["AWSX_PROFILE", profile]);
  return vars;
}

// With --server: the child asks awsx's loopback endpoint for credentials instead.
export function serverVariables(
  url: string,
  token: string,
  profile: string,
  region: string | undefined,
  keepProfile = false,
): Array<[string, string]> {
  const vars: Array<[string, string]> = [
    ["AWS_CONTAINER_CREDENTIALS_FULL_URI", url],
    ["AWS_CONTAINER_AUTHORIZATION_TOKEN", token],
  ];
  if (region) vars.push(["AWS_REGION", region], ["AWS_DEFAULT_REGION", region]);
  if (keepProfile) vars.push(["AWS_PROFILE", profile]);
  vars.push(["AWSX_PROFILE", profile], [EXEC_MARKER, profile]);
  return vars;
}

// The child's environment: the parent's, less every credential/profile variable,
// plus the new credentials. Everything else passes through untouched.
export function childEnv(
  parent: Record<string, string | undefined>,
  creds: Credentials,
  profile: string,
  region: string | undefined,
  keepProfile = false,
): Record<string, string> {
  const vars = credentialVariables(creds, profile, region, keepProfile);
  return withVariables(parent, [...vars, [EXEC_MARKER, profile]]);
}

export function withVariables(
  parent: Record<string, string | undefined>,
  vars: Array<[string, string]>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent))
    if (v !== undefined && !isRemovedVariable(k)) env[k] = v;
  for (const [k, v] of vars) env[k] = v;
  return env;
}
