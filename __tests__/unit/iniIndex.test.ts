// The fast way of reading a config (iniIndex.ts: one pass that finds the sections and proves
// the file has no error, then each section parsed when asked) against the reference, parseIni
// over the whole file (itself compared with botocore in ini.test.ts): the same sections, the
// same values, and a file with any error left to parseIni. Then the loader built on it.
import fc from "fast-check";
import { IniParseError, type IniFile, parseIni } from "../../src/config/ini.js";
import { indexIni, sectionOf } from "../../src/config/iniIndex.js";

const SEED = Number(process.env.AWSX_FC_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.AWSX_INDEX_RUNS ?? 3000);

type Reading = { sections: Array<[string, unknown]> } | "error";

const reference = (text: string): Reading => {
  let ini: IniFile;
  try {
    ini = parseIni(text);
  } catch (e) {
    if (e instanceof IniParseError) return "error";
    throw e;
  }
  return { sections: [...ini] };
};

// The index's reading, or undefined when it leaves the file to parseIni.
const indexed = (text: string): Reading | undefined => {
  const index = indexIni(text);
  if (!index) return undefined;
  return { sections: index.headers.map((h, i) => [h, sectionOf(index, i)]) };
};

const manyKeys = (n: number) => Array.from({ length: n }, (_, i) => `k${i} = ${i}\n`).join("");

// [name, text]: files the index must read itself (what users' configs look like).
const FAST: Array<[string, string]> = [
  ["empty", ""],
  ["comments and blank lines", "# a\n; b\n\n   \n"],
  [
    "an sso sync block",
    "# BEGIN awsx sso sync corp\n\n[profile a/ReadOnly]\nsso_session = corp\n" +
      "sso_account_id = 111111111111\nsso_role_name = ReadOnly\n# END awsx sso sync corp\n",
  ],
  ["indented keys", "[profile a]\n  region = x\n  output = json\n"],
  ["continuation lines", "[p]\na = one\n  two\n\n  three\nb = 2\n"],
  ["a nested block", "[p]\ns3 =\n  addressing_style = path\n  max_concurrent_requests = 20\n"],
  ["CRLF and lone CR", "[p]\r\na = 1\r\n  b\rc = 2\r"],
  ["key case and ':'", "[P]\nRegion: x\nOUTPUT = json\n"],
  ["non-ASCII", "[profile é]\nClé = välue\nclÉ2 = x\n"],
  ["a header with text after ]", "[a] trailing\nx = 1\n[b]]\n"],
  ["no newline at the end", "[p]\na = 1"],
  ["a section of 200 keys (past the one-step bound)", `[p]\n${manyKeys(200)}[q]\nk0 = x\n`],
];

// Files the index leaves to parseIni: every error, and [DEFAULT], whose keys go everywhere.
const SLOW: Array<[string, string]> = [
  ["[DEFAULT]", "[DEFAULT]\nregion = x\n[p]\n"],
  ["duplicate section", "[p]\n[q]\n[p]\n"],
  ["duplicate key", "[p]\na = 1\nA = 2\n"],
  ["duplicate non-ASCII key", "[p]\nÉ = 1\né = 2\n"],
  ["line before any section", "a = 1\n[p]\n"],
  ["no delimiter", "[p]\nkey\n"],
  ["no key", "[p]\n = 1\n"],
  ["[] is no header", "[p]\n[]\n"],
  ["BOM", "\ufeff[p]\n"],
  ["nested line without =", "[p]\ns3 =\n  a = b\n  oops\n"],
  ["nested line with a line break of its own", "[p]\ns3 =\n  a = b\x0bc = d\n"],
  ["a key repeated 63 lines below", `[p]\n${manyKeys(63)}K0 = again\n[q]\n`],
  ["a key repeated 150 lines below", `[p]\n${manyKeys(150)}k0 = again\n`],
];

describe("indexIni", () => {
  it.each(FAST)("reads %s itself, as parseIni does", (_name, text) => {
    expect(indexed(text)).toEqual(reference(text));
  });

  it.each(SLOW)("leaves %s to parseIni", (_name, text) => {
    expect(indexed(text)).toBeUndefined();
  });

  // Lines shaped like a config's, with what makes configparser differ: case, ":", comments,
  // indentation, empty and continued values, CR, whitespace beyond ASCII, [DEFAULT].
  const name = fc.constantFrom("p", "P", "profile a", "profile b", "x y", "é", "DEFAULT", "]");
  const key = fc.constantFrom("region", "Region", "k", "K", "é", "É", "\u212a", "a b", "");
  const value = fc.constantFrom("", "v", "a = b", "x:y", "#c", "v\x0bw", "é", "[q]", " ");
  const ws = fc.constantFrom("", "", "", " ", "  ", "\t", "\xa0", "\x0c");
  const line = fc.oneof(
    { arbitrary: fc.tuple(ws, name, ws).map(([a, n, b]) => `${a}[${n}]${b}`), weight: 3 },
    {
      arbitrary: fc
        .tuple(ws, key, ws, fc.constantFrom("=", ":", " = ", ""), ws, value, ws)
        .map((p) => p.join("")),
      weight: 8,
    },
    { arbitrary: fc.tuple(ws, fc.constantFrom("#", ";"), value).map((p) => p.join("")), weight: 1 },
    // As `aws configure` and `sso sync` write them (iniIndex.ts passes a run of these at once).
    { arbitrary: fc.tuple(key, value).map(([k, v]) => `${k} = ${v}`), weight: 6 },
    { arbitrary: name.map((n) => `[${n}]`), weight: 2 },
    { arbitrary: ws, weight: 2 },
  );
  // Most files end their lines with "\n" alone; a "\r" anywhere keeps the index line by line.
  const lf = fc.array(line, { maxLength: 14 }).map((ls) => ls.map((l) => `${l}\n`).join(""));
  const eol = fc.constantFrom("\n", "\r\n", "\r");
  const mixed = fc
    .array(fc.tuple(line, eol), { maxLength: 14 })
    .map((ls) => ls.map(([l, e]) => l + e).join(""));
  const text = fc.oneof({ arbitrary: lf, weight: 3 }, { arbitrary: mixed, weight: 1 });

  it(`agrees with parseIni on ${RUNS} random files, reading most of them itself`, () => {
    let fast = 0;
    fc.assert(
      fc.property(text, (t) => {
        const got = indexed(t);
        if (got === undefined) return;
        fast++;
        expect(got).toEqual(reference(t));
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The property says little if the index leaves every file to parseIni.
    expect(fast / RUNS).toBeGreaterThan(0.1);
  });
});
