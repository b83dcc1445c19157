import { createHash, randomBytes } from "node:crypto";

// RFC 7636 S256: a 86-character verifier (64 random bytes, base64url) and its challenge.
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(64).toString("base64url");
  return { verifier, challenge: challengeOf(verifier) };
}

// BASE64URL(SHA256(verifier)), what the authorization server checks the verifier against.
const challengeOf = (verifier: string): string =>
  createHash("sha256").update(verifier, "ascii").digest("base64url");
