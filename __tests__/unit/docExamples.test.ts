// Every `awsx ...` command line in the shell examples of README.md and docs/**/*.md parses
// with the CLI's own parser and command table: a known command, known options, values among
// the choices. The ```sh/```fish/```yaml blocks are read line by line, ```console blocks by
// their `$ ` lines, ```ini blocks by their credential_process values. An example that shows
// a usage error on purpose is listed in NOT_RUNNABLE with why; that list is checked too.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TABLE } from "../../src/cli/commands/index.js";
import { parseCommandLine, tableOf } from "../../src/cli/parse.js";
import { shlexSplit } from "../../src/util/shlex.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const table = tableOf(TABLE);

// Examples that are not meant to run as written, by file and the exact awsx words.
const USAGE = "shows a usage error on purpose";
const NOT_RUNNABLE: Array<[string, string, string]> = [
  ["docs/exit-codes.md", "awsx exec --x target1 -- true", USAGE],
  ["docs/commands.md", "awsx exec --x target1 -- true", USAGE],
  ["docs/commands.md", "awsx explain", USAGE],
  ["docs/commands.md", "awsx whoami target1 --x", USAGE],
  ["docs/commands.md", "awsx env target1 --format xml", USAGE],
  ["docs/commands.md", "awsx exec --duration 1x target2 -- true", USAGE],
  ["docs/commands.md", "awsx exec --region", USAGE],
  ["docs/commands.md", "awsx list target1", USAGE],
  ["docs/commands.md", "awsx exc target1", USAGE],
  [
    "docs/migrating-from-aws-vault.md",
    "awsx exec --json foo",
    "shows an aws-vault habit's pointer",
  ],
];

interface Example {
  file: string;
  line: number;
  words: string;
  // In a ```console block, the line shown after the command (its first line of output).
  shown?: string;
}

const markdown = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? markdown(path.join(dir, e.name))
      : e.name.endsWith(".md")
        ? [path.join(dir, e.name)]
        : [],
  );

