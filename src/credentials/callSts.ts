import type { Sts } from "../types.js";
import type { StepContext } from "./stepContext.js";
import { translateStsError, type StsCallContext } from "./stsErrors.js";

// One STS call, its failure turned into awsx's one-line error naming the profile and the fix.
export async function callSts<T>(
  ctx: StepContext,
  call: Omit<StsCallContext, "endpoint">,
  fn: (sts: Sts) => Promise<T>,
): Promise<T> {
  const sts = await ctx.sts();
  const slow = ctx.onSlowSts && setTimeout(() => ctx.onSlowSts?.(waitingFor(ctx, call)), SLOW_MS);
  try {
    return await fn(sts);
  } catch (e) {
    throw translateStsError(e, { ...call, endpoint: ctx.endpointLabel });
  } finally {
    clearTimeout(slow);
  }
}

// After this long without an answer a person at the terminal wonders what awsx is doing.
const SLOW_MS = 1500;

// What awsx waits for, and where the endpoint came from: the usual surprise is an
// AWS_ENDPOINT_URL left over from a local emulator.
const waitingFor = (ctx: StepContext, call: Omit<StsCallContext, "endpoint">): string =>
  `waiting for STS ${call.action} (profile "${call.profile}") at ${ctx.endpointLabel}, ` +
  `endpoint from ${ctx.endpointFrom ?? "default"}`;
