import yargs, { type Argv, type Options } from "yargs";
import { AwsxError } from "../errors.js";
import { createLogger, debugWanted } from "../util/log.js";
import { splitCommandArgv } from "./argv.js";
import { loadUserConfig } from "../config/userConfig.js";
import type { Deps } from "./deps.js";
import { readSettings } from "./settings.js";
import type { EnvFormat } from "../exec/envFormat.js";
import type { MainIo } from "./entry.js";
import { CREDENTIAL_OPTIONS, ENV_OPTIONS, EXEC_OPTIONS, GLOBAL_OPTIONS, JSON_OPTION, VALUE_FLAGS, type OptionSpec } from "./options.js";
import { reportError } from "./report.js";
import { VERSION } from "./version.js";
import { BACKENDS } from "../cache/select.js";

const withOptions = (y: Argv, specs: OptionSpec[]): Argv =>
  specs.reduce(
    (acc, s) =>
      acc.option(s.name, {
        type: s.type,
        describe: s.describe,
        ...(s.alias ? { alias: s.alias } : {}),
        ...(s.choices ? { choices: [...s.choices] } : {}),
        ...(s.default !== undefined ? { default: s.default } : {}),
      } as Options),
    y,
  );

const profileArg = (y: Argv) => y.positional("profile", { type: "string", describe: "A profile of ~/.aws/config or ~/.aws/credentials", demandOption: true });

type Args = Record<string, unknown>;
const PROFILE_COMMANDS = ["exec", "env", "credential-process", "whoami", "explain", "login", "clear"];
const input = (a: Args) => ({ ...a, profile: a.profile as string }) as any;

const EPILOGUE =
  "Exit status: the child's, or awsx's own: 64 usage, 66 MFA code needed, 67 profile not found, 69 STS unreachable, 70 internal, 74 cache, 77 STS refused, 78 config, 79 credential source, 126/127 command not executable/not found. See docs/exit-codes.md.";

