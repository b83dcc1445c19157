import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { hmacSha256, sha256Hex } from "../../src/util/sha256.js";

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

describe("hmacSha256", () => {
  const hmac = (k: Uint8Array, m: Uint8Array) => Buffer.from(hmacSha256(k, m)).toString("hex");
  const reference = (k: Uint8Array, m: Uint8Array) => createHmac("sha256", k).update(m).digest("hex");
  it("matches RFC 4231 test case 2", () => {
    expect(hmac(Buffer.from("Jefe"), Buffer.from("what do ya want for nothing?"))).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });
  it("matches node:crypto for keys shorter than, equal to and longer than a block", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.uint8Array({ maxLength: 300 }), (k, m) => hmac(k, m) === reference(k, m)),
      { numRuns: 300 },
    );
  });
});
