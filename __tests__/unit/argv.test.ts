// splitCommandArgv: where awsx's own arguments end and the child's command begins.
import { splitCommandArgv } from "../../src/cli/argv.js";
import { VALUE_FLAGS as VALUE_OPTIONS } from "../../src/cli/options.js";
const split = (line: string[]) => splitCommandArgv(line, ["exec"], VALUE_OPTIONS);

type Row = [string, string[], string[], string[] | undefined];
const ROWS: Row[] = [
  ["-- separates the command", ["exec", "prod", "--", "aws", "s3", "ls", "--recursive"], ["exec", "prod"], ["aws", "s3", "ls", "--recursive"]],
  ["no --: the first word after the profile starts the command", ["exec", "prod", "aws", "s3", "ls", "--recursive"], ["exec", "prod"], ["aws", "s3", "ls", "--recursive"]],
  [
    "global flag before exec and a value option before the profile",
    ["--debug", "exec", "--mfa-token", "987123", "prod", "ls", "-la"],
    ["--debug", "exec", "--mfa-token", "987123", "prod"],
    ["ls", "-la"],
  ],
  ["--region VALUE before the profile", ["exec", "--region", "eu-west-1", "prod", "--", "x"], ["exec", "--region", "eu-west-1", "prod"], ["x"]],
  ["-r VALUE and -d VALUE", ["exec", "-r", "eu-west-1", "-d", "3600", "prod", "env"], ["exec", "-r", "eu-west-1", "-d", "3600", "prod"], ["env"]],
  ["--region=VALUE does not consume the next word", ["exec", "--region=eu-west-1", "prod", "cmd"], ["exec", "--region=eu-west-1", "prod"], ["cmd"]],
  ["no command", ["exec", "prod"], ["exec", "prod"], undefined],
  ["no command, options only", ["exec", "--backend", "memory", "prod", "--no-cache"], ["exec", "--backend", "memory", "prod", "--no-cache"], undefined],
  ["boolean flag before the profile", ["exec", "--force", "prod", "sh", "-c", "x"], ["exec", "--force", "prod"], ["sh", "-c", "x"]],
  ["awsx options between profile and --", ["exec", "prod", "--mfa-token", "987123", "--no-prompt", "--", "cmd", "--region", "x"], ["exec", "prod", "--mfa-token", "987123", "--no-prompt"], ["cmd", "--region", "x"]],
  ["the child's own options after the command stay the child's", ["exec", "prod", "aws", "--region", "us-east-1", "--debug"], ["exec", "prod"], ["aws", "--region", "us-east-1", "--debug"]],
  ["a profile named like the --region value", ["exec", "--region", "eu-west-1", "eu-west-1", "aws", "sts"], ["exec", "--region", "eu-west-1", "eu-west-1"], ["aws", "sts"]],
  ["a profile named exec", ["exec", "exec", "--", "ls"], ["exec", "exec"], ["ls"]],
  ["an option value spelled exec is not the command", ["--region", "exec", "exec", "prod", "ls"], ["--region", "exec", "exec", "prod"], ["ls"]],
  ["a profile named -", ["exec", "-", "ls"], ["exec", "-"], ["ls"]],
  ["-- right after the profile, nothing after it", ["exec", "prod", "--"], ["exec", "prod"], []],
  ["a second -- belongs to the child", ["exec", "prod", "--", "--", "x"], ["exec", "prod"], ["--", "x"]],
  ["-- before any profile", ["exec", "--", "prod", "ls"], ["exec"], ["prod", "ls"]],
  ["env does not split", ["env", "prod"], ["env", "prod"], undefined],
  ["env with extra words does not split", ["env", "prod", "--format", "fish"], ["env", "prod", "--format", "fish"], undefined],
  ["exec as a value of --format under env", ["env", "--format", "exec", "prod", "x"], ["env", "--format", "exec", "prod", "x"], undefined],
  ["no command word at all", ["--version"], ["--version"], undefined],
  ["empty argv", [], [], undefined],
];

describe("splitCommandArgv", () => {
  it("uses the value flags the CLI declares", () => {
    expect([...VALUE_OPTIONS].sort()).toEqual(["--backend", "--duration", "--format", "--mfa-token", "--region", "-d", "-f", "-r"]);
  });

  it.each(ROWS)("%s", (_name, argv, awsx, command) => {
    const before = [...argv];
    expect(split(argv)).toEqual({ awsx, command });
    expect(argv).toEqual(before);
  });

  it("a command word not in the list is never split", () => {
    expect(splitCommandArgv(["exec", "prod", "ls"], ["run"], VALUE_OPTIONS)).toEqual({ awsx: ["exec", "prod", "ls"], command: undefined });
  });

  // yargs reads `--cache false` (and `--force true`) as a boolean with a value, so the split
  // should skip "false" too; it takes it for the profile instead. Minor bug in src/cli/argv.ts.
  it("a boolean flag given an explicit true/false value", () => {
    expect(split(["exec", "--cache", "false", "prod", "ls"])).toEqual({ awsx: ["exec", "--cache", "false", "prod"], command: ["ls"] });
  });

  it("an option unknown to the value list does not swallow the profile", () => {
    // --mystery is not a value option, so `x` is the profile and `prod` starts the command.
    expect(split(["exec", "--mystery", "x", "prod"])).toEqual({ awsx: ["exec", "--mystery", "x"], command: ["prod"] });
  });
});
