import { BACKENDS } from "../cache/select.js";
import { ENV_FORMATS } from "../exec/envFormat.js";

// One table of options, read both by yargs (help, validation) and by the fast path
// that parses the common commands without loading yargs.
export interface OptionSpec {
  name: string;
  alias?: string;
  type: "string" | "number" | "boolean";
  describe: string;
  choices?: readonly string[];
  default?: string | boolean;
}

export const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: "debug", type: "boolean", describe: "Say on stderr which path each step took (never a secret)" },
  { name: "quiet", alias: "q", type: "boolean", describe: "Print nothing of awsx's own but errors" },
];

export const CREDENTIAL_OPTIONS: OptionSpec[] = [
  { name: "region", alias: "r", type: "string", describe: "Region for STS and for the child (AWS_REGION/AWS_DEFAULT_REGION); default: AWS_DEFAULT_REGION, then the profile's region, then AWS_REGION" },
  { name: "mfa-token", type: "string", describe: "The current MFA code (else AWSX_MFA_TOKEN, else a prompt on the terminal)" },
  { name: "duration", alias: "d", type: "number", describe: "Role session length in seconds (900-43200), overriding duration_seconds" },
  { name: "backend", type: "string", choices: BACKENDS, describe: "Session cache: keychain, file (encrypted), memory or none; default AWSX_BACKEND, else the keychain where it works" },
  { name: "cache", type: "boolean", default: true, describe: "Read and write the session cache (--no-cache: always call STS, store nothing)" },
  { name: "mfa-session", type: "boolean", default: true, describe: "Get one MFA'd session (GetSessionToken) and assume MFA roles from it (--no-mfa-session: assume with the code each time)" },
  { name: "prompt", type: "boolean", default: true, describe: "Ask for MFA codes on the terminal (--no-prompt: fail instead)" },
];

export const EXEC_OPTIONS: OptionSpec[] = [
  { name: "force", type: "boolean", describe: "Nest inside another awsx exec (AWSX_PROFILE already set)" },
  {
    name: "server",
    type: "boolean",
    describe: "Serve refreshed credentials to the child from a loopback ECS-style endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI) instead of fixed key variables: for runs that outlive a session",
  },
];
export const ENV_OPTIONS: OptionSpec[] = [{ name: "format", alias: "f", type: "string", choices: ENV_FORMATS, default: "sh", describe: "Output syntax" }];
export const JSON_OPTION: OptionSpec = { name: "json", type: "boolean", describe: "Print JSON" };

// Flags written with a separate value ("--region x", "-r x"): the argv splitter must not
// take that value for the profile.
export const VALUE_FLAGS: ReadonlySet<string> = new Set(
  [...GLOBAL_OPTIONS, ...CREDENTIAL_OPTIONS, ...EXEC_OPTIONS, ...ENV_OPTIONS]
    .filter((o) => o.type !== "boolean")
    .flatMap((o) => [`--${o.name}`, ...(o.alias ? [`-${o.alias}`] : [])]),
);

export const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
