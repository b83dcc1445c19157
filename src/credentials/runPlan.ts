import { AwsxError, isAwsxError } from "../errors.js";
import type { Plan, SourceStep, StsStep } from "../plan/plan.js";
import type { AroundHop, Credentials, Hop } from "../types.js";
import { hopIds, sha256Hex } from "./hopIds.js";
import type { StepContext } from "./stepContext.js";
import { sourceDef, stsDef } from "./stepTable.js";

export interface RunPlanOptions {
  region: string;
  // Wraps every hop that calls STS (the session cache, from outside); absent: run each.
  around?: AroundHop;
}

const direct: AroundHop = (_hop, run) => run();

// Run a plan from the target back: each hop asks `around` for its credentials, and only a
// hop that `around` cannot answer runs its step, which asks for the hop before it. What each
// step kind does is its row in STEPS (stepTable.ts).
export async function runPlan(
  plan: Plan,
  ctx: StepContext,
  options: RunPlanOptions,
): Promise<Credentials> {
  const around = options.around ?? direct;
  const source = plan.source;
  const def = sourceDef(source);
  const read = def.read ? await def.read(source, ctx) : undefined;
  ctx.logger.secret(read);
  const sourceEndpoint = def.endpoint?.(source, ctx);
  const ids = hopIds(plan, {
    endpoint: ctx.endpointLabel,
    region: options.region,
    tokenDigest: read === undefined ? undefined : sha256Hex(read),
    envAccessKeyId: ctx.env.AWS_ACCESS_KEY_ID,
    ...(sourceEndpoint !== undefined ? { sourceEndpoint } : {}),
  });
  const profiles = [
    ...new Set([source.profile, ...plan.steps.map((s) => s.profile), plan.profile]),
  ];
  const hop = (i: number, step: SourceStep | StsStep, label: string): Hop => ({
    id: ids[i]!,
    profile: step.profile,
    kind: step.kind as Hop["kind"],
    label,
    profiles,
    region: options.region,
  });

  // Each hop's secrets reach the redactor as soon as they exist, so an error on a later
  // hop can never print an earlier hop's token.
  const known = (creds: Credentials): Credentials => {
    for (const s of [creds.secretAccessKey, creds.sessionToken]) ctx.logger.secret(s);
    return creds;
  };
  const link = async (i: number): Promise<Credentials> => {
    if (i === 0) {
      const run = async () => def.run(source, ctx, read);
      if (!def.cachedAs) return known(await inChain(run, source, plan.profile));
      return known(await around(hop(0, source, def.cachedAs(source)), run));
    }
    const step = plan.steps[i - 1]!;
    const run = async () => stsDef(step).run(step, await link(i - 1), ctx);
    return known(await around(hop(i, step, stsDef(step).label(step)), run));
  };
  return link(plan.steps.length);
}

// A source that fails for a role says whose chain it is in, as planning errors do: the user
// typed the role's name, not the source's.
async function inChain(
  run: () => Promise<Credentials>,
  source: SourceStep,
  target: string,
): Promise<Credentials> {
  try {
    return await run();
  } catch (e) {
    if (!isAwsxError(e) || source.profile === target) throw e;
    const chain = `, in the source_profile chain of "${target}"`;
    throw new AwsxError(e.code, `${e.message}${chain}`, { cause: e, profile: e.profile });
  }
}
