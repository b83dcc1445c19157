import { isatty } from "node:tty";
import { proxySecrets } from "../platform/proxyChoice.js";
import { fdWriter } from "../util/fdWriter.js";
import { createLogger } from "../util/log.js";
import type { Command, RunDeps } from "./command.js";
import { ssoLoginHook } from "./commands/ssoLogin.run.js";
import { COMMANDS, COMPLETE, HELP, TABLE } from "./commands/index.js";
import { loadUserConfig } from "../config/userConfig.js";
import { storedKeysIndex } from "../keys/storedKeysIndex.js";
import type { Env } from "../types.js";
import type { Tty } from "./deps.js";
import { logSettings, readSettings } from "./settings.js";
import { parseCommandLine, tableOf, unknownCommand, type Parsed } from "./parse.js";
import { reportError } from "./report.js";
import { VERSION } from "./version.js";

// The outside world of one run: its arguments, environment and output streams.
export interface MainIo {
  argv: string[];
  env: Env;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  // Which of stdout/stderr/stdin is a terminal (absent: none).
  tty?: Tty;
  beforeExecve?: () => void;
}

const table = tableOf(TABLE);
// The commands after which the agent (src/cli/agent/) forgets the sessions and sign-ins it holds.
const CHANGES_STORE = new Set(["clear", "remove", "rotate", "add", "import", "sso"]);

// Run one awsx command and return its exit status; never calls process.exit.
export async function run(io: MainIo): Promise<number> {
  const log = logSettings(io.env);
  let parsed: Parsed;
  try {
    parsed = parseCommandLine(io.argv, table);
    if (parsed.kind === "run" && parsed.command === HELP) parsed = helpFor(parsed.input.command);
  } catch (e) {
    return reportError(e, createLogger({ write: io.stderr, logFile: log.logFile }));
  }
  if (parsed.kind === "version") {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (parsed.kind === "help") {
    const { commandHelp, mainHelp } = await import("./help.js");
    io.stdout(parsed.command ? commandHelp(parsed.command) : mainHelp(TABLE));
    return 0;
  }
  const { command, input } = parsed;
  if (command === COMPLETE) return complete(input.rest ?? [], io);
  const logger = createLogger({
    debug: Boolean(input.debug) || log.debug,
    quiet: Boolean(input.quiet),
    write: io.stderr,
    logFile: log.logFile,
  });
  const cmd = command as Command;
  // A proxy's user and password never reach a message, --debug or the log.
  for (const s of proxySecrets(io.env)) logger.proxySecret(s);
  try {
    const settings = readSettings(io.env);
    const deps: RunDeps = {
      env: io.env,
      settings,
      logger,
      now: () => new Date(),
      out: io.stdout,
      tty: io.tty,
      quiet: Boolean(input.quiet),
      ...(io.beforeExecve ? { beforeExecve: io.beforeExecve } : {}),
    };
    // An SSO profile without a valid token may sign in right there (on a terminal only).
    deps.ssoLogin = ssoLoginHook(deps);
    try {
      return await cmd.run(input, deps);
    } finally {
      // What the agent holds may be gone (clear, remove, rotate, sso logout) or replaced.
      if (CHANGES_STORE.has(cmd.name) && settings.agent)
        await (await import("./tellAgent.js")).agentForget(settings.cacheDir);
    }
  } catch (e) {
    return reportError(e, logger);
  }
}

// `awsx help [COMMAND]` is `awsx [COMMAND] --help`.
function helpFor(name: unknown): Parsed {
  if (name === undefined) return { kind: "help" };
  const command = TABLE.find((c) => c.name === name);
  if (!command || command.hidden) throw unknownCommand(String(name), COMMANDS);
  return { kind: "help", command };
}

// The completion scripts' question; a config that cannot be read completes no profile. A
// profile whose keys only awsx stores is named by the stored-keys index (no keychain opened).
async function complete(words: string[], io: MainIo): Promise<number> {
  const { candidates } = await import("./complete.js");
  let stored: Set<string> | undefined;
  try {
    stored = await storedKeysIndex(readSettings(io.env).cacheDir);
  } catch {
    stored = undefined; // a setting awsx refuses: the config's profiles still complete
  }
  const profiles = () => {
    try {
      return [...new Set([...loadUserConfig(io.env).profiles.keys(), ...(stored ?? [])])];
    } catch {
      return [...(stored ?? [])];
    }
  };
  const found = candidates(words, table, profiles);
  if (found.length) io.stdout(`${found.join("\n")}\n`);
  return 0;
}

// The process entry, used by bin/awsx.js through the build (dist/awsx.cjs), where knip cannot
// follow it: hence the tag. BEFORE_EXECVE: bin/awsx.js's, for exec (Deps.beforeExecve).
/** @public */
export async function cli(beforeExecve?: () => void): Promise<void> {
  let wrote = false;
  const code = await run({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (s) => {
      wrote = true;
      process.stdout.write(s);
    },
    // Not through process.stderr, nor isTTY from the streams: making a stream sets a pipe
    // non-blocking for the child that shares it, and exec's execve then steps aside.
    stderr: fdWriter(2, () => process.stderr),
    tty: { stdout: isatty(1), stderr: isatty(2), stdin: isatty(0) },
    ...(beforeExecve ? { beforeExecve } : {}),
  });
  process.exitCode = code;
  // The command is over: a keychain call that never answered (its thread is stuck in
  // libsecret) must not keep awsx alive. Normal runs have exited long before this fires. A
  // reader that is slow to take a long output (a pipe holds 64 KiB) gets all of it first:
  // the empty write's callback runs once everything before it is written.
  const exit = () => process.exit(code);
  setTimeout(() => (wrote ? process.stdout.write("", exit) : exit()), 200).unref();
}
