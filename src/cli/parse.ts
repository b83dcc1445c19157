import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import type { CommandInput, CommandSpec } from "./command.js";
import { camel, GLOBAL_OPTIONS, type OptionSpec } from "./options.js";
import { parseArgsOptions, scan, specOf, type Scan, type Token } from "./scan.js";
import { nearest } from "../util/nearest.js";
import { awsVaultHabit } from "./foreignFlags.js";
import { missingArg, shown, usageError } from "./usage.js";

// What a command line asks for.
export type Parsed =
  | { kind: "run"; command: CommandSpec; input: CommandInput }
  | { kind: "help"; command?: CommandSpec }
  | { kind: "version" };

// Every option of every command, for the loose first reading: a value option takes its
// value wherever it stands, so `awsx --region exec exec prod ls` runs ls.
export interface Table {
  commands: readonly CommandSpec[];
  specs: OptionSpec[];
  options: ParseArgsOptionsConfig;
}

// The table the parser and completion read, built once per process.
export function tableOf(commands: readonly CommandSpec[]): Table {
  const specs = [...GLOBAL_OPTIONS, ...commands.flatMap((c) => c.options)];
  return { commands, specs, options: parseArgsOptions(specs) };
}

// `awsx [options] COMMAND [options] ARGS... [--] [REST...]`, read with node:util.parseArgs
// from the command table; a usage error (AwsxError E_USAGE) for anything it does not take.
export function parseCommandLine(argv: readonly string[], table: Table): Parsed {
  const s = scan(argv, table.specs, table.options);
  const word = s.positionals[0];
  const command = word && table.commands.find((c) => c.name === word.value);
  const cut = command ? restStart(s, command, word.index) : s.terminator;
  const asked = (name: string) =>
    s.tokens.some((t) => t.kind === "option" && t.name === name && t.index < cut);
  if (asked("help") && (command || !word)) return { kind: "help", command: command || undefined };
  if (asked("version")) return { kind: "version" };
  if (!word) throw usageError("name a command, e.g. awsx exec PROFILE -- COMMAND");
  if (!command) throw unknownCommand(word.value, table.commands);
  const args = argv
    .slice(0, cut)
    .flatMap((a, i) => (i === word.index ? [] : s.edits.has(i) ? (s.edits.get(i) ?? []) : [a]));
  const input = strictInput(args, command);
  if (command.rest && cut < argv.length) {
    input.rest = argv.slice(cut === s.terminator ? cut + 1 : cut);
  }
  return { kind: "run", command, input };
}

// `awsx: unknown command "x" (did you mean y?); see awsx --help`.
export function unknownCommand(name: string, commands: readonly CommandSpec[]) {
  const guess = nearest(
    name,
    commands.filter((c) => !c.hidden).map((c) => c.name),
  );
  return usageError(
    `unknown command ${JSON.stringify(name)}${guess ? ` (did you mean ${guess}?)` : ""}`,
  );
}

// Where a command's rest (exec's child command) starts: at the first positional past its
// own words, or at the first `--`; past the end (all of it awsx's) for a command without.
function restStart(s: Scan, command: CommandSpec, at: number): number {
  if (!command.rest) return Number.POSITIVE_INFINITY;
  const replacing = command.args.flatMap((a) => a.unless ?? []);
  const given = (t: Token) => t.kind === "option" && replacing.includes(t.name);
  if (s.tokens.some((t) => given(t) && t.index < s.terminator)) return s.terminator;
  const after = s.positionals.filter((p) => p.index > at);
  return after[command.args.length]?.index ?? s.terminator;
}

