// Every `awsx ...` command line in the shell examples of README.md and docs/**/*.md parses
// with the CLI's own parser and command table: a known command, known options, values among
// the choices. The ```sh/```fish/```yaml blocks are read line by line, ```console blocks by
// their `$ ` lines, ```ini blocks by their credential_process values. An example that shows
// a usage error on purpose is listed in NOT_RUNNABLE with why; that list is checked too.
import { readFileSync } from "node:fs";
import path from "node:path";
import { TABLE } from "../../src/cli/commands/index.js";
import { parseCommandLine, tableOf } from "../../src/cli/parse.js";
import { shlexSplit } from "../../src/util/shlex.js";
import {
  awsxCommands,
  EXAMPLES,
  type Example,
  markdown,
  ROOT,
  uncommented,
} from "../helpers/docExamples.js";
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
