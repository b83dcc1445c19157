import { OUTPUT_MODES } from "../exec/each/outputModes.js";
import type { OptionSpec } from "./options.js";

// The options that choose the profiles of `awsx exec --each` (they take PROFILE's place).
export const EACH_SELECTORS = ["each", "each-from", "each-sync"] as const;

// awsx exec's options for running one command in many profiles (docs/commands/exec.md).
export const EACH_OPTIONS: OptionSpec[] = [
  {
    name: "each",
    type: "string",
    value: "PATTERN",
    multiple: true,
    complete: "profile",
    describe:
      "Run in this profile, or in every profile the glob matches (* stays within a part " +
      "between /, ** crosses them); the command goes after --",
  },
  {
    name: "each-from",
    type: "string",
    value: "FILE",
    multiple: true,
    describe: "Run in the profiles named in FILE, one a line, never patterns (- : stdin)",
  },
  {
    name: "each-sync",
    type: "string",
    value: "SESSION",
    multiple: true,
    describe: "Run in the profiles of the block `awsx sso sync` wrote for sso-session SESSION",
  },
  {
    name: "dry-run",
    type: "boolean",
    describe: "With --each: list the profiles and how each resolves; call nothing, run nothing",
  },
  {
    name: "keep-going",
    type: "boolean",
    describe: "With --each: run in the profiles that resolved even when others did not",
  },
  {
    name: "jobs",
    short: "j",
    type: "string",
    value: "N",
    describe: "With --each: run at most N at once (default: 4, or fewer CPUs)",
  },
  {
    name: "output",
    type: "string",
    value: "MODE",
    choices: OUTPUT_MODES,
    describe:
      "With --each: prefix each line with the profile, group each profile's output, or " +
      "print one JSON line per profile (the output then goes to stderr)",
  },
  {
    name: "timeout",
    type: "duration",
    value: "DURATION",
    describe: "With --each: stop a command that runs longer (SIGTERM, SIGKILL 5 s later)",
  },
  {
    name: "max",
    type: "string",
    value: "N",
    describe: "With --each: run in more than 200 profiles (at most N)",
  },
];
