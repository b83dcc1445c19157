import { AwsxError } from "../errors.js";
import type { CommandSpec } from "./command.js";

// The one form of a usage error: `awsx: <what is wrong>; see awsx [CMD] --help`, exit 64.
export const usageError = (what: string, command?: string): AwsxError =>
  new AwsxError("E_USAGE", `${what}; see awsx${command ? ` ${command}` : ""} --help`);

// A word of the command line as an error shows it: quoted when it holds a space, a control
// character or anything else that would not read back as one plain word on one line.
export const shown = (word: string): string =>
  /^[\x21-\x7e]+$/.test(word) ? word : JSON.stringify(word);

// `awsx CMD needs a NAME: awsx CMD USAGE`: a word the command cannot run without is missing.
export const missingArg = (command: CommandSpec, name: string): AwsxError =>
  usageError(
    `awsx ${command.name} needs a ${name}: awsx ${command.name} ${command.usage}`,
    command.name,
  );
