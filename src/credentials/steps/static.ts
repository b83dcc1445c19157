import type { SourceStep } from "../../plan/plan.js";
import { type Credentials, maskKeyId } from "../../types.js";
import { type SourceDef, shownOrigin } from "../stepDef.js";
import type { StepContext } from "../stepContext.js";

type StaticStep = Extract<SourceStep, { kind: "static" }>;

// Keys written in the credentials or config file: nothing to call.
function staticKeys(step: StaticStep, ctx: StepContext): Credentials {
  const file = step.origin.file;
  ctx.logger.debug(
    `profile ${step.profile}: static keys ${maskKeyId(step.accessKeyId)} ` +
      `from the ${step.provider} (${file})`,
  );
  return {
    accessKeyId: step.accessKeyId,
    secretAccessKey: step.secretAccessKey,
    ...(step.sessionToken ? { sessionToken: step.sessionToken } : {}),
  };
}

// Keys of a file or of awsx's store: named by the key id, shown masked.
export const staticStep: SourceDef<StaticStep> = {
  identity: (s) => ["static", s.accessKeyId],
  run: staticKeys,
  describe: (s) => `${s.provider === "awsx-store" ? "stored" : "static"}(${s.profile})`,
  explain: (s) => ({
    accessKeyId: maskKeyId(s.accessKeyId),
    sessionToken: Boolean(s.sessionToken),
    provider: s.provider,
    // Plaintext keys of the same profile, which the stored ones win over (docs/keys.md).
    ...(s.shadows ? { ignores: `the keys in ${shownOrigin(s.shadows)} (stored keys win)` } : {}),
    from: shownOrigin(s.origin),
  }),
};
