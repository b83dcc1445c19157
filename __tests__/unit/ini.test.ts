// parseIni against expectations (botocore's raw_config_parse reads each text the same:
// __tests__/differential/ini.test.ts runs it in python3).
import { parseIni, IniParseError } from "../../src/config/ini.js";
import { CASES, toObject } from "./ini.cases.js";

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