// The strict parse of awsx's own part of the line (the command's name taken out).
function strictInput(args: string[], command: CommandSpec): CommandInput {
  const specs = [...GLOBAL_OPTIONS, ...command.options];
  const options = parseArgsOptions(specs);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: true,
      allowNegative: true,
    });
  } catch {
    // parseArgs' own words are not awsx's: say what is wrong from the tokens instead.
    throw diagnose(args, specs, options, command.name);
  }
  const input: CommandInput = {};
  for (const spec of specs) {
    const value = parsed.values[spec.name];
    if (value === undefined) continue;
    input[camel(spec.name)] = checkValue(spec, value, command.name);
  }
  const { positionals } = parsed;
  for (const [i, arg] of command.args.entries()) {
    const value = positionals[i];
    const instead = arg.unless?.find((name) => parsed.values[name] !== undefined);
    if (instead) {
      if (value === undefined) continue;
      throw usageError(
        `unexpected argument ${JSON.stringify(value)}: with --${instead}, awsx ${command.name} ` +
          `takes no ${arg.name} and the command goes after --`,
        command.name,
      );
    }
    if (value === undefined) {
      if (!arg.required || arg.picked) break;
      throw missingArg(command, arg.name);
    }
    if (arg.choices && !arg.choices.includes(value)) {
      throw usageError(
        `${arg.name} must be one of ${arg.choices.join(", ")}, not ${JSON.stringify(value)}`,
        command.name,
      );
    }
    input[arg.name] = value;
  }
  const extra = positionals[command.args.length];
  if (extra !== undefined) {
    throw usageError(
      `unexpected argument ${JSON.stringify(extra)} for awsx ${command.name}`,
      command.name,
    );
  }
  return input;
}

function checkValue(spec: OptionSpec, value: unknown, command: string): unknown {
  if (typeof value !== "string") return value;
  if (spec.choices && !spec.choices.includes(value)) {
    throw usageError(
      `--${spec.name} must be one of ${spec.choices.join(", ")}, not ${JSON.stringify(value)}`,
      command,
    );
  }
  if (spec.type === "duration") return durationSeconds(spec, value, command);
  return value;
}

// A duration as seconds: a plain number, or hours, minutes and seconds as aws-vault (Go's
// time.ParseDuration) takes them: 1h, 90m, 3600s, 1h30m.
function durationSeconds(spec: OptionSpec, value: string, command: string): number {
  const units = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value.trim());
  if (units && value.trim() !== "") {
    const [, h = "0", m = "0", s = "0"] = units;
    return Number(h) * 3600 + Number(m) * 60 + Number(s);
  }
  const n = Number(value);
  if (value.trim() !== "" && Number.isFinite(n)) return n;
  const what = "a number of seconds or a duration such as 1h, 90m, 3600s";
  throw usageError(`--${spec.name} must be ${what}, not ${JSON.stringify(value)}`, command);
}

// What the strict parse refused, in awsx's words.
function diagnose(
  args: string[],
  specs: OptionSpec[],
  options: ParseArgsOptionsConfig,
  command: string,
) {
  const { tokens } = scan(args, specs, options);
  const wrong = tokens.map((t) => problemOf(t, specs, command)).find((p) => p !== undefined);
  return usageError(wrong ?? `cannot read the options of awsx ${command}`, command);
}

function problemOf(t: Token, specs: OptionSpec[], command: string): string | undefined {
  if (t.kind !== "option") return undefined;
  const found = specOf(t, specs);
  const raw = t.rawName;
  if (!found) {
    const habit = awsVaultHabit(command, raw);
    return `unknown option ${shown(raw)} for awsx ${command}${habit ? ` (${habit})` : ""}`;
  }
  if (found.spec.type === "boolean") {
    if (t.value === undefined) return undefined;
    return found.negated
      ? `${raw} takes no value`
      : `${raw} takes true or false, not ${JSON.stringify(t.value)}`;
  }
  if (t.value === undefined) return `${raw} needs a value`;
  if (!t.inlineValue && t.value.startsWith("-")) {
    const spelled = `--${found.spec.name}=${t.value}`;
    const why = `write ${shown(spelled)} for a value that starts with -`;
    return `${raw} needs a value, not the option ${shown(t.value)} (${why})`;
  }
  return undefined;
}
