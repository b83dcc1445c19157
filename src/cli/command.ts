import type { Deps } from "./deps.js";
import type { OptionSpec } from "./options.js";

// A word the command takes in its place: a profile, a shell name.
export interface ArgSpec {
  name: string;
  required: boolean;
  describe: string;
  choices?: readonly string[];
  // What completion offers for it.
  complete?: "profile" | "command";
  // Options that take its place (exec's --each for PROFILE): with one of them the word is
  // not read, and a command's rest starts only at `--`.
  unless?: readonly string[];
  // Required, but a person at a terminal may pick it from a list when it is missing: the
  // parser lets it be absent and the command asks, or refuses with missingArg (pickProfile.ts).
  picked?: boolean;
}

// Everything after the command's own words (exec's child command): awsx never reads it.
interface RestSpec {
  name: string;
  describe: string;
}

// What the parser needs to know of a command (help and __complete have no run of their own).
export interface CommandSpec {
  name: string;
  // One line for the command list.
  summary: string;
  // The words after `awsx NAME`, as help and usage errors show them.
  usage: string;
  // Besides the global options.
  options: OptionSpec[];
  args: ArgSpec[];
  rest?: RestSpec;
  // Text under the usage line of `awsx NAME --help`.
  help?: string;
  examples?: Array<[string, string]>;
  // Not listed in help nor completed.
  hidden?: boolean;
}

// The options by camelCase name, the args by name, and `rest` (exec's child command:
// undefined when none was given). Values are typed by the command's table entry, which the
// parser followed: each run casts the input to its own shape.
export type CommandInput = Record<string, any> & { rest?: string[] };

// What a command's run gets besides its input: the shared deps and its stdout.
export interface RunDeps extends Deps {
  out: (s: string) => void;
}

// One awsx command: parsed from its table entry, run with the parsed input.
export interface Command extends CommandSpec {
  run(input: CommandInput, deps: RunDeps): Promise<number>;
}

// The profile most commands take.
export const PROFILE_ARG: ArgSpec = {
  name: "profile",
  required: true,
  describe: "A profile of ~/.aws/config or ~/.aws/credentials",
  complete: "profile",
};

// The profile of exec and login: picked from a list when none is named on a terminal.
export const PICKED_PROFILE_ARG: ArgSpec = { ...PROFILE_ARG, picked: true };
