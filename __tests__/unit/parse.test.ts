// The command line, read from the command table: which command, its input, where exec's
// child command starts, help and version; every bad line a one-line usage error.
import { isAwsxError } from "../../src/errors.js";
import { TABLE } from "../../src/cli/commands/index.js";
import { parseCommandLine, tableOf, type Parsed } from "../../src/cli/parse.js";

const table = tableOf(TABLE);
const parse = (argv: string[]): Parsed => parseCommandLine(argv, table);

// What a run row expects: the command's name and its input (exactly).
type Run = [string, string[], string, Record<string, unknown>];
const RUNS: Run[] = [
  [
    "-- separates the command",
    ["exec", "prod", "--", "aws", "s3", "ls", "--recursive"],
    "exec",
    { profile: "prod", rest: ["aws", "s3", "ls", "--recursive"] },
  ],
  [
    "no --: the first word after the profile starts the command",
    ["exec", "prod", "aws", "s3", "ls", "--recursive"],
    "exec",
    { profile: "prod", rest: ["aws", "s3", "ls", "--recursive"] },
  ],
  [
    "global option before exec, value option before the profile",
    ["--debug", "exec", "--mfa-token", "987123", "prod", "ls", "-la"],
    "exec",
    { debug: true, mfaToken: "987123", profile: "prod", rest: ["ls", "-la"] },
  ],
  [
    "--region VALUE before the profile",
    ["exec", "--region", "eu-west-1", "prod", "--", "x"],
    "exec",
    { region: "eu-west-1", profile: "prod", rest: ["x"] },
  ],
  [
    "-r VALUE and -d VALUE; the duration is a number",
    ["exec", "-r", "eu-west-1", "-d", "3600", "prod", "env"],
    "exec",
    { region: "eu-west-1", duration: 3600, profile: "prod", rest: ["env"] },
  ],
  ...(
    [
      ["1h", 3600],
      ["90m", 5400],
      ["3600s", 3600],
      ["1h30m", 5400],
      ["2h0m15s", 7215],
    ] as const
  ).map(
    ([d, seconds]): Run => [
      `--duration ${d} as aws-vault writes it is ${seconds} s`,
      ["exec", `--duration=${d}`, "prod"],
      "exec",
      { duration: seconds, profile: "prod" },
    ],
  ),
  [
    "--region=VALUE does not take the next word",
    ["exec", "--region=eu-west-1", "prod", "cmd"],
    "exec",
    { region: "eu-west-1", profile: "prod", rest: ["cmd"] },
  ],
  [
    "a short group: -qr VALUE",
    ["exec", "-qr", "eu-west-1", "prod"],
    "exec",
    { quiet: true, region: "eu-west-1", profile: "prod" },
  ],
  ["no command: rest undefined (the shell)", ["exec", "prod"], "exec", { profile: "prod" }],
  [
    "no command, options only",
    ["exec", "--backend", "memory", "prod", "--no-cache"],
    "exec",
    { backend: "memory", profile: "prod", cache: false },
  ],
  [
    "boolean option before the profile",
    ["exec", "--force", "prod", "sh", "-c", "x"],
    "exec",
    { force: true, profile: "prod", rest: ["sh", "-c", "x"] },
  ],
  [
    "awsx options between profile and --",
    ["exec", "prod", "--mfa-token", "987123", "--no-prompt", "--", "cmd", "--region", "x"],
    "exec",
    { profile: "prod", mfaToken: "987123", prompt: false, rest: ["cmd", "--region", "x"] },
  ],
  [
    "the child's own options stay the child's",
    ["exec", "prod", "aws", "--region", "us-east-1", "--debug", "--help"],
    "exec",
    { profile: "prod", rest: ["aws", "--region", "us-east-1", "--debug", "--help"] },
  ],
  [
    "the child's flags after --, help included",
    ["exec", "prod", "--", "x", "--help", "--version"],
    "exec",
    { profile: "prod", rest: ["x", "--help", "--version"] },
  ],
  [
    "a profile named like the --region value",
    ["exec", "--region", "eu-west-1", "eu-west-1", "aws", "sts"],
    "exec",
    { region: "eu-west-1", profile: "eu-west-1", rest: ["aws", "sts"] },
  ],
  ["a profile named exec", ["exec", "exec", "--", "ls"], "exec", { profile: "exec", rest: ["ls"] }],
  [
    "an option value spelled exec is a value",
    ["--region", "exec", "exec", "prod", "ls"],
    "exec",
    { region: "exec", profile: "prod", rest: ["ls"] },
  ],
  ["a profile named -", ["exec", "-", "ls"], "exec", { profile: "-", rest: ["ls"] }],
  [
    "-- right after the profile, nothing after it",
    ["exec", "prod", "--"],
    "exec",
    { profile: "prod", rest: [] },
  ],
  [
    "a second -- belongs to the child",
    ["exec", "prod", "--", "--", "x"],
    "exec",
    { profile: "prod", rest: ["--", "x"] },
  ],
  [
    "-- inside the child's words is the child's",
    ["exec", "prod", "ls", "--", "-x"],
    "exec",
    { profile: "prod", rest: ["ls", "--", "-x"] },
  ],
  [
    "an empty command name after --",
    ["exec", "prod", "--", ""],
    "exec",
    { profile: "prod", rest: [""] },
  ],
  [
    "--cache false: the word is the option's value",
    ["exec", "--cache", "false", "prod", "ls"],
    "exec",
    { cache: false, profile: "prod", rest: ["ls"] },
  ],
  [
    "--cache true after the profile, then the child",
    ["exec", "prod", "--cache", "true", "ls"],
    "exec",
    { cache: true, profile: "prod", rest: ["ls"] },
  ],
  [
    "--prompt=zenity (a driver, as aws-vault's --prompt)",
    ["exec", "--prompt=zenity", "prod"],
    "exec",
    { prompt: "zenity", profile: "prod" },
  ],
  [
    "--prompt ykman before the profile: the word is the option's value",
    ["credential-process", "--prompt", "ykman", "prod"],
    "credential-process",
    { prompt: "ykman", profile: "prod" },
  ],
  [
    "--mfa-session=true",
    ["exec", "--mfa-session=true", "prod"],
    "exec",
    { mfaSession: true, profile: "prod" },
  ],
  ["-q false", ["-q", "false", "exec", "prod"], "exec", { quiet: false, profile: "prod" }],
  [
    "--no-cache then the word true: the child `true`",
    ["exec", "prod", "--no-cache", "true"],
    "exec",
    { cache: false, profile: "prod", rest: ["true"] },
  ],
  [
    "a boolean followed by another word: that word is the profile",
    ["exec", "--cache", "maybe", "foo"],
    "exec",
    { cache: true, profile: "maybe", rest: ["foo"] },
  ],
  [
    "an empty --region value",
    ["exec", "--region=", "prod"],
    "exec",
    { region: "", profile: "prod" },
  ],
  ["env: --format defaults to sh", ["env", "prod"], "env", { profile: "prod", format: "sh" }],
  [
    "env -f fish after the profile",
    ["env", "prod", "-f", "fish"],
    "env",
    { profile: "prod", format: "fish" },
  ],
  [
    "env: a profile that starts with - after --",
    ["env", "--", "-odd"],
    "env",
    { profile: "-odd", format: "sh" },
  ],
  [
    "credential-process",
    ["credential-process", "--no-mfa-session", "prod"],
    "credential-process",
    { mfaSession: false, profile: "prod" },
  ],
  ["whoami --json", ["whoami", "prod", "--json"], "whoami", { profile: "prod", json: true }],
  [
    "explain with a credential option",
    ["explain", "-r", "eu-west-1", "prod"],
    "explain",
    { region: "eu-west-1", profile: "prod" },
  ],
  [
    "login --path --open",
    ["login", "prod", "--path", "s3/home", "--open"],
    "login",
    { profile: "prod", path: "s3/home", open: true },
  ],
  [
    "list --json --backend",
    ["list", "--json", "--backend", "memory"],
    "list",
    { json: true, backend: "memory" },
  ],
  ["clear without a profile", ["clear"], "clear", {}],
  ["clear a profile, quietly", ["clear", "-q", "prod"], "clear", { quiet: true, profile: "prod" }],
  ["completion zsh", ["completion", "zsh"], "completion", { shell: "zsh" }],
  ["help exec is the help command", ["help", "exec"], "help", { command: "exec" }],
  [
    "__complete takes every word after --",
    ["__complete", "--", "exec", "--re"],
    "__complete",
    { rest: ["exec", "--re"] },
  ],
  [
    "--each takes PROFILE's place: the command starts at --",
    ["exec", "--each", "prod-*", "--each", "staging", "--", "aws", "s3", "ls"],
    "exec",
    { each: ["prod-*", "staging"], rest: ["aws", "s3", "ls"] },
  ],
  [
    "--each-from and --each-sync, -j and --timeout",
    ["exec", "--each-from", "-", "--each-sync", "acme", "-j", "8", "--timeout", "1m", "--", "x"],
    "exec",
    { eachFrom: ["-"], eachSync: ["acme"], jobs: "8", timeout: 60, rest: ["x"] },
  ],
  [
    "a profile named like a glob, without --each, is a profile",
    ["exec", "prod-*", "ls"],
    "exec",
    { profile: "prod-*", rest: ["ls"] },
  ],
];

