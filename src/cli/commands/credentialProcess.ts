import { PROFILE_ARG, type Command } from "../command.js";
import type { CredentialFlags, Deps } from "../deps.js";
import { resolveProfile } from "../resolveProfile.js";
import { CREDENTIAL_OPTIONS } from "../options.js";

// awsx credential-process PROFILE: the AWS credential_process JSON, so any SDK can use
// awsx from ~/.aws/config (recursion is refused in the core).
async function runCredentialProcess(
  input: CredentialFlags & { profile: string },
  deps: Deps,
  out: (s: string) => void,
): Promise<number> {
  const { credentials } = await resolveProfile(input.profile, input, deps);
  const body: Record<string, unknown> = {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
  };
  if (credentials.sessionToken) body.SessionToken = credentials.sessionToken;
  if (credentials.expiration) body.Expiration = credentials.expiration.toISOString();
  out(`${JSON.stringify(body)}\n`);
  return 0;
}

// awsx credential-process.
export const credentialProcess: Command = {
  name: "credential-process",
  summary:
    "Print the credential_process JSON " +
    "(for `credential_process = awsx credential-process PROFILE`)",
  usage: "PROFILE",
  options: CREDENTIAL_OPTIONS,
  args: [PROFILE_ARG],
  examples: [["credential_process = awsx credential-process target1", "in another profile"]],
  run: (input, deps) =>
    runCredentialProcess(input as CredentialFlags & { profile: string }, deps, deps.out),
};
