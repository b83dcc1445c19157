import type { AssumeRoleStep } from "../../plan/plan.js";
import { type Credentials, maskKeyId } from "../../types.js";
import { callSts } from "../callSts.js";
import { type StsDef, shownOrigin } from "../stepDef.js";
import { defaultSessionName, type StepContext } from "../stepContext.js";

// AssumeRole signed with the previous hop's credentials (and the MFA code when the role
// names an mfa_serial that no session of ours already carries).
async function assumeRole(
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

export const assumeRoleStep: StsDef<AssumeRoleStep> = {
  identity: (s) => [
    "assumeRole",
    s.roleArn,
    s.sessionName ?? "",
    s.externalId ?? "",
    s.mfaSerial ?? "",
    s.durationSeconds ?? 0,
    s.sourceIdentity ?? "",
  ],
  label: (s) => s.roleArn,
  run: assumeRole,
  describe: (s) => `assumeRole(${s.roleArn}${s.mfaSerial ? ", mfa" : ""})`,
  explain: (s) => ({
    roleArn: s.roleArn,
    mfaSerial: s.mfaSerial,
    externalId: s.externalId,
    sessionName: s.sessionName,
    durationSeconds: s.durationSeconds,
    from: shownOrigin(s.origin),
  }),
};
