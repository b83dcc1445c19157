import type { AssumeRoleStep } from "../../plan/plan.js";
import { type Credentials, maskKeyId } from "../../types.js";
import { callSts } from "../callSts.js";
import { defaultSessionName, type StepContext } from "../stepContext.js";

// AssumeRole signed with the previous hop's credentials (and the MFA code when the role
// names an mfa_serial that no session of ours already carries).
export async function assumeRole(
  step: AssumeRoleStep,
  input: Credentials,
  ctx: StepContext,
): Promise<Credentials> {
  const params = {
    RoleArn: step.roleArn,
    RoleSessionName: step.sessionName ?? defaultSessionName(ctx.now()),
    ...(step.durationSeconds !== undefined ? { DurationSeconds: step.durationSeconds } : {}),
    ...(step.externalId !== undefined ? { ExternalId: step.externalId } : {}),
  };
  const mfa = step.mfaSerial
    ? { SerialNumber: step.mfaSerial, TokenCode: await ctx.mfa(step.mfaSerial, step.profile) }
    : {};
  ctx.logger.debug(
    `profile ${step.profile}: AssumeRole ${step.roleArn} with ${maskKeyId(input.accessKeyId)}` +
      `${step.mfaSerial ? ` and MFA ${step.mfaSerial}` : ""}` +
      `${step.durationSeconds ? ` for ${step.durationSeconds}s` : ""}`,
  );
  const call = {
    profile: step.profile,
    action: "AssumeRole",
    roleArn: step.roleArn,
    mfa: Boolean(step.mfaSerial),
  } as const;
  return callSts(ctx, call, (sts) => sts.assumeRole(input, { ...params, ...mfa }));
}
