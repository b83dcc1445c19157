import type { CommandSpec } from "./command.js";
import { GLOBAL_OPTIONS, type OptionSpec } from "./options.js";

const WIDTH = 100;

const EPILOGUE =
  "Exit status: the child's, or awsx's own: 64 usage, 66 MFA code needed, 67 profile not found, " +
  "69 STS unreachable, 70 internal, 74 cache, 77 STS refused, 78 config, 79 credential source, " +
  "126/127 command not executable/not found, 123 exec --each: not every command succeeded, " +
  "130 Ctrl-C at a prompt. See docs/exit-codes.md.";

// Words of text in lines of at most `width` characters.
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

// Two columns: the left as given, the right wrapped beside it (under it when the left is
// too wide to leave room).
function columns(rows: Array<[string, string]>): string[] {
  const left = Math.min(Math.max(...rows.map(([l]) => l.length)), 44);
  return rows.flatMap(([l, r]) => {
    const text = wrap(r, WIDTH - left - 4);
    if (l.length > left) return [`  ${l}`, ...text.map((t) => `${" ".repeat(left + 4)}${t}`)];
    const [first = "", ...more] = text;
    return [
      `  ${l.padEnd(left)}  ${first}`.trimEnd(),
      ...more.map((t) => `${" ".repeat(left + 4)}${t}`),
    ];
  });
}

const optionRow = (o: OptionSpec): [string, string] => {
  const name = o.negatable ? `--no-${o.name}` : `--${o.name}`;
  const flag = `${o.short ? `-${o.short}, ` : "    "}${name}${o.value ? ` ${o.value}` : ""}`;
  const choices = o.choices ? ` (${o.choices.join(", ")})` : "";
  const fallback = o.default !== undefined ? ` (default: ${o.default})` : "";
  const again = o.multiple ? " (repeatable)" : "";
  return [flag, `${o.describe}${choices}${fallback}${again}`];
};

const synopsis = (c: CommandSpec) => `awsx ${c.name}${c.usage ? ` ${c.usage}` : ""}`;

// `awsx --help`: the commands and the global options.
export function mainHelp(commands: readonly CommandSpec[]): string {
  return [
    "awsx: run commands with temporary AWS credentials for a profile of ~/.aws/config",
    "",
    "Usage: awsx COMMAND [OPTIONS]",
    "",
    "Commands:",
    ...columns(commands.filter((c) => !c.hidden).map((c) => [synopsis(c), c.summary])),
    "",
    "Options:",
    ...columns(GLOBAL_OPTIONS.map(optionRow)),
    "",
    "Run awsx COMMAND --help for a command's options.",
    "",
    ...wrap(EPILOGUE, WIDTH),
    "",
  ].join("\n");
}

// `awsx COMMAND --help`: its usage, words, options and examples.
export function commandHelp(c: CommandSpec): string {
  const words: Array<[string, string]> = [
    ...c.args.map((a): [string, string] => [a.name.toUpperCase(), a.describe]),
    ...(c.rest ? [[c.rest.name.toUpperCase(), c.rest.describe] as [string, string]] : []),
  ];
  const section = (title: string, rows: Array<[string, string]>) =>
    rows.length ? ["", `${title}:`, ...columns(rows)] : [];
  return [
    `Usage: awsx ${c.name}${c.options.length ? " [OPTIONS]" : ""}${c.usage ? ` ${c.usage}` : ""}`,
    "",
    ...wrap(c.help ?? c.summary, WIDTH),
    ...section("Arguments", words),
    ...section("Options", c.options.map(optionRow)),
    ...section("Global options", GLOBAL_OPTIONS.map(optionRow)),
    ...section("Examples", c.examples ?? []),
    "",
    ...wrap(EPILOGUE, WIDTH),
    "",
  ].join("\n");
}
