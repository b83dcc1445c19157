import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Plan } from "../plan/plan.js";
import type { HopContext } from "./stepDef.js";
import { sourceDef, stsDef } from "./stepTable.js";

const FORMAT = "awsx-cache-1";

// @noble/hashes rather than node:crypto: loading node:crypto costs a warm run ~11 ms,
// this ~3 ms (docs/performance.md), and every run hashes its hop ids.
export const sha256Hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

// One id per hop of the chain, [source, ...steps]: each hashes its own parameters (its kind's
// identity, never a secret) with the previous hop's id, so it names the whole route up to
// that point. The cache keys on it.
export function hopIds(plan: Plan, ctx: HopContext): string[] {
  const source = sourceDef(plan.source).identity(plan.source, ctx);
  let previous = sha256Hex(JSON.stringify([FORMAT, ctx.endpoint, ctx.region, ...source]));
  const ids = [previous];
  for (const step of plan.steps) {
    previous = sha256Hex(JSON.stringify([previous, ...stsDef(step).identity(step)]));
    ids.push(previous);
  }
  return ids;
}
