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
  try {
    return await fn(sts);
  } catch (e) {
    throw translateStsError(e, { ...call, endpoint: ctx.endpointLabel });
  }
}
