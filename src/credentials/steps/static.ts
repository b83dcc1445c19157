import type { SourceStep } from "../../plan/plan.js";
import { type Credentials, maskKeyId } from "../../types.js";
import type { StepContext } from "../stepContext.js";

type StaticStep = Extract<SourceStep, { kind: "static" }>;

// Keys written in the credentials or config file: nothing to call.
export function staticKeys(step: StaticStep, ctx: StepContext): Credentials {
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
