import { createHash } from "node:crypto";
import fc from "fast-check";
import { sha256Hex } from "../../src/util/sha256.js";

const reference = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

describe("sha256Hex", () => {
  it.each(["", "abc", "a".repeat(55), "a".repeat(56), "a".repeat(63), "a".repeat(64), "a".repeat(1000), "é☃😀"])("matches node:crypto for %j", (s) => {
    expect(sha256Hex(s)).toBe(reference(s));
  });
  it("matches node:crypto for random strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => sha256Hex(s) === reference(s)), { numRuns: 300 });
  });
  it("is the known digest of abc", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
