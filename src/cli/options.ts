import { BACKENDS } from "../cache/select.js";
import { ENV_FORMATS } from "../exec/envFormat.js";
import { PROMPT_DRIVERS } from "./settings.js";

// One option of the command table: parsing, validation, help and completion read it.
export interface OptionSpec {
  name: string;
  short?: string;
  // parseArgs knows strings and booleans; a duration is a string checked and made seconds.
  type: "string" | "duration" | "boolean";
  describe: string;
  // The value's name in help: --region REGION.
  value?: string;
  choices?: readonly string[];
  default?: string;
  // A boolean that is on unless turned off: help and completion show --no-NAME, and
  // describe says what that does.
  negatable?: boolean;
  // May be given more than once: the value is the list of them all (exec's --each).
  multiple?: boolean;
  // What completion offers for its value besides its choices.
  complete?: "profile";
}

// Accepted by every command, before or after the command's name.
export const GLOBAL_OPTIONS: OptionSpec[] = [
  {
    name: "debug",
    type: "boolean",
    describe: "Say on stderr which path each step took (never a secret)",
  },
  {
    name: "quiet",
    short: "q",
    type: "boolean",
    describe: "Print nothing of awsx's own but errors",
  },
  { name: "help", short: "h", type: "boolean", describe: "Show help" },
  { name: "version", type: "boolean", describe: "Show the version number" },
];

// --backend: where sessions are cached.
export const BACKEND_OPTION: OptionSpec = {
  name: "backend",
  type: "string",
  value: "NAME",
  choices: BACKENDS,
  describe:
    "Session cache (file: encrypted); default AWSX_BACKEND, else the keychain where it works",
};

// Every command that produces credentials takes these.
export const CREDENTIAL_OPTIONS: OptionSpec[] = [
  {
    name: "region",
    short: "r",
    type: "string",
    value: "REGION",
    describe:
      "Region for STS and for the child (AWS_REGION/AWS_DEFAULT_REGION); default: " +
      "AWS_DEFAULT_REGION, then the profile's region, then AWS_REGION",
  },
  {
    name: "mfa-token",
    type: "string",
    value: "CODE",
    describe: "The current MFA code (else AWSX_MFA_TOKEN, else a prompt: see --prompt)",
  },
  {
    name: "duration",
    short: "d",
    type: "duration",
    value: "DURATION",
    describe:
      "Role session length, overriding duration_seconds: seconds (3600) or as aws-vault " +
      "writes it (1h, 90m, 3600s, 1h30m); 900-43200 s",
  },
  BACKEND_OPTION,
  {
    name: "cache",
    type: "boolean",
    negatable: true,
    describe: "Neither read nor write the session cache: always call STS, store nothing",
  },
  {
    name: "mfa-session",
    type: "boolean",
    negatable: true,
    describe:
      "Do not get one MFA'd session (GetSessionToken) to assume MFA roles from: " +
      "assume them with the code each time",
  },
  {
    name: "prompt",
    type: "string",
    value: "DRIVER",
    choices: PROMPT_DRIVERS,
    describe:
      "How to ask for an MFA code: terminal, ykman (YubiKey) or a desktop dialog; default " +
      "AWSX_PROMPT, else auto: the terminal, else a dialog when there is a display",
  },
  {
    name: "no-prompt",
    type: "boolean",
    describe: "Never ask (MFA code, file cache passphrase): fail instead",
  },
  {
    name: "session",
    type: "boolean",
    negatable: true,
    describe:
      "Give the long-term keys of `awsx add` themselves, not a GetSessionToken session of them " +
      "(aws-vault's --no-session)",
  },
];

// awsx exec's own.
export const EXEC_OPTIONS: OptionSpec[] = [
  {
    name: "force",
    type: "boolean",
    describe: "Nest inside another awsx exec (AWSX_EXEC_PROFILE already set)",
  },
  {
    name: "server",
    type: "boolean",
    describe:
      "Serve refreshed credentials to the child from a loopback ECS-style endpoint " +
      "(AWS_CONTAINER_CREDENTIALS_FULL_URI) instead of fixed key variables: for runs that " +
      "outlive a session",
  },
];

// awsx env's own.
export const ENV_OPTIONS: OptionSpec[] = [
  {
    name: "format",
    short: "f",
    type: "string",
    value: "FORMAT",
    choices: ENV_FORMATS,
    default: "sh",
    describe: "Output syntax",
  },
];

// whoami, explain and list print JSON with it.
export const JSON_OPTION: OptionSpec = { name: "json", type: "boolean", describe: "Print JSON" };

// awsx login's own.
export const LOGIN_OPTIONS: OptionSpec[] = [
  {
    name: "path",
    type: "string",
    value: "PATH",
    describe: "Console page to open: a path such as s3/home, or a full https:// URL",
  },
  {
    name: "open",
    type: "boolean",
    describe: "Open the URL in the default browser instead of printing it",
  },
  {
    name: "stdout",
    type: "boolean",
    describe: "Print the URL (the default; aws-vault's login --stdout)",
  },
];

// --backend for the commands that only look at the cache (list, clear).
export const cacheBackendOption = (what: string): OptionSpec => ({
  ...BACKEND_OPTION,
  describe: `Cache backend to ${what}`,
});

// --mfa-token → mfaToken: the key a command's input has.
export const camel = (name: string): string =>
  name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
