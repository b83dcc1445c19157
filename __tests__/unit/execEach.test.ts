// awsx exec --each's pure parts: which profiles a selection names, name lists and sync
// blocks, the line splitter and the prefixed writer (bounded, exact), the summary.
import { PassThrough } from "node:stream";
import { isAwsxError } from "../../src/errors.js";
import { selectProfiles } from "../../src/exec/each/selectProfiles.js";
import { parseNameList } from "../../src/exec/each/nameList.js";
import { syncBlockNames } from "../../src/sso/syncBlockNames.js";
import { lineSplitter, MAX_LINE_BYTES } from "../../src/exec/each/lineSplitter.js";
import { createOutput } from "../../src/exec/each/output.js";
import { sinkOf } from "../../src/exec/each/sink.js";
import { summary } from "../../src/cli/commands/execEachJobs.js";

const KNOWN = [
  "prod-b",
  "prod-a",
  "staging",
  "acme/Admin",
  "acme/Read",
  "beta/Admin",
  "a*b",
  "default",
];
const pick = (
  patterns: string[],
  lists: Array<{ source: string; names: string[] }> = [],
  max = 200,
) => selectProfiles({ patterns, lists }, KNOWN, max);
const usageMessage = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isAwsxError(e) && e.code === "E_USAGE") return e.message;
    throw e;
  }
  throw new Error("no error");
};

describe("selectProfiles", () => {
  it.each([
    ["a glob, sorted", ["prod-*"], ["prod-a", "prod-b"]],
    [
      "names and globs in the order given, each once",
      ["staging", "prod-*", "prod-a"],
      ["staging", "prod-a", "prod-b"],
    ],
    ["* stays within a part between /", ["*/Admin"], ["acme/Admin", "beta/Admin"]],
    ["** (a whole part) crosses /", ["**"], [...KNOWN].sort()],
    ["braces", ["{staging,default}"], ["default", "staging"]],
    ["a profile's exact name is never read as a pattern", ["a*b"], ["a*b"]],
    ["a leading ! is a name, never 'all but'", ["!prod-a"], ["!prod-a"]],
    ["a name that is no profile is kept (resolution reports it)", ["nope"], ["nope"]],
  ])("%s", (_n, patterns, expected) => {
    expect(pick(patterns)).toEqual(expected);
  });

  it("lists are names, merged with the patterns, duplicates once", () => {
    expect(
      pick(["prod-*"], [{ source: "--each-from f", names: ["staging", "prod-b", "x*"] }]),
    ).toEqual(["prod-a", "prod-b", "staging", "x*"]);
  });

  it("a glob that matches nothing is a usage error naming it", () => {
    expect(usageMessage(() => pick(["staging", "nope-*"]))).toBe(
      '--each "nope-*" matches no profile; see the names with awsx list',
    );
  });

  it("an empty list is a usage error naming its source", () => {
    expect(usageMessage(() => pick([], [{ source: '--each-from "f"', names: [] }]))).toBe(
      '--each-from "f" names no profile',
    );
  });

  it("more profiles than --max is a usage error naming the biggest part and the way out", () => {
    const many = Array.from({ length: 300 }, (_, i) => `p${i}`);
    const f = () =>
      selectProfiles({ patterns: ["p*", "staging"], lists: [] }, [...many, "staging"], 200);
    expect(usageMessage(f)).toBe(
      'the selection holds 301 profiles (--each "p*": 300), more than --max 200; narrow it, ' +
        "or pass --max 301 to run them all",
    );
    expect(selectProfiles({ patterns: ["p*"], lists: [] }, many, 300)).toHaveLength(300);
  });
});

describe("name lists", () => {
  it("one name a line; blanks, comments and CRLF skipped; never a pattern", () => {
    const text = "# mine\r\nprod-a\r\n\n  staging  \n\tprod-*\nlast";
    expect(parseNameList(Buffer.from(text), "f")).toEqual(["prod-a", "staging", "prod-*", "last"]);
  });
  it("refuses what is not UTF-8, and more than 1 MiB", () => {
    expect(usageMessage(() => parseNameList(Buffer.from([0x70, 0xff, 0x0a]), "f"))).toMatch(
      /^f is not UTF-8 text/,
    );
    expect(usageMessage(() => parseNameList(Buffer.alloc((1 << 20) + 1, 0x61), "f"))).toMatch(
      /^f is over 1 MiB/,
    );
  });

  const config = [
    "[profile mine]",
    "region = eu-west-1",
    "# BEGIN awsx sso sync acme",
    "# note",
    "",
    "[profile acme/Admin]",
    "sso_session = acme",
    "",
    "[profile acme/Read]",
    "sso_session = acme",
    "# END awsx sso sync acme",
    "[profile after]",
  ].join("\n");
  it("--each-sync: the profiles between the session's markers only", () => {
    expect(syncBlockNames(config, "acme", "cfg")).toEqual(["acme/Admin", "acme/Read"]);
  });
  it("--each-sync of a session without a block is a usage error with the fix", () => {
    expect(usageMessage(() => syncBlockNames(config, "other", "cfg"))).toBe(
      '--each-sync "other": cfg has no block of awsx sso sync for sso-session "other"; run ' +
        "awsx sso sync --sso-session other first",
    );
  });
});

