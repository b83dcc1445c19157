import { createLogger, debugWanted } from "../util/log.js";
import type { Deps } from "./deps.js";
import { readSettings } from "./settings.js";
import type { Env } from "../types.js";
import { FastUsageError, parseFast, type FastCommand } from "./fast.js";
import { AwsxError } from "../errors.js";
import { reportError } from "./report.js";
import { runExec } from "./exec.js";
import { runEnv } from "./env.js";
import { runCredentialProcess } from "./credentialProcess.js";

export interface MainIo {
  argv: string[];
  env: Env;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

// Imported statically: one file to load on the warm path instead of a chain of chunks.
async function runFast(fast: FastCommand, deps: Deps, io: MainIo): Promise<number> {
  const input = { ...fast.flags, profile: fast.profile } as any;
  switch (fast.command) {
    case "exec":
      return runExec({ ...input, command: fast.childArgv }, deps);
    case "env":
      return runEnv(input, deps, io.stdout);
    case "credential-process":
      return runCredentialProcess(input, deps, io.stdout);
  }
}

let fastServed = false;
// Whether this process ran one of the everyday commands without yargs (bin/awsx.js
// keeps the code cache of such a run).
export const servedFast = (): boolean => fastServed;

// Run one awsx command and return its exit status; never calls process.exit.
// The everyday commands skip yargs (it costs more than the rest of a warm run).
export async function run(io: MainIo): Promise<number> {
  let fast: FastCommand | undefined;
  try {
    fast = parseFast(io.argv);
  } catch (e) {
    if (!(e instanceof FastUsageError)) throw e;
    const logger = createLogger({ write: io.stderr, logFile: io.env.AWSX_LOG_FILE });
    return reportError(new AwsxError("E_USAGE", e.message), logger);
  }
  if (!fast) return (await import("./main.js")).main(io);
  fastServed = true;
  const logger = createLogger({ debug: debugWanted(fast.flags.debug, io.env), quiet: Boolean(fast.flags.quiet), write: io.stderr, logFile: io.env.AWSX_LOG_FILE });
  try {
    const settings = readSettings(io.env);
    return await runFast(fast, { env: io.env, settings, logger, now: () => new Date() }, io);
  } catch (e) {
    return reportError(e, logger);
  }
}

// The process entry, used by bin/awsx.js.
export async function cli(): Promise<void> {
  const code = await run({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
  });
  process.exitCode = code;
  // The command is over: a keychain call that never answered (its thread is stuck in
  // libsecret) must not keep awsx alive. Normal runs have exited long before this fires.
  setTimeout(() => process.exit(code), 200).unref();
}
