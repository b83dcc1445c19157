import { credentialVariables } from "../../exec/childEnv.js";
import { formatEnv, type EnvFormat } from "../../exec/envFormat.js";
import { PROFILE_ARG, type Command } from "../command.js";
import type { CredentialFlags, Deps } from "../deps.js";
import { resolveProfile } from "../resolveProfile.js";
import { CREDENTIAL_OPTIONS, ENV_OPTIONS } from "../options.js";

type EnvInput = CredentialFlags & { profile: string; format: EnvFormat };

// awsx env PROFILE --format F: print the variables for eval "$(awsx env PROFILE)".
export async function runEnv(
  input: EnvInput,
  deps: Deps,
  out: (s: string) => void,
): Promise<number> {
  const { plan, credentials } = await resolveProfile(input.profile, input, deps);
  out(formatEnv(credentialVariables(credentials, input.profile, plan.region), input.format));
  return 0;
}

// awsx env.
export const env: Command = {
  name: "env",
  summary: 'Print the credentials as variables for eval "$(awsx env PROFILE)"',
  usage: "PROFILE",
  options: [...CREDENTIAL_OPTIONS, ...ENV_OPTIONS],
  args: [PROFILE_ARG],
  examples: [
    ['eval "$(awsx env target1)"', "sh, bash, zsh"],
    ["awsx env target1 --format fish | source", "fish"],
    ["awsx env target1 --format dotenv > .env", ""],
  ],
  run: (input, deps) => runEnv(input as EnvInput, deps, deps.out),
};
