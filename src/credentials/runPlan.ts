import { AwsxError, isAwsxError } from "../errors.js";
import { hopIds, sha256Hex } from "../plan/hopIds.js";
import type { Plan, SourceStep, StsStep } from "../plan/types.js";
import type { AroundHop, Credentials, Hop } from "../types.js";
import type { StepContext } from "./stepContext.js";
import { assumeRole } from "./steps/assumeRole.js";
import { credentialSource } from "./steps/credentialSource.js";
import { credentialProcess } from "./steps/process.js";
import { sessionToken } from "./steps/sessionToken.js";
import { ssoRole } from "./steps/sso.js";
import { staticKeys } from "./steps/static.js";
import { readWebIdentityToken, webIdentity } from "./steps/webIdentity.js";

export interface RunPlanOptions {
  region: string;
  // Wraps every hop that calls STS (the session cache, from outside); absent: run each.
  around?: AroundHop;
}

const direct: AroundHop = (_hop, run) => run();

// Run a plan from the target back: each hop asks `around` for its credentials, and only a
// hop that `around` cannot answer runs its step, which asks for the hop before it.
export async function runPlan(
  plan: Plan,
  ctx: StepContext,
  options: RunPlanOptions,
): Promise<Credentials> {
  const around = options.around ?? direct;
  const source = plan.source;
  const token =
    source.kind === "webIdentity" ? await readWebIdentityToken(source, ctx.effects) : undefined;
  ctx.logger.secret(token);
  const ids = hopIds(plan, {
    endpoint: ctx.endpointLabel,
    region: options.region,
    tokenDigest: token === undefined ? undefined : sha256Hex(token),
    envAccessKeyId: ctx.env.AWS_ACCESS_KEY_ID,
    ...(source.kind === "sso" && ctx.sso
      ? { ssoEndpoint: ctx.sso.endpoints(source.session.region).portal.label }
      : {}),
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
      if (source.kind === "sso") {
        const label = `${source.accountId}/${source.roleName}`;
        return known(await around(hop(0, source, label), () => ssoRole(source, ctx)));
      }
      if (source.kind !== "webIdentity") return known(await runSource(source, ctx, plan.profile));
      const run = () => webIdentity(source, token!, ctx);
      return known(await around(hop(0, source, source.roleArn), run));
    }
    const step = plan.steps[i - 1]!;
    const label = step.kind === "assumeRole" ? step.roleArn : (step.mfaSerial ?? "GetSessionToken");
    const run = async () => runStep(step, await link(i - 1), ctx);
    return known(await around(hop(i, step, label), run));
  };
  return link(plan.steps.length);
}

// A source that fails for a role says whose chain it is in, as planning errors do: the user
// typed the role's name, not the source's.
async function runSource(
  source: Exclude<SourceStep, { kind: "webIdentity" | "sso" }>,
  ctx: StepContext,
  target: string,
): Promise<Credentials> {
  try {
    switch (source.kind) {
      case "static":
        return await staticKeys(source, ctx);
      case "process":
        return await credentialProcess(source, ctx);
      case "credentialSource":
        return await credentialSource(source, ctx);
    }
  } catch (e) {
    if (!isAwsxError(e) || source.profile === target) throw e;
    const chain = `, in the source_profile chain of "${target}"`;
    throw new AwsxError(e.code, `${e.message}${chain}`, { cause: e, profile: e.profile });
  }
}

function runStep(step: StsStep, input: Credentials, ctx: StepContext): Promise<Credentials> {
  return step.kind === "sessionToken"
    ? sessionToken(step, input, ctx)
    : assumeRole(step, input, ctx);
}
