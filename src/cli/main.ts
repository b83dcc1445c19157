import yargs, { type Argv } from "yargs";
import { AwsxError, isAwsxError, EXIT_CODES } from "../errors.js";
import { createLogger, type Logger } from "../util/log.js";
import { splitCommandArgv } from "./argv.js";
import type { Deps, Env } from "./context.js";
import { ENV_FORMATS, type EnvFormat } from "../exec/envFormat.js";
import { BACKENDS } from "../cache/select.js";
import { VERSION } from "./version.js";

const VALUE_OPTIONS = new Set(["--mfa-token", "--region", "--duration", "--backend", "-r", "-d", "--format", "-f"]);

const credentialOptions = (y: Argv) =>
  y
    .option("region", { alias: "r", type: "string", describe: "Region for STS and for the child (AWS_REGION/AWS_DEFAULT_REGION); default: env, then the profile's region" })
    .option("mfa-token", { type: "string", describe: "The current MFA code (else AWSX_MFA_TOKEN, else a prompt on the terminal)" })
    .option("duration", { alias: "d", type: "number", describe: "Role session length in seconds (900-43200), overriding duration_seconds" })
    .option("backend", { type: "string", choices: BACKENDS as unknown as string[], describe: "Session cache: keychain, file (encrypted), memory or none; default AWSX_BACKEND, else the keychain where it works" })
    .option("cache", { type: "boolean", default: true, describe: "Read and write the session cache (--no-cache: always call STS, store nothing)" })
    .option("mfa-session", { type: "boolean", default: true, describe: "Get one MFA'd session (GetSessionToken) and assume MFA roles from it (--no-mfa-session: assume with the code each time)" })
    .option("prompt", { type: "boolean", default: true, describe: "Ask for MFA codes on the terminal (--no-prompt: fail instead)" });

const profileArg = (y: Argv) => y.positional("profile", { type: "string", describe: "A profile of ~/.aws/config or ~/.aws/credentials", demandOption: true });

const flagsOf = (a: Record<string, unknown>) => ({
  region: a.region as string | undefined,
  mfaToken: a.mfaToken as string | undefined,
  duration: a.duration as number | undefined,
  backend: a.backend as string | undefined,
  cache: a.cache as boolean,
  mfaSession: a.mfaSession as boolean,
  prompt: a.prompt as boolean,
});