// The shell lines of one file's code blocks, continuation lines joined.
type Line = { line: number; text: string; shown?: string };
function shellLines(file: string): Line[] {
  const out: Line[] = [];
  let last: Line | undefined;
  let lang: string | undefined;
  let pending: { line: number; text: string } | undefined;
  readFileSync(path.join(ROOT, file), "utf8")
    .split("\n")
    .forEach((raw, i) => {
      const fence = /^\s*```(\S*)/.exec(raw);
      if (fence) {
        lang = lang === undefined ? fence[1] || "" : undefined;
        return;
      }
      if (lang === undefined) return;
      if (lang === "console" && last && !raw.startsWith("$ ")) last.shown ??= raw;
      let text: string | undefined;
      if (["sh", "bash", "fish", "yaml"].includes(lang)) text = raw;
      else if (lang === "console") text = /^\$ (.*)/.exec(raw)?.[1] ?? (pending ? raw : undefined);
      else if (lang === "ini") text = /^\s*credential_process\s*=\s*(.*)/.exec(raw)?.[1];
      if (text === undefined) return;
      const joined = pending
        ? { line: pending.line, text: pending.text + text }
        : { line: i + 1, text };
      if (/\\$/.test(text)) pending = { ...joined, text: joined.text.slice(0, -1) };
      else {
        pending = undefined;
        last = joined;
        out.push(joined);
      }
    });
  return out;
}

// The words of each awsx command on a line: from `awsx` to the end of its simple command
// (an unquoted | ; & ) < > or `), or to the quote it was opened in.
function awsxCommands(text: string): string[] {
  const found: string[] = [];
  const start = /(^|[\s;|&(`'"])(?:npx\s+)?awsx(?=\s|$|\))/g;
  for (let m = start.exec(text); m; m = start.exec(text)) {
    const opener = m[1] === "'" || m[1] === '"' ? m[1] : undefined;
    let i = m.index + m[0].length;
    let quote: string | undefined;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (quote) {
        if (c === quote) quote = undefined;
        else if (c === "\\" && quote === '"') i++;
        continue;
      }
      if (c === opener) break;
      if (c === "'" || c === '"') quote = c;
      else if (c === "\\") i++;
      else if ("|;&)<>`".includes(c)) break;
    }
    found.push(`awsx${text.slice(m.index + m[0].length, i)}`.trim());
  }
  return found;
}

// A line without its shell comment (an unquoted # at the start of a word).
function uncommented(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "\\") i++;
    else if (c === "#" && /\s/.test(text[i - 1] ?? " ")) return text.slice(0, i);
  }
  return text;
}

const EXAMPLES: Example[] = ["README.md", ...markdown("docs")].flatMap((file) =>
  shellLines(file).flatMap(({ line, text, shown }) =>
    awsxCommands(uncommented(text)).map((words) => ({ file, line, words, shown })),
  ),
);

const problem = (e: Example): string | undefined => {
  try {
    const parsed = parseCommandLine(shlexSplit(e.words).slice(1), table);
    return parsed.kind === "run" || parsed.kind === "help" || parsed.kind === "version"
      ? undefined
      : "not a command";
  } catch (err) {
    return (err as Error).message;
  }
};
const listed = (e: Example) => NOT_RUNNABLE.some(([f, w]) => f === e.file && w === e.words);

describe("awsx command lines in the docs", () => {
  it("finds them (README and docs hold many)", () => {
    expect(EXAMPLES.length).toBeGreaterThan(100);
    expect(new Set(EXAMPLES.map((e) => e.file)).size).toBeGreaterThan(10);
  });

  it("each parses: a known command with known options", () => {
    const bad = EXAMPLES.filter((e) => !listed(e))
      .map((e) => ({ at: `${e.file}:${e.line}`, words: e.words, problem: problem(e) }))
      .filter((b) => b.problem !== undefined);
    expect(bad).toEqual([]);
  });

  it.each(NOT_RUNNABLE)("%s: %j is there and fails to parse (%s)", (file, words) => {
    const hits = EXAMPLES.filter((e) => e.file === file && e.words === words);
    expect(hits.length).toBeGreaterThan(0);
    for (const e of hits) {
      expect(problem(e)).toBeDefined();
      // The error the page shows is the one awsx prints today.
      if (e.shown?.startsWith("awsx: ")) expect(e.shown).toBe(`awsx: ${problem(e)}`);
    }
  });

  it("a Node version in a CI example is one awsx runs on (package.json engines)", () => {
    const engines = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).engines;
    // The lowest version engines allows: its first major.minor ("^22.14.0 || >=23.7.0").
    const least = /(\d+)\.(\d+)/.exec(engines.node)!.slice(1).map(Number);
    const versions = ["README.md", ...markdown("docs")].flatMap((file) =>
      [
        ...readFileSync(path.join(ROOT, file), "utf8").matchAll(
          /(?:node-version:\s*|image:\s*node:)['"]?(\d+)(?:\.(\d+))?/g,
        ),
      ].map((m) => ({ file, major: Number(m[1]), minor: m[2] === undefined ? 99 : Number(m[2]) })),
    );
    expect(versions.length).toBeGreaterThan(0);
    const old = versions.filter(
      (v) => v.major < least[0]! || (v.major === least[0] && v.minor < least[1]!),
    );
    expect(old).toEqual([]);
  });

  it("the extraction finds awsx where a shell would run it", () => {
    expect(awsxCommands('eval "$(awsx env target1)"')).toEqual(["awsx env target1"]);
    expect(awsxCommands("awsx env P -f fish | source")).toEqual(["awsx env P -f fish"]);
    expect(awsxCommands(uncommented("npx awsx exec ci -- terraform plan # awsx x"))).toEqual([
      "awsx exec ci -- terraform plan",
    ]);
    expect(awsxCommands("aws-vault exec jon -- sh -c 'awsx add jon --env'")).toEqual([
      "awsx add jon --env",
    ]);
    expect(awsxCommands("echo awsx-test; ls ~/.awsx")).toEqual([]);
  });
});
