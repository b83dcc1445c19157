// pythonInt against Python's int() itself, run in python3: a table, then random strings
// built from the characters that matter (digits of several scripts, signs, underscores,
// whitespace int() takes and whitespace it does not).
import fc from "fast-check";
import { pythonInt } from "../../src/util/pythonInt.js";
import { describeWithPython, pythonJson } from "../helpers/python.js";
import { CASES } from "../unit/pythonInt.cases.js";

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

const pyInts = (texts: string[]) => pythonJson<(number | null)[]>(PY, texts);

const describePy = await describeWithPython(
  "",
  "python3",
  "install python3 to compare pythonInt with Python's int()",
);

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
