import type { Credentials } from "../types.js";

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
  "AWSX_FILE_PASSPHRASE",
  "AWSX_MFA_TOKEN",
] as const;
const REMOVED_PREFIXES = ["AWS_CONTAINER_CREDENTIALS_"];

export const isRemovedVariable = (name: string): boolean =>
  (REMOVED_VARIABLES as readonly string[]).includes(name) ||
  REMOVED_PREFIXES.some((p) => name.startsWith(p));

// The variables awsx sets, in a fixed order (also what `awsx env` prints).
export function credentialVariables(
  creds: Credentials,
  profile: string,
  region: string | undefined,
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
  vars.push(["AWSX_PROFILE", profile]);
  return vars;
}

// With --server: the child asks awsx's loopback endpoint for credentials instead.
export function serverVariables(
  url: string,
  token: string,
  profile: string,
  region: string | undefined,
): Array<[string, string]> {
  const vars: Array<[string, string]> = [
    ["AWS_CONTAINER_CREDENTIALS_FULL_URI", url],
    ["AWS_CONTAINER_AUTHORIZATION_TOKEN", token],
  ];
  if (region) vars.push(["AWS_REGION", region], ["AWS_DEFAULT_REGION", region]);
  vars.push(["AWSX_PROFILE", profile]);
  return vars;
}

// The child's environment: the parent's, less every credential/profile variable,
// plus the new credentials. Everything else passes through untouched.
export function childEnv(
  parent: Record<string, string | undefined>,
  creds: Credentials,
  profile: string,
  region: string | undefined,
): Record<string, string> {
  return withVariables(parent, credentialVariables(creds, profile, region));
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
