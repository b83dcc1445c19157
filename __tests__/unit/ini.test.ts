// parseIni against expectations, and against the real thing: botocore's raw_config_parse
// (configparser.RawConfigParser reading a file + _parse_nested), run in python3.
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { parseIni, IniParseError, type IniFile } from "../../src/config/ini.js";
import { checkAll } from "../helpers/requirements.js";

type Outcome = { ok: Record<string, Record<string, unknown>> } | { error: string };

// Writes each text to its own file byte for byte (UTF-8, no newline translation on write)
// and parses it exactly as the AWS CLI does; one python process for a whole batch.
const PY = String.raw`
import json, os, sys, tempfile, shutil
from botocore.configloader import raw_config_parse
cases = json.loads(sys.stdin.buffer.read().decode("utf-8"))
out = []
d = tempfile.mkdtemp(prefix="awsx-ini-")
try:
    for i, text in enumerate(cases):
        p = os.path.join(d, "c%d" % i)
        with open(p, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        try:
            out.append({"ok": raw_config_parse(p)})
        except Exception as e:
            out.append({"error": type(e).__name__ + ": " + str(e)})
finally:
    shutil.rmtree(d)
sys.stdout.write(json.dumps(out))
`;

function pyParse(texts: string[]): Outcome[] {
  const r = spawnSync("python3", ["-c", PY], {
    input: JSON.stringify(texts),
    encoding: "utf-8",
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
    // The CLI reads config files in the locale encoding; pin it to UTF-8 so the run is deterministic.
    env: { ...process.env, PYTHONUTF8: "1", PYTHONIOENCODING: "utf-8", LC_ALL: "C.UTF-8" },
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as Outcome[];
  expect(out).toHaveLength(texts.length);
  return out;
}

const toObject = (ini: IniFile): Record<string, Record<string, unknown>> => Object.fromEntries(ini);

function tsParse(text: string): Outcome {
  try {
    return { ok: toObject(parseIni(text)) };
  } catch (e) {
    if (!(e instanceof IniParseError)) throw e;
    return { error: e.message };
  }
}

// Errors compare as "both failed"; successes compare section by section, key by key.
const normalize = (o: Outcome): unknown => ("error" in o ? "ERROR" : o.ok);

const python = await checkAll({
  name: "python3 with botocore",
  probe: () =>
    spawnSync("python3", ["-c", "import botocore.configloader"], {
      stdio: "ignore",
      timeout: 15_000,
    }).status === 0,
  hint: "install python3 and botocore (pip install botocore) to compare with the AWS CLI's parser",
});
const describePy = python ? describe : describe.skip;

// [name, text, expected parseIni result as an object, or "error"]
type Case = [string, string, Record<string, Record<string, unknown>> | "error"];
const CASES: Case[] = [
  ["empty file", "", {}],
  ["comments only", "# a\n; b\n\n", {}],
  [
    "full-line # and ; comments",
    "# top\n; top\n[default]\n# c\na = 1\n  ; indented comment\nb = 2\n",
    { default: { a: "1", b: "2" } },
  ],
  [
    "inline # is part of the value",
    "[default]\nregion = us-east-1 # prod\n",
    { default: { region: "us-east-1 # prod" } },
  ],
  ["inline ; is part of the value", "[p]\na = b ; c\n", { p: { a: "b ; c" } }],
  [": is a delimiter", "[p]\nregion: eu-west-1\n", { p: { region: "eu-west-1" } }],
  ["first delimiter wins (:)", "[p]\na:b=c\n", { p: { a: "b=c" } }],
  ["first delimiter wins (=)", "[p]\na=b:c\n", { p: { a: "b:c" } }],
  ["value containing = signs", "[p]\na = b = c\n", { p: { a: "b = c" } }],
  [
    "keys are lower-cased, section names are not",
    "[Profile X]\nAWS_Access_Key_ID = AKIDEXAMPLE\n",
    { "Profile X": { aws_access_key_id: "AKIDEXAMPLE" } },
  ],
  ["key with inner spaces", "[p]\nmy key = v\n", { p: { "my key": "v" } }],
  ["# inside a key", "[p]\na#b = 1\n", { p: { "a#b": "1" } }],
  ["empty value", "[p]\na =\nb=\n", { p: { a: "", b: "" } }],
  [
    "continuation lines",
    "[p]\na = one\n  two\n\tthree\nb = 2\n",
    { p: { a: "one\ntwo\nthree", b: "2" } },
  ],
  [
    "empty lines inside a value",
    "[p]\na = one\n\n  two\nb = 3\n",
    { p: { a: "one\n\ntwo", b: "3" } },
  ],
  ["whitespace-only lines inside a value", "[p]\na = 1\n   \n\t\n  b\n", { p: { a: "1\n\n\nb" } }],
  ["trailing empty lines are dropped", "[p]\na = one\n\n\n", { p: { a: "one" } }],
  [
    "comment lines inside a value are skipped",
    "[p]\na = one\n  # c\n  two\n",
    { p: { a: "one\ntwo" } },
  ],
  ["less-indented line ends a continuation", "[p]\n  a = 1\n b = 2\n", { p: { a: "1", b: "2" } }],
  [
    "indented header after an option is a continuation",
    "[p]\na = 1\n  [q]\n",
    { p: { a: "1\n[q]" } },
  ],
  [
    "header at the option's indent is a header",
    "[p]\n  a = 1\n  [q]\n  b = 2\n",
    { p: { a: "1" }, q: { b: "2" } },
  ],
  [
    "[DEFAULT] applies to every section, the section wins",
    "[DEFAULT]\nregion = x\nk = d\n[a]\nk = 1\n[b]\nregion = y\n",
    { a: { region: "x", k: "1" }, b: { region: "y", k: "d" } },
  ],
  ["[DEFAULT] alone yields no section", "[DEFAULT]\nregion = x\n", {}],
  [
    "[DEFAULT] twice with different keys",
    "[DEFAULT]\na = 1\n[DEFAULT]\nb = 2\n[s]\n",
    { s: { a: "1", b: "2" } },
  ],
  ["[DEFAULT] twice with the same key", "[DEFAULT]\na = 1\n[DEFAULT]\na = 2\n[s]\n", "error"],
  ["[default] is an ordinary section", "[default]\na = 1\n[s]\n", { default: { a: "1" }, s: {} }],
  ["duplicate section", "[p]\na = 1\n[q]\n[p]\nb = 2\n", "error"],
  ["duplicate key", "[p]\na = 1\na = 2\n", "error"],
  ["duplicate key differing in case", "[p]\nRegion = 1\nregion = 2\n", "error"],
  ["same key in two sections", "[p]\na = 1\n[q]\na = 2\n", { p: { a: "1" }, q: { a: "2" } }],
  ["line before any section", "a = 1\n[p]\n", "error"],
  ["comment before a section is fine", "# a = 1\n[p]\n", { p: {} }],
  ["key without =", "[p]\njustakey\n", "error"],
  ["= value without a key", "[p]\n= value\n", "error"],
  [": value without a key", "[p]\n: value\n", "error"],
  ["[] is not a header", "[p]\n[]\n", "error"],
  ["CRLF", "[p]\r\na = 1\r\n  b\r\nc = 2\r\n", { p: { a: "1\nb", c: "2" } }],
  ["lone CR", "[p]\ra = 1\rb = 2\r", { p: { a: "1", b: "2" } }],
  ["mixed line ends", "[p]\ra = 1\r\nb = 2\n  x\r", { p: { a: "1", b: "2\nx" } }],
  ["BOM at file start", "\ufeff[default]\na = 1\n", "error"],
  ["BOM before a comment", "\ufeff# c\n[default]\n", "error"],
  [
    "tabs around key and value",
    "[p]\n\taws_region\t=\teu-west-1\t\n",
    { p: { aws_region: "eu-west-1" } },
  ],
  [
    "unicode keys and values",
    "[profile é]\nClé = välue ✓ ünïcödé\n",
    { "profile é": { clé: "välue ✓ ünïcödé" } },
  ],
  [
    "nested value",
    "[p]\ns3 =\n  addressing_style = path\n  signature_version = s3v4\n",
    { p: { s3: { addressing_style: "path", signature_version: "s3v4" } } },
  ],
  [
    "nested keys keep their case",
    "[p]\ns3 =\n  Addressing_Style = Path\n",
    { p: { s3: { Addressing_Style: "Path" } } },
  ],
  [
    "nested value after an empty line",
    "[p]\ns3 =\n\n  a = b\nregion = x\n",
    { p: { s3: { a: "b" }, region: "x" } },
  ],
  ["nested value with a line lacking =", "[p]\ns3 =\n  addressing_style = path\n  oops\n", "error"],
  ["nested value using : is an error", "[p]\ns3 =\n  a: b\n", "error"],
  [
    "nested duplicate keys: the last wins",
    "[p]\ns3 =\n  a = 1\n  a = 2\n",
    { p: { s3: { a: "2" } } },
  ],
  ["value that only looks nested", "[p]\ns3 = x\n  a = b\n", { p: { s3: "x\na = b" } }],
  ["[a]b] header takes the last ]", "[a]b]\nx = 1\n", { "a]b": { x: "1" } }],
  ["text after ] is ignored", "[a] trailing\nx = 1\n", { a: { x: "1" } }],
  ["spaces inside brackets are kept", "[ p ]\nx = 1\n", { " p ": { x: "1" } }],
  [
    "quoted profile header kept literally",
    '[profile "ops prod"]\nx = 1\n',
    { 'profile "ops prod"': { x: "1" } },
  ],
  ["trailing spaces everywhere", "[p]   \na = 1   \n  \n", { p: { a: "1" } }],
  ["no trailing newline", "[p]\na = 1", { p: { a: "1" } }],
  [
    "form feed inside a value, vertical tab at the end",
    "[p]\na = x\x0cy\x0b\n",
    { p: { a: "x\x0cy" } },
  ],
  ["indented first option then continuation", "[p]\n  a = 1\n    b\n", { p: { a: "1\nb" } }],
];

describe("parseIni", () => {
  it.each(CASES)("%s", (_name, text, expected) => {
    if (expected === "error") {
      expect(() => parseIni(text)).toThrow(IniParseError);
    } else {
      expect(toObject(parseIni(text))).toEqual(expected);
    }
  });

  it("reports the line of a duplicate section", () => {
    try {
      parseIni("[p]\n\n[p]\n");
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(IniParseError);
      expect((e as IniParseError).line).toBe(3);
      expect((e as Error).message).toMatch(/section "p" appears twice/);
    }
  });

  it("reports a line before any section", () => {
    expect(() => parseIni("\n\nregion = x\n")).toThrow(/line 3 comes before any \[section\]/);
  });

  it("reports the first malformed line after reading the whole file", () => {
    expect(() => parseIni("[p]\nok = 1\nbad\nalso bad\n")).toThrow(/line 3 is neither/);
  });
});

describePy("parseIni agrees with botocore's raw_config_parse", () => {
  it("on every table case", () => {
    const py = pyParse(CASES.map((c) => c[1]));
    const mismatches = CASES.flatMap(([name, text], i) => {
      const ts = normalize(tsParse(text));
      const p = normalize(py[i]!);
      return JSON.stringify(sortDeep(ts)) === JSON.stringify(sortDeep(p))
        ? []
        : [{ name, text, ts, python: py[i] }];
    });
    expect(mismatches).toEqual([]);
  });

  // Random INI-ish text from a small alphabet, mostly shaped like lines of a real file.
  const TOKENS = [
    "[",
    "]",
    "=",
    ":",
    "#",
    ";",
    " ",
    "\t",
    "\n",
    "\r",
    "a",
    "b",
    "A",
    "profile ",
    "DEFAULT",
    "é",
  ];
  const token = fc.constantFrom(...TOKENS);
  const word = fc
    .array(fc.constantFrom("a", "b", "A", "é", " ", "profile ", "DEFAULT", "]", "[", "#", ":"), {
      minLength: 0,
      maxLength: 4,
    })
    .map((t) => t.join(""));
  const ws = fc.constantFrom("", "", " ", "  ", "\t");
  const eol = fc.constantFrom("\n", "\n", "\n", "\r\n", "\r");
  const line = fc.oneof(
    { arbitrary: fc.tuple(ws, word).map(([w, n]) => `${w}[${n}]`), weight: 2 },
    {
      arbitrary: fc
        .tuple(ws, word, ws, fc.constantFrom("=", ":", "", "= ", " = "), ws, word)
        .map((p) => p.join("")),
      weight: 4,
    },
    { arbitrary: fc.tuple(ws, fc.constantFrom("#", ";"), word).map((p) => p.join("")), weight: 1 },
    { arbitrary: ws, weight: 1 },
    { arbitrary: fc.array(token, { maxLength: 6 }).map((t) => t.join("")), weight: 2 },
  );
  const shaped = fc
    .array(fc.tuple(line, eol), { maxLength: 12 })
    .map((ls) => ls.map(([l, e]) => l + e).join(""));
  const raw = fc.array(token, { maxLength: 40 }).map((t) => t.join(""));
  const iniText = fc.oneof({ arbitrary: shaped, weight: 4 }, { arbitrary: raw, weight: 1 });

  it("on 200 random texts (one python run)", () => {
    const seed = Number(process.env.AWSX_FC_SEED ?? Date.now() % 2 ** 31);
    const numRuns = Number(process.env.AWSX_INI_RUNS ?? 200);
    const samples = fc.sample(iniText, { seed, numRuns });
    const results = pyParse(samples);
    const cache = new Map(samples.map((s, i) => [s, results[i]!]));
    // The same seed replays the same texts; only shrinking after a failure calls python again.
    fc.assert(
      fc.property(iniText, (text) => {
        const p = cache.get(text) ?? pyParse([text])[0]!;
        expect(sortDeep(normalize(tsParse(text)))).toEqual(sortDeep(normalize(p)));
      }),
      { seed, numRuns },
    );
  });
});

function sortDeep(v: unknown): unknown {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, sortDeep(x)]),
    );
  }
  return v;
}