describe("lineSplitter", () => {
  const split = (chunks: Buffer[], max = MAX_LINE_BYTES) => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l.toString("latin1")), max);
    for (const c of chunks) s.push(c);
    s.end();
    return lines;
  };
  it("joins lines across chunks and keeps the unterminated last one", () => {
    expect(split([Buffer.from("a\nb"), Buffer.from("c\n\nd")])).toEqual(["a\n", "bc\n", "\n", "d"]);
  });
  it("cuts a line longer than the limit into pieces of at most the limit", () => {
    const lines = split([Buffer.alloc(10, 0x61), Buffer.from("b\n")], 4);
    expect(lines).toEqual(["aaaa", "aaaa", "aab\n"]);
  });
  it("never cuts inside a UTF-8 character", () => {
    const text = "é".repeat(5); // 10 bytes
    const lines: Buffer[] = [];
    const s = lineSplitter((l) => lines.push(l), 3);
    s.push(Buffer.from(text));
    s.end();
    expect(lines.map((l) => l.toString("utf8"))).toEqual(["é", "é", "é", "é", "é"]);
  });
  it("holds at most the limit however long a line grows", () => {
    let biggest = 0;
    const s = lineSplitter((l) => (biggest = Math.max(biggest, l.length)));
    for (let i = 0; i < 200; i++) s.push(Buffer.alloc(10_000, 0x61));
    s.end();
    expect(biggest).toBe(MAX_LINE_BYTES);
  });
});

describe("prefixed output", () => {
  it("every line carries its own profile, aligned, whatever the chunks", () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let text = "";
    stdout.on("data", (d: Buffer) => (text += d.toString()));
    const out = createOutput("prefix", ["a", "long-b"], {
      stdout: sinkOf(stdout),
      stderr: sinkOf(stderr),
      color: { stdout: false, stderr: false },
    });
    const a = out.streams("a", 0).stdout;
    const b = out.streams("long-b", 1).stdout;
    a.write(Buffer.from("one "));
    b.write(Buffer.from("x\ny"));
    a.write(Buffer.from("two\nthree"));
    b.end();
    a.end();
    expect(text).toBe("long-b | x\na      | one two\nlong-b | y\na      | three\n");
  });
  it("a name's control characters are written out, not sent to the terminal", () => {
    const stdout = new PassThrough();
    let text = "";
    stdout.on("data", (d: Buffer) => (text += d.toString()));
    const out = createOutput("prefix", ["a\x1b]0;x\x07"], {
      stdout: sinkOf(stdout),
      stderr: sinkOf(new PassThrough()),
      color: { stdout: true, stderr: false },
    });
    const s = out.streams("a\x1b]0;x\x07", 0).stdout;
    s.write(Buffer.from("hi\n"));
    expect(text).toBe("\x1b[36ma\\x1b]0;x\\x07\x1b[0m | hi\n");
  });
});

describe("summary", () => {
  it("a row per profile and the counts with the exit status", () => {
    const base = { ms: 1500, stdoutBytes: 0, stderrBytes: 0 };
    expect(
      summary(
        [
          { profile: "a", status: "exited", exitCode: 0, ...base },
          { profile: "bb", status: "exited", exitCode: 3, ...base },
          { profile: "c", status: "timedOut", signal: "SIGTERM", ...base },
          { profile: "d", status: "unresolved", why: "E_STS", ...base, ms: 0 },
        ],
        5,
      ),
    ).toBe(
      [
        "PROFILE  RESULT              TIME",
        "a        ok                  1.5s",
        "bb       exit 3              1.5s",
        "c        timed out after 5s  1.5s",
        "d        no credentials      -",
        "1 of 4 succeeded (exit 123)",
        "",
      ].join("\n"),
    );
  });
});
