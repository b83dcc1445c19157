import type { SessionTokenStep } from "../../plan/plan.js";
import type { Credentials } from "../../types.js";
import { callSts } from "../callSts.js";
import type { StsDef } from "../stepDef.js";
import type { StepContext } from "../stepContext.js";

// GetSessionToken with the MFA code: the session every role naming that mfa_serial is
// assumed from, so the code is asked once per session, not once per role. Without an
// mfa_serial: the session a child gets in place of long-term keys (docs/keys.md).
async function sessionToken(
  step: SessionTokenStep,
  input: Credentials,
  ctx: StepContext,
): Promise<Credentials> {
  if (!step.mfaSerial) {
    ctx.logger.debug(
      `profile ${step.profile}: GetSessionToken for ${step.durationSeconds}s (${step.reason})`,
    );
    const plain = { profile: step.profile, action: "GetSessionToken", mfa: false } as const;
    return callSts(ctx, plain, (sts) =>
      sts.getSessionToken(input, { DurationSeconds: step.durationSeconds }),
    );
  }
  const code = await ctx.mfa(step.mfaSerial, step.profile);
  ctx.logger.debug(
    `profile ${step.profile}: GetSessionToken with MFA ${step.mfaSerial} ` +
      `for ${step.durationSeconds}s (${step.reason})`,
  );
  const call = { profile: step.profile, action: "GetSessionToken", mfa: true } as const;
  return callSts(ctx, call, (sts) =>
    sts.getSessionToken(input, {
      DurationSeconds: step.durationSeconds,
      SerialNumber: step.mfaSerial,
      TokenCode: code,
    }),
  );
}

export const sessionTokenStep: StsDef<SessionTokenStep> = {
  identity: (s) => ["sessionToken", s.mfaSerial, s.durationSeconds],
  label: (s) => s.mfaSerial ?? "GetSessionToken",
  run: sessionToken,
  describe: (s) => `getSessionToken(${s.mfaSerial ?? "no MFA"})`,
  explain: (s) => ({ mfaSerial: s.mfaSerial, durationSeconds: s.durationSeconds, why: s.reason }),
};
