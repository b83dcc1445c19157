import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import type { OptionSpec } from "./options.js";

// One word (or one letter of a short group) of the command line, as node:util.parseArgs
// reports it; index is its place in the argv it was given.
export type Token =
  | {
      kind: "option";
      name: string;
      rawName: string;
      index: number;
      value?: string;
      inlineValue?: boolean;
    }
  | { kind: "positional"; index: number; value: string }
  | { kind: "option-terminator"; index: number };
// The two kinds of token awsx looks into.
export type OptionToken = Extract<Token, { kind: "option" }>;
type PositionalToken = Extract<Token, { kind: "positional" }>;

// The parseArgs options for a list of specs (a number is a string parseArgs leaves to us).
export function parseArgsOptions(specs: readonly OptionSpec[]): ParseArgsOptionsConfig {
  const config: ParseArgsOptionsConfig = {};
  for (const s of specs) {
    if (config[s.name]) continue;
    config[s.name] = {
      type: s.type === "boolean" ? "boolean" : "string",
      ...(s.short ? { short: s.short } : {}),
      ...(s.default !== undefined ? { default: s.default } : {}),
      ...(s.multiple ? { multiple: true } : {}),
    };
  }
  return config;
}

// The spec an option token stands for, and whether it was written --no-NAME.
export function specOf(
  t: OptionToken,
  specs: readonly OptionSpec[],
): { spec: OptionSpec; negated: boolean } | undefined {
  if (!t.rawName.startsWith("--")) {
    const spec = specs.find((s) => s.short === t.rawName.slice(1));
    return spec && { spec, negated: false };
  }
  const long = t.rawName.slice(2);
  const spec = specs.find((s) => s.name === long);
  if (spec) return { spec, negated: false };
  const negated = long.startsWith("no-") ? specs.find((s) => s.name === long.slice(3)) : undefined;
  return negated?.type === "boolean" ? { spec: negated, negated: true } : undefined;
}

// A command line cut into tokens, read loosely: an unknown option is a flag, a value
// option takes the next word whatever it is. It is how awsx finds the command's name, the
// profile and where exec's child command starts; the strict parse comes after.
export interface Scan {
  tokens: Token[];
  // The words in positional places, "true"/"false" taken by a boolean (`--cache false`)
  // left out; before the first `--` only.
  positionals: PositionalToken[];
  // Where the first `--` is (argv.length when there is none).
  terminator: number;
  // argv rewritten so that a strict parse reads booleans with values: --cache=false and
  // `--cache false` become --no-cache (undefined: the word is dropped).
  edits: Map<number, string | undefined>;
}

const BOOLEAN_WORDS = ["true", "false"];

// The loose reading of argv (see Scan).
export function scan(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  options: ParseArgsOptionsConfig,
): Scan {
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    allowNegative: true,
    tokens: true,
  }) as { tokens: Token[] };
  const terminator = tokens.find((t) => t.kind === "option-terminator")?.index ?? argv.length;
  const edits = new Map<number, string | undefined>();
  for (const [i, t] of tokens.entries()) {
    if (t.kind !== "option") continue;
    const found = specOf(t, specs);
    if (found?.spec.type !== "boolean" || found.negated) continue;
    const next = tokens[i + 1];
    let value: string | undefined;
    if (t.inlineValue) value = t.value;
    // A lone flag (not a letter of a group like -qr) followed by the word true or false.
    else if (
      argv[t.index] === t.rawName &&
      next?.kind === "positional" &&
      next.index === t.index + 1
    ) {
      if (BOOLEAN_WORDS.includes(next.value)) {
        value = next.value;
        edits.set(next.index, undefined);
      }
    }
    if (value === undefined || !BOOLEAN_WORDS.includes(value)) continue;
    edits.set(t.index, `--${value === "true" ? "" : "no-"}${found.spec.name}`);
  }
  const positionals = tokens.filter(
    (t): t is PositionalToken =>
      t.kind === "positional" && t.index < terminator && !edits.has(t.index),
  );
  return { tokens, positionals, terminator, edits };
}
