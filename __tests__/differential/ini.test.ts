// parseIni against the real thing: botocore's raw_config_parse (configparser.RawConfigParser
// reading a file + _parse_nested), run in python3, on the unit test's table and random texts.
import fc from "fast-check";
import { parseIni, IniParseError } from "../../src/config/ini.js";
import { describeWithPython, pythonJson } from "../helpers/python.js";
import { CASES, toObject } from "../unit/ini.cases.js";

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
  // The CLI reads config files in the locale encoding; pin it to UTF-8 so the run is deterministic.
  const out = pythonJson<Outcome[]>(PY, texts, { LC_ALL: "C.UTF-8" });
  expect(out).toHaveLength(texts.length);
  return out;
}

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

const describePy = await describeWithPython(
  "botocore.configloader",
  "python3 with botocore",
  "install python3 and botocore (pip install botocore) to compare with the AWS CLI's parser",
);

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