// What an error row expects: the whole message after `awsx: `.
type Bad = [string, string[], string];
const BAD: Bad[] = [
  [
    "--each with a word before --: never a profile, never the command",
    ["exec", "--each", "prod-*", "staging", "--", "ls"],
    'unexpected argument "staging": with --each, ' +
      "awsx exec takes no profile and the command goes after --; see awsx exec --help",
  ],
  [
    "--each with the command not after --",
    ["exec", "--each", "prod-*", "aws", "s3", "ls"],
    'unexpected argument "aws": with --each, awsx exec takes no profile and the command goes ' +
      "after --; see awsx exec --help",
  ],
  [
    "a value option followed by a dash and a newline: quoted, one line",
    ["exec", "--backend", "-\n", "exec"],
    '--backend needs a value, not the option "-\\n" (write "--backend=-\\n" for a value that ' +
      "starts with -); see awsx exec --help",
  ],
  ["no command at all", [], "name a command, e.g. awsx exec PROFILE -- COMMAND; see awsx --help"],
  [
    "only a global option",
    ["--debug"],
    "name a command, e.g. awsx exec PROFILE -- COMMAND; see awsx --help",
  ],
  [
    "-- before any command",
    ["--", "exec", "prod"],
    "name a command, e.g. awsx exec PROFILE -- COMMAND; see awsx --help",
  ],
  ["unknown command", ["frobnicate", "foo"], 'unknown command "frobnicate"; see awsx --help'],
  [
    "unknown command one edit away",
    ["exc", "foo"],
    'unknown command "exc" (did you mean exec?); see awsx --help',
  ],
  [
    "unknown command, two letters swapped",
    ["wohami", "foo"],
    'unknown command "wohami" (did you mean whoami?); see awsx --help',
  ],
  [
    "unknown command, a prefix",
    ["cred", "foo"],
    'unknown command "cred" (did you mean credential-process?); see awsx --help',
  ],
  ["a hidden command is never suggested", ["__comp"], 'unknown command "__comp"; see awsx --help'],
  [
    "explain without a profile (exec, env and login without one are checked when they run: " +
      "a terminal picks one, and env --unset takes none)",
    ["explain"],
    "awsx explain needs a profile: awsx explain PROFILE; see awsx explain --help",
  ],
  [
    "unknown option after the profile",
    ["exec", "--backend", "none", "foo", "--bogus-flag", "--", "x"],
    "unknown option --bogus-flag for awsx exec; see awsx exec --help",
  ],
  [
    "unknown option before the profile",
    ["exec", "--bogus-flag", "foo", "--", "x"],
    "unknown option --bogus-flag for awsx exec; see awsx exec --help",
  ],
  [
    "an unknown option does not take the profile",
    ["exec", "--mystery", "x", "prod"],
    "unknown option --mystery for awsx exec; see awsx exec --help",
  ],
  [
    "unknown option with =value",
    ["exec", "--bogus=1", "foo"],
    "unknown option --bogus for awsx exec; see awsx exec --help",
  ],
  [
    "unknown short option",
    ["exec", "--backend", "none", "-x", "--", "true"],
    "unknown option -x for awsx exec; see awsx exec --help",
  ],
  [
    "unknown letter in a short group",
    ["exec", "-qz", "foo"],
    "unknown option -z for awsx exec; see awsx exec --help",
  ],
  [
    "another command's option",
    ["exec", "--format", "sh", "foo"],
    "unknown option --format for awsx exec; see awsx exec --help",
  ],
  [
    "a command's option before another command",
    ["--unset", "exec", "foo"],
    "unknown option --unset for awsx exec; see awsx exec --help",
  ],
  [
    "whoami with an unknown option",
    ["whoami", "foo", "--x"],
    "unknown option --x for awsx whoami; see awsx whoami --help",
  ],
  [
    "--no- of a value option",
    ["exec", "--no-region", "foo"],
    "unknown option --no-region for awsx exec; see awsx exec --help",
  ],
  [
    "a value option at the end",
    ["exec", "--region"],
    "--region needs a value; see awsx exec --help",
  ],
  [
    "a short value option at the end of a group",
    ["exec", "foo", "-qr"],
    "-r needs a value; see awsx exec --help",
  ],
  [
    "a short value option followed by a negative number",
    ["exec", "-d", "-1", "foo"],
    "-d needs a value, not the option -1 (write --duration=-1 for a value that starts with -); " +
      "see awsx exec --help",
  ],
  [
    "a value option followed by an option",
    ["exec", "--region", "--debug", "foo"],
    "--region needs a value, not the option --debug (write --region=--debug for a value that " +
      "starts with -); see awsx exec --help",
  ],
  [
    "a value outside the choices",
    ["exec", "--backend", "tape", "foo", "--", "true"],
    '--backend must be one of keychain, file, memory, none, not "tape"; see awsx exec --help',
  ],
  [
    "--prompt with an unknown driver (the old boolean spelling included)",
    ["exec", "--prompt=false", "foo", "--", "true"],
    '--prompt must be one of auto, terminal, ykman, zenity, kdialog, osascript, not "false"; ' +
      "see awsx exec --help",
  ],
  [
    "env --format exec",
    ["env", "--format", "exec", "prod"],
    '--format must be one of sh, fish, powershell, dotenv, json, not "exec"; see awsx env --help',
  ],
  [
    "--duration not a number",
    ["exec", "--duration", "abc", "foo", "--", "true"],
    '--duration must be a number of seconds or a duration such as 1h, 90m, 3600s, not "abc"; ' +
      "see awsx exec --help",
  ],
  [
    "--duration empty",
    ["exec", "--duration=", "foo"],
    '--duration must be a number of seconds or a duration such as 1h, 90m, 3600s, not ""; ' +
      "see awsx exec --help",
  ],
  [
    "--duration with a unit awsx does not know (a day)",
    ["exec", "--duration", "1d", "foo"],
    '--duration must be a number of seconds or a duration such as 1h, 90m, 3600s, not "1d"; ' +
      "see awsx exec --help",
  ],
  [
    "--duration Infinity",
    ["exec", "-d", "Infinity", "foo"],
    "--duration must be a number of seconds or a duration such as 1h, 90m, 3600s, " +
      'not "Infinity"; see awsx exec --help',
  ],
  [
    "a boolean with a value other than true/false",
    ["exec", "--cache=maybe", "foo"],
    '--cache takes true or false, not "maybe"; see awsx exec --help',
  ],
  [
    "a --no- boolean with a value",
    ["exec", "--no-cache=false", "foo"],
    "--no-cache takes no value; see awsx exec --help",
  ],
  [
    "extra word after env's profile",
    ["env", "prod", "extra"],
    'unexpected argument "extra" for awsx env; see awsx env --help',
  ],
  [
    "list takes no word",
    ["list", "extra"],
    'unexpected argument "extra" for awsx list; see awsx list --help',
  ],
  [
    "clear takes one profile",
    ["clear", "a", "b"],
    'unexpected argument "b" for awsx clear; see awsx clear --help',
  ],
  [
    "an unknown shell",
    ["completion", "tcsh"],
    'shell must be one of bash, zsh, fish, not "tcsh"; see awsx completion --help',
  ],
  [
    "help with an option of a command",
    ["help", "--region", "x"],
    "unknown option --region for awsx help; see awsx help --help",
  ],
];