export interface MainIo {
  argv: string[];
  env: Env;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

// Parse argv, run one command, return the exit status. Never calls process.exit.
export async function main(io: MainIo): Promise<number> {
  const debug = io.argv.includes("--debug");
  const quiet = io.argv.includes("--quiet") || io.argv.includes("-q");
  const logger = createLogger({ debug, quiet, write: io.stderr });
  const split = splitCommandArgv(io.argv, ["exec"], VALUE_OPTIONS);
  const deps: Deps = { env: io.env, logger, now: () => new Date() };
  let code: number | undefined;
  const set = (p: Promise<number>) =>
    p.then((c) => {
      code = c;
    });
  const parser = yargs(split.awsx)
    .scriptName("awsx")
    .version(VERSION)
    .usage("awsx: run commands with temporary AWS credentials for a profile of ~/.aws/config\n\nUsage: $0 <command> [options]")
    .option("debug", { type: "boolean", describe: "Say on stderr which path each step took (never a secret)" })
    .option("quiet", { alias: "q", type: "boolean", describe: "Print nothing of awsx's own but errors" })
    .command(
      "exec <profile> [command..]",
      "Run COMMAND with the profile's credentials (no command: your $SHELL). Put -- before the command.",
      (y) =>
        credentialOptions(profileArg(y))
          .positional("command", { type: "string", array: true, describe: "The command and its arguments" })
          .option("force", { type: "boolean", describe: "Nest inside another awsx exec (AWSX_PROFILE already set)" })
          .example("$0 exec target1 -- aws s3 ls", "run the AWS CLI as target1's role")
          .example("$0 exec prod -- terraform apply", "")
          .example("$0 exec prod", "start $SHELL with prod's credentials; `exit` returns"),
      (a) =>
        set(
          import("./exec.js").then(({ runExec }) =>
            runExec({ ...flagsOf(a), profile: a.profile as string, command: split.command ?? (a.command as string[] | undefined), force: a.force as boolean }, deps),
          ),
        ),
    )
    .command(
      "env <profile>",
      "Print the credentials as variables for eval \"$(awsx env PROFILE)\"",
      (y) => credentialOptions(profileArg(y)).option("format", { alias: "f", choices: ENV_FORMATS as unknown as string[], default: "sh", describe: "Output syntax" }),
      (a) => set(import("./env.js").then(({ runEnv }) => runEnv({ ...flagsOf(a), profile: a.profile as string, format: a.format as EnvFormat }, deps, io.stdout))),
    )
    .command(
      "credential-process <profile>",
      "Print the credential_process JSON (for `credential_process = awsx credential-process PROFILE`)",
      (y) => credentialOptions(profileArg(y)),
      (a) => set(import("./credentialProcess.js").then(({ runCredentialProcess }) => runCredentialProcess({ ...flagsOf(a), profile: a.profile as string }, deps, io.stdout))),
    )
    .command(
      "whoami <profile>",
      "Show the identity (account, ARN, expiry) the profile's credentials resolve to",
      (y) => credentialOptions(profileArg(y)).option("json", { type: "boolean", describe: "Print JSON" }),
      (a) => set(import("./whoami.js").then(({ runWhoami }) => runWhoami({ ...flagsOf(a), profile: a.profile as string, json: a.json as boolean }, deps, io.stdout))),
    )
    .command(
      "explain <profile>",
      "Show how the profile resolves (each hop, where each value came from), calling nothing",
      (y) => credentialOptions(profileArg(y)).option("json", { type: "boolean", describe: "Print JSON" }),
      (a) => set(import("./explain.js").then(({ runExplain }) => runExplain({ ...flagsOf(a), profile: a.profile as string, json: a.json as boolean }, deps, io.stdout))),
    )
    .command(
      "list",
      "List profiles and cached sessions with the time they have left",
      (y) => y.option("json", { type: "boolean", describe: "Print JSON" }).option("backend", { type: "string", choices: BACKENDS as unknown as string[] }),
      (a) => set(import("./list.js").then(({ runList }) => runList({ backend: a.backend as string | undefined, json: a.json as boolean }, deps, io.stdout))),
    )
    .command(
      "clear [profile]",
      "Remove cached sessions: all, or those PROFILE's chain uses",
      (y) => y.positional("profile", { type: "string" }).option("backend", { type: "string", choices: BACKENDS as unknown as string[] }),
      (a) => set(import("./list.js").then(({ runClear }) => runClear({ backend: a.backend as string | undefined, profile: a.profile as string | undefined }, deps))),
    )
    .completion("completion", "Print a shell completion script (bash/zsh)", async (current, argv) => {
      const { loadUserConfig } = await import("./context.js");
      try {
        const names = [...loadUserConfig(io.env).profiles.keys()];
        return names.filter((n) => n.startsWith(current));
      } catch {
        return [];
      }
      void argv;
    })
    .demandCommand(1, "Name a command: awsx exec PROFILE -- COMMAND (see awsx --help)")
    .strict()
    .recommendCommands()
    .help()
    .alias("help", "h")
    .wrap(Math.min(100, process.stdout.columns || 100))
    .epilogue("Exit status: the child's, or awsx's own (64 usage, 66 MFA code needed, 67 profile not found, 69 STS unreachable, 74 cache, 77 STS refused, 78 config, 79 credential source). See docs/.")
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new AwsxError("E_USAGE", `${msg}; see awsx --help`);
    });
  try {
    let output = "";
    await parser.parseAsync(split.awsx, {}, (err, _argv, text) => {
      if (!err && text) output = text;
    });
    if (output) io.stdout(output + "\n");
    return code ?? 0;
  } catch (e) {
    return reportError(e, logger, debug);
  }
}

function reportError(e: unknown, logger: Logger, debug: boolean): number {
  if (isAwsxError(e)) {
    logger.error(e.message);
    if (debug && e.cause) logger.debug(`cause: ${stackOf(e.cause)}`);
    return e.exitCode;
  }
  logger.error(`internal error: ${(e as Error)?.message ?? String(e)}${debug ? "" : " (run with --debug for details)"}`);
  if (debug) logger.debug(stackOf(e));
  return EXIT_CODES.E_INTERNAL;
}

const stackOf = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e));

// The process entry, used by bin/awsx.js.
export async function cli(): Promise<void> {
  const code = await main({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
  });
  process.exitCode = code;
}
