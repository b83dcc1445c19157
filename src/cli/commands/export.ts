import type { EnvFormat } from "../../exec/envFormat.js";
import { ENV_FORMATS } from "../../exec/envFormat.js";
import { formatIni } from "../../exec/iniFormat.js";
import { PROFILE_ARG, type Command } from "../command.js";
import type { CredentialFlags } from "../deps.js";
import { CREDENTIAL_OPTIONS } from "../options.js";
import { resolveProfile } from "../resolveProfile.js";
import { runEnv } from "./env.js";

// aws-vault export's format names, then awsx env's own.
const EXPORT_FORMATS = ["env", "export-env", "ini", ...ENV_FORMATS] as const;
const AS_ENV: Record<string, EnvFormat> = { env: "dotenv", "export-env": "sh" };

// awsx export PROFILE: aws-vault's export, answered by awsx env (aws-vault's "env" format is
// NAME=value lines, awsx's dotenv; "export-env" is export NAME=value, awsx's sh).
export const exportCommand: Command = {
  name: "export",
  summary: "aws-vault's export: awsx env with aws-vault's formats (default NAME=value lines)",
  usage: "PROFILE",
  options: [
    ...CREDENTIAL_OPTIONS,
    {
      name: "format",
      short: "f",
      type: "string",
      value: "FORMAT",
      choices: EXPORT_FORMATS,
      default: "env",
      describe: "env (NAME=value), export-env (export NAME=value), ini, or any of awsx env's",
    },
  ],
  args: [PROFILE_ARG],
  help:
    "What aws-vault's `export` prints, from awsx env: --format env (the default) writes " +
    "NAME='value' lines as `awsx env -f dotenv`, export-env writes `awsx env`'s sh, ini a " +
    "[profile PROFILE] section with the keys, token, expiry and region. For a profile that " +
    "stays fresh, prefer `credential_process = awsx credential-process PROFILE`.",
  examples: [
    ["awsx export target1 > .env", "NAME=value lines"],
    ['eval "$(awsx export target1 --format export-env)"', "the same as awsx env"],
    ["awsx export target1 --format ini", "a [profile target1] section"],
  ],
  run: async (input, deps) => {
    const f = String(input.format);
    if (f === "ini") {
      const profile = String(input.profile);
      const { plan, credentials } = await resolveProfile(profile, input as CredentialFlags, deps);
      deps.out(formatIni(profile, credentials, plan.region));
      return 0;
    }
    const format = AS_ENV[f] ?? (f as EnvFormat);
    return runEnv({ ...(input as CredentialFlags & { profile: string }), format }, deps, deps.out);
  },
};
