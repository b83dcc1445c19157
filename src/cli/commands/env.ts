import { AwsxError } from "../../errors.js";
import { credentialVariables } from "../../exec/childEnv.js";
import { formatEnv, formatUnset, type EnvFormat } from "../../exec/envFormat.js";
import { PROFILE_ARG, type Command } from "../command.js";
import { type CredentialFlags, type Deps, hintsWanted } from "../deps.js";
import { profileOrPick } from "../pickProfile.js";
import { resolveProfile } from "../resolveProfile.js";
import { CREDENTIAL_OPTIONS, ENV_OPTIONS } from "../options.js";

type EnvInput = CredentialFlags & { profile?: string; format: EnvFormat; unset?: boolean };

// awsx env PROFILE --format F: print the variables for eval "$(awsx env PROFILE)";
// with --unset, the code that removes them again.
export async function runEnv(
  input: EnvInput,
  deps: Deps,
  out: (s: string) => void,
): Promise<number> {
  if (input.unset) {
    if (input.profile !== undefined)
      throw new AwsxError(
        "E_USAGE",
        `awsx env --unset takes no profile (it clears whatever env set): awsx env --unset`,
      );
    out(formatUnset(input.format));
    return 0;
  }
  const missing = () =>
    new AwsxError(
      "E_USAGE",
      "awsx env needs a profile: awsx env PROFILE (or awsx env --unset to clear)",
    );
  const profile = await profileOrPick(input.profile, "env", input, deps, missing);
  const { plan, credentials } = await resolveProfile(profile, input, deps);
  const keep = deps.settings.keepAwsProfile;
  const vars = credentialVariables(credentials, profile, plan.region, keep);
  out(formatEnv(vars, input.format));
  const hint = howToUse(profile, input.format);
  if (hint && deps.tty?.stdout && hintsWanted(deps)) deps.logger.info(hint);
  return 0;
}

// Said on stderr when shell code went to the terminal, where it sets nothing and only shows
// the keys: how to have the shell run it. The profile is quoted as a shell word if it must be.
function howToUse(profile: string, format: EnvFormat): string | undefined {
  const p = /^[\w.@+-]+$/.test(profile) ? profile : `'${profile.replace(/'/g, `'\\''`)}'`;
  const run: Partial<Record<EnvFormat, string>> = {
    sh: `eval "$(awsx env ${p})"`,
    fish: `awsx env ${p} -f fish | source`,
    powershell: `awsx env ${p} -f powershell | Invoke-Expression`,
  };
  const use = run[format];
  return use && `printing these sets nothing; to set them in this shell, run: ${use}`;
}

// awsx env.
export const env: Command = {
  name: "env",
  summary: 'Print the credentials as variables for eval "$(awsx env PROFILE)"',
  usage: "PROFILE | --unset",
  options: [
    ...CREDENTIAL_OPTIONS,
    ...ENV_OPTIONS,
    {
      name: "unset",
      type: "boolean",
      describe: "Print the code that removes what env set (no profile)",
    },
  ],
  args: [{ ...PROFILE_ARG, required: false }],
  help:
    "Print the profile's credentials as shell code to evaluate in the current shell. " +
    "AWSX_PROFILE (the prompt marker) names the profile; --unset clears it all again. With no " +
    "PROFILE on a terminal, pick one from a list (drawn on stderr, so eval still works).",
  examples: [
    ['eval "$(awsx env target1)"', "sh, bash, zsh"],
    ["awsx env target1 --format fish | source", "fish"],
    ["awsx env target1 --format dotenv > .env", ""],
    ['eval "$(awsx env --unset)"', "back to no credentials"],
  ],
  run: (input, deps) => runEnv(input as EnvInput, deps, deps.out),
};
