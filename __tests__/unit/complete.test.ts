// Completion candidates from the command table: commands, the options of the command being
// typed, option and argument choices, profile names; nothing inside exec's child command.
import { TABLE } from "../../src/cli/commands/index.js";
import { candidates } from "../../src/cli/complete.js";
import { tableOf } from "../../src/cli/parse.js";

const table = tableOf(TABLE);
const PROFILES = ["prod", "prod-eu", "target1"];
const complete = (words: string[]) => candidates(words, table, () => PROFILES);

const COMMANDS = [
  "exec",
  "env",
  "credential-process",
  "whoami",
  "explain",
  "login",
  "sso",
  "list",
  "clear",
  "add",
  "remove",
  "import",
  "rotate",
  "completion",
  "doctor",
  "export",
  "agent",
  "help",
];
const GLOBAL = ["--debug", "--quiet", "--help", "--version"];
const CREDENTIAL = [
  "--region",
  "--mfa-token",
  "--duration",
  "--backend",
  "--no-cache",
  "--no-mfa-session",
  "--prompt",
  "--no-prompt",
  "--no-session",
];

const ROWS: Array<[string, string[], string[]]> = [
  ["no words yet: every command", [], COMMANDS],
  ["an empty word: every command", [""], COMMANDS],
  ["a command's start", ["e"], ["exec", "env", "explain", "export"]],
  ["an option before any command: the global ones", ["-"], GLOBAL],
  ["a hidden command is never offered", ["__"], []],
  ["sso's subcommands", ["sso", ""], ["login", "logout", "sync"]],
  ["exec's profile", ["exec", ""], PROFILES],
  ["--each's value: profile names", ["exec", "--each", "prod"], ["prod", "prod-eu"]],
  ["exec's profile, started", ["exec", "pr"], ["prod", "prod-eu"]],
  [
    "exec's options",
    ["exec", "-"],
    [
      ...GLOBAL,
      ...CREDENTIAL,
      "--force",
      "--server",
      ...["--each", "--each-from", "--each-sync", "--dry-run", "--keep-going", "--jobs"],
      ...["--output", "--timeout", "--max"],
    ],
  ],
  ["an option's start", ["exec", "--re"], ["--region"]],
  [
    "the negated booleans",
    ["exec", "--no-"],
    ["--no-cache", "--no-mfa-session", "--no-prompt", "--no-session"],
  ],
  ["--backend's choices", ["exec", "--backend", ""], ["keychain", "file", "memory", "none"]],
  ["--backend's choices, started", ["exec", "--backend", "k"], ["keychain"]],
  [
    "--prompt's drivers",
    ["credential-process", "--prompt", ""],
    ["auto", "terminal", "ykman", "zenity", "kdialog", "osascript"],
  ],
  ["--format's choices after the profile", ["env", "prod", "--format", "f"], ["fish"]],
  ["-f's choices", ["env", "prod", "-f", ""], ["sh", "fish", "powershell", "dotenv", "json"]],
  ["a free value (--region): nothing", ["exec", "--region", ""], []],
  ["the profile after a value option", ["exec", "--region", "eu-west-1", "t"], ["target1"]],
  ["the profile after a global option before the command", ["--debug", "exec", "t"], ["target1"]],
  [
    "a value spelled like a command is a value",
    ["--region", "exec", "exec", "p"],
    ["prod", "prod-eu"],
  ],
  ["the profile after --cache false", ["exec", "--cache", "false", "p"], ["prod", "prod-eu"]],
  ["exec's child command: the shell's business", ["exec", "prod", ""], []],
  ["the child's options are the child's", ["exec", "prod", "aws", "--re"], []],
  ["after --: the child's", ["exec", "prod", "--", ""], []],
  ["after -- before the profile: nothing", ["exec", "--", "-"], []],
  ["options after the profile, before the child", ["exec", "prod", "--no-p"], ["--no-prompt"]],
  ["env takes nothing after its profile", ["env", "prod", ""], []],
  ["whoami's --json", ["whoami", "prod", "--j"], ["--json"]],
  [
    "login's own options",
    ["login", "prod", "--"],
    [...GLOBAL, ...CREDENTIAL, "--path", "--open", "--stdout"],
  ],
  ["list: no profile", ["list", ""], []],
  ["list's options", ["list", "--"], [...GLOBAL, "--json", "--backend"]],
  ["clear's optional profile", ["clear", "ta"], ["target1"]],
  ["completion's shells", ["completion", ""], ["bash", "zsh", "fish"]],
  ["help's commands", ["help", "c"], ["credential-process", "clear", "completion"]],
  ["an unknown command: nothing", ["nosuch", ""], []],
  [
    "a half-typed unknown option does not break anything",
    ["exec", "--bogus", "p"],
    ["prod", "prod-eu"],
  ],
];

describe("candidates", () => {
  it.each(ROWS)("%s", (_name, words, expected) => {
    expect(complete(words)).toEqual(expected);
  });

  it("never offers a name with a control character (C0, DEL, C1)", () => {
    const names = ["ok", "o\tk", "o\nk", "o\x1b[2Jk", "o\x7fk", "o\u009bk", "o k ‘é’"];
    expect(candidates(["exec", "o"], table, () => names)).toEqual(["ok", "o k ‘é’"]);
  });

  it("reads the profiles only when a profile is wanted", () => {
    let reads = 0;
    const count = () => {
      reads++;
      return PROFILES;
    };
    candidates(["exec", "--"], table, count);
    candidates(["e"], table, count);
    expect(reads).toBe(0);
    candidates(["exec", "p"], table, count);
    expect(reads).toBe(1);
  });
});
