import { credentialVariables } from "../exec/childEnv.js";
import { formatEnv, type EnvFormat } from "../exec/envFormat.js";
import type { CredentialFlags, Deps } from "./deps.js";
import { resolveProfile } from "./resolveProfile.js";

// awsx env PROFILE --format F: print the variables for eval "$(awsx env PROFILE)".
export async function runEnv(input: CredentialFlags & { profile: string; format: EnvFormat }, deps: Deps, out: (s: string) => void): Promise<number> {
  const { plan, credentials } = await resolveProfile(input.profile, input, deps);
  out(formatEnv(credentialVariables(credentials, input.profile, plan.region), input.format));
  return 0;
}
