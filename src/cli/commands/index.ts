import type { Command, CommandSpec } from "../command.js";
import { clear } from "./clear.js";
import { completion } from "./completion.js";
import { credentialProcess } from "./credentialProcess.js";
import { doctor } from "./doctor.js";
import { env } from "./env.js";
import { exec } from "./exec.js";
import { exportCommand } from "./export.js";
import { explain } from "./explain.js";
import { list } from "./list.js";
import { login } from "./login.js";
import { sso } from "./ssoCommand.js";
import { whoami } from "./whoami.js";
import { add } from "./add.js";
import { importKeys } from "./import.js";
import { remove } from "./remove.js";
import { rotate } from "./rotate.js";
import { agent } from "./agent.js";

// The commands, in the order help lists them.
export const COMMANDS: readonly Command[] = [
  exec,
  env,
  credentialProcess,
  whoami,
  explain,
  login,
  sso,
  list,
  clear,
  add,
  remove,
  importKeys,
  rotate,
  completion,
  doctor,
  exportCommand,
  agent,
];

// `awsx help [COMMAND]`: answered by main.ts from the table.
export const HELP: CommandSpec = {
  name: "help",
  summary: "Show help for awsx or for one command",
  usage: "[COMMAND]",
  options: [],
  args: [{ name: "command", required: false, describe: "A command of awsx", complete: "command" }],
};

// `awsx __complete -- WORDS...`: what the completion scripts ask (the words typed after
// awsx, the one being completed last); prints one candidate a line.
export const COMPLETE: CommandSpec = {
  name: "__complete",
  summary: "Completion candidates for the words typed so far",
  usage: "-- WORDS...",
  options: [],
  args: [],
  rest: { name: "words", describe: "The words after awsx, the one being completed last" },
  hidden: true,
};

// Every name the parser knows.
export const TABLE: readonly CommandSpec[] = [...COMMANDS, HELP, COMPLETE];
