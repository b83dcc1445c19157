// What the picker lists for what was typed: the names that hold it, any case, in file order.
import { matchingNames } from "../../src/platform/profilePicker.js";

const NAMES = ["prod", "dev-a", "Dev-B", "stage", "prod-dev"];

describe("matchingNames", () => {
  it.each<[string | undefined, string[]]>([
    [undefined, NAMES],
    ["", NAMES],
    ["  ", NAMES],
    ["dev", ["dev-a", "Dev-B", "prod-dev"]],
    ["DEV-b", ["Dev-B"]],
    [" stage ", ["stage"]],
    ["nope", []],
    ["[", []],
  ])("%j -> %j", (typed, expected) => {
    expect(matchingNames(NAMES, typed)).toEqual(expected);
  });
});