// The full CLI: every command, help, completion and yargs' validation. The everyday
// commands usually arrive through the fast path in entry.ts instead.
export async function main(io: MainIo): Promise<number> {
  const debug = debugWanted(io.argv.includes("--debug"), io.env);
  const quiet = io.argv.includes("--quiet") || io.argv.includes("-q");
  const logger = createLogger({ debug, quiet, write: io.stderr, logFile: io.env.AWSX_LOG_FILE });
  const split = splitCommandArgv(io.argv, ["exec"], VALUE_FLAGS);
  let deps: Deps;
  try {
    deps = { env: io.env, settings: readSettings(io.env), logger, now: () => new Date() };
  } catch (e) {
    return reportError(e, logger);
  }
  let code: number | undefined;
  const set = (p: Promise<number>) =>
    p.then((c) => {
      code = c;
    });
  const parser = withOptions(yargs(split.awsx), GLOBAL_OPTIONS)
    .scriptName("awsx")
    .version(VERSION)
    .usage("awsx: run commands with temporary AWS credentials for a profile of ~/.aws/config\n\nUsage: $0 <command> [options]")
    .command(
      "exec <profile> [command..]",
      "Run COMMAND with the profile's credentials (no command: your $SHELL). Put -- before the command.",
      (y) =>
        withOptions(profileArg(y), [...CREDENTIAL_OPTIONS, ...EXEC_OPTIONS])
          .positional("command", { type: "string", array: true, describe: "The command and its arguments" })
          .example("$0 exec target1 -- aws s3 ls", "run the AWS CLI as target1's role")
          .example("$0 exec prod -- terraform apply", "")
          .example("$0 exec prod", "start $SHELL with prod's credentials; `exit` returns"),
      (a) => set(import("./exec.js").then(({ runExec }) => runExec({ ...input(a), command: split.command ?? (a.command as string[] | undefined) }, deps))),
    )
    .command(
      "env <profile>",
      'Print the credentials as variables for eval "$(awsx env PROFILE)"',
      (y) => withOptions(profileArg(y), [...CREDENTIAL_OPTIONS, ...ENV_OPTIONS]),
      (a) => set(import("./env.js").then(({ runEnv }) => runEnv({ ...input(a), format: a.format as EnvFormat }, deps, io.stdout))),
    )
    .command(
      "credential-process <profile>",
      "Print the credential_process JSON (for `credential_process = awsx credential-process PROFILE`)",
      (y) => withOptions(profileArg(y), CREDENTIAL_OPTIONS),
      (a) => set(import("./credentialProcess.js").then(({ runCredentialProcess }) => runCredentialProcess(input(a), deps, io.stdout))),
    )
    .command(
      "whoami <profile>",
      "Show the identity (account, ARN, expiry) the profile's credentials resolve to",
      (y) => withOptions(profileArg(y), [...CREDENTIAL_OPTIONS, JSON_OPTION]),
      (a) => set(import("./whoami.js").then(({ runWhoami }) => runWhoami(input(a), deps, io.stdout))),
    )
    .command(
      "explain <profile>",
      "Show how the profile resolves (each hop, where each value came from), calling nothing",
      (y) => withOptions(profileArg(y), [...CREDENTIAL_OPTIONS, JSON_OPTION]),
      (a) => set(import("./explain.js").then(({ runExplain }) => runExplain(input(a), deps, io.stdout))),
    )
    .command(
      "login <profile>",
      "Print (or --open) an AWS console sign-in URL for the profile",
      (y) =>
        withOptions(profileArg(y), [
          ...CREDENTIAL_OPTIONS,
          { name: "path", type: "string", describe: "Console page to open: a path such as s3/home, or a full https:// URL" },
          { name: "open", type: "boolean", describe: "Open the URL in the default browser instead of printing it" },
        ]),
      (a) => set(import("./login.js").then(({ runLogin }) => runLogin(input(a), deps, io.stdout))),
    )
    .command(
      "list",
      "List profiles and cached sessions with the time they have left",
      (y) => withOptions(y, [JSON_OPTION, { name: "backend", type: "string", choices: BACKENDS, describe: "Cache backend to list" }]),
      (a) => set(import("./list.js").then(({ runList }) => runList(a as any, deps, io.stdout))),
    )
    .command(
      "clear [profile]",
      "Remove cached sessions: all, or those PROFILE's chain uses",
      (y) => withOptions(y.positional("profile", { type: "string" }), [{ name: "backend", type: "string", choices: BACKENDS, describe: "Cache backend to clear" }]),
      (a) => set(import("./list.js").then(({ runClear }) => runClear(a as any, deps))),
    )
    .completion("completion", "Print a bash/zsh completion script that completes commands, options and profile names", (current: string, argv: Args, defaults: any, done: (list: string[]) => void) => {
      defaults((_err: unknown, builtin: string[]) => {
        const words = (argv._ as unknown[]).map(String);
        // words: ["awsx", COMMAND, CURRENT] while the profile is being typed.
        const wantsProfile = words.length === 3 && PROFILE_COMMANDS.includes(words[1]!) && !current.startsWith("-");
        if (!wantsProfile) return done(builtin);
        let names: string[] = [];
        try {
          names = [...loadUserConfig(io.env).profiles.keys()].filter((n) => n.startsWith(current));
        } catch {
          // an unparsable config completes nothing
        }
        done(names);
      });
    })
    .demandCommand(1, "Name a command, e.g. awsx exec PROFILE -- COMMAND")
    // yargs' own completion request carries a flag no command declares.
    .strict(!io.argv.includes("--get-yargs-completions"))
    .recommendCommands()
    .help()
    .alias("help", "h")
    .wrap(Math.min(100, process.stdout.columns || 100))
    .epilogue(EPILOGUE)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new AwsxError("E_USAGE", `${msg.replace(/\n+/g, "; ")}; see awsx --help`);
    });
  try {
    let output = "";
    await parser.parseAsync(split.awsx, {}, (err, _argv, text) => {
      if (!err && text) output = text;
    });
    if (output) io.stdout(output + "\n");
    return code ?? 0;
  } catch (e) {
    // A half-typed command line while completing is not an error to show.
    if (io.argv.includes("--get-yargs-completions")) return 0;
    return reportError(e, logger);
  }
}