describe("parseCommandLine: runs", () => {
  it.each(RUNS)("%s", (_name, argv, command, input) => {
    const before = [...argv];
    const parsed = parse(argv);
    expect(parsed.kind === "run" && { command: parsed.command.name, input: parsed.input }).toEqual({
      command,
      input,
    });
    expect(argv).toEqual(before);
  });
});

describe("parseCommandLine: help and version", () => {
  const help = (name?: string) => ({
    kind: "help",
    command: name && TABLE.find((c) => c.name === name),
  });
  it.each<[string[], object]>([
    [["--help"], help()],
    [["-h"], help()],
    [["--debug", "--help"], help()],
    [["exec", "--help"], help("exec")],
    [["exec", "-h"], help("exec")],
    [["-h", "exec"], help("exec")],
    [["exec", "prod", "--help"], help("exec")],
    [["exec", "--bogus", "--help"], help("exec")],
    [["env", "--format", "xml", "-h"], help("env")],
    [["--version"], { kind: "version" }],
    [["exec", "--version"], { kind: "version" }],
  ])("%j", (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  // The command picks one on a terminal or gives the usage error (pickProfile.ts).
  it.each<[string[], Record<string, unknown>]>([
    [["exec"], {}],
    [["exec", "--backend", "none"], { backend: "none" }],
    [["exec", "--", "prod", "ls"], { rest: ["prod", "ls"] }],
    [["login", "--open"], { open: true }],
  ])("%j: no profile is left for the command to pick", (argv, input) => {
    const parsed = parse(argv);
    expect(parsed).toMatchObject({ kind: "run", input });
    expect(parsed.kind === "run" && parsed.input.profile).toBeUndefined();
  });

  it("help after the child's start is the child's", () => {
    expect(parse(["exec", "prod", "ls", "--help"])).toMatchObject({
      kind: "run",
      input: { rest: ["ls", "--help"] },
    });
  });
});

describe("parseCommandLine: usage errors", () => {
  it.each(BAD)("%s", (_name, argv, message) => {
    let error: unknown;
    try {
      parse(argv);
    } catch (e) {
      error = e;
    }
    expect(isAwsxError(error) && { code: error.code, message: error.message }).toEqual({
      code: "E_USAGE",
      message,
    });
  });

  it("every message is one line naming what to read, never parseArgs' own words", () => {
    for (const [, argv] of BAD) {
      const message = (() => {
        try {
          parse(argv);
          return "";
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(message).toMatch(/^[^\n]+; see awsx( [a-z_-]+)? --help$/);
      expect(message).not.toMatch(
        /To specify|argument is ambiguous|ERR_PARSE_ARGS|Unknown option '/,
      );
    }
  });
});
