// pythonInt on a table of strings, each with what Python's int() makes of it (the
// differential test __tests__/differential/pythonInt.test.ts runs python3 on them).
import { pythonInt } from "../../src/util/pythonInt.js";
import { CASES } from "./pythonInt.cases.js";

describe("pythonInt", () => {
  it.each(CASES)("%j -> %p", (text, want) => {
    expect(pythonInt(text)).toBe(want);
  });
});
