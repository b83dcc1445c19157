// pythonInt against Python's int() itself, run in python3: a table, then random strings
// built from the characters that matter (digits of several scripts, signs, underscores,
// whitespace int() takes and whitespace it does not).
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { pythonInt } from "../../src/util/pythonInt.js";
import { checkAll } from "../helpers/requirements.js";

// One python process for a batch: int(text), or null where it raises ValueError.
const PY = String.raw`
import json, sys
out = []
for t in json.loads(sys.stdin.buffer.read().decode("utf-8")):
    try:
        out.append(int(t))
    except ValueError:
        out.append(None)
sys.stdout.write(json.dumps(out))
`;

function pyInts(texts: string[]): (number | null)[] {
  const r = spawnSync("python3", ["-c", PY], {
    input: JSON.stringify(texts),
    encoding: "utf-8",
    timeout: 30_000,
    env: { ...process.env, PYTHONUTF8: "1", PYTHONIOENCODING: "utf-8" },
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as (number | null)[];
}

// [text, Python's int(text), or undefined for ValueError] (checked against python3 below)
const CASES: [string, number | undefined][] = [
  ["3600", 3600],
  [" 3600 ", 3600],
  ["\t+1_0\n", 10],
  ["-3600", -3600],
  ["3_600", 3600],
  ["0900", 900],
  ["-0", 0],
  ["３６００", 3600],
  ["\u3000３６００\u3000", 3600],
  ["\u00853600", 3600],
  ["٣٦٠٠", 3600],
  ["𝟑𝟔𝟎𝟎", 3600],
  ["3__600", undefined],
  ["_3600", undefined],
  ["3600_", undefined],
  ["+_3600", undefined],
  ["- 3600", undefined],
  ["1 000", undefined],
  ["\x1c3600", undefined],
  ["\u200b3600", undefined],
  ["²", undefined],
  ["3600.0", undefined],
  ["0x10", undefined],
  ["1h", undefined],
  ["", undefined],
  [" ", undefined],
];

describe("pythonInt", () => {
  it.each(CASES)("%j -> %p", (text, want) => {
    expect(pythonInt(text)).toBe(want);
  });
});

const python = await checkAll({
  name: "python3",
  probe: () => spawnSync("python3", ["-c", "pass"], { stdio: "ignore" }).status === 0,
  hint: "install python3 to compare pythonInt with Python's int()",
});
const describePy = python ? describe : describe.skip;

const PIECES = [
  "0",
  "1",
  "7",
  "9",
  "３",
  "٣",
  "𝟑",
  "०",
  "_",
  "__",
  "+",
  "-",
  " ",
  "\t",
  "\n",
  "\x0b",
  "\x1c",
  "\x1f",
  "\x85",
  "\xa0",
  "\u2000",
  "\u3000",
  "\u200b",
  ".",
  "e",
  "x",
  "²",
  "½",
];

describePy("pythonInt is Python's int()", () => {
  it("agrees on the table", () => {
    const py = pyInts(CASES.map(([t]) => t));
    expect(CASES.map(([, want]) => want ?? null)).toEqual(py);
  });

  it("agrees on 3000 random strings", () => {
    const texts = fc.sample(
      fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((a) => a.join("")),
      { numRuns: 3000, seed: 17 },
    );
    const py = pyInts(texts);
    const ours = texts.map((t) => pythonInt(t) ?? null);
    const differ = texts.filter((_, i) => ours[i] !== py[i]);
    expect(differ).toEqual([]);
    // The sample must hold both kinds, or it proves little.
    expect(py.filter((v) => v !== null).length).toBeGreaterThan(100);
  });
});
