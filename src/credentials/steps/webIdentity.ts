import { AwsxError } from "../../errors.js";
import { longEnough, pyLen, STS_MIN_LENGTH } from "../../plan/stsParams.js";
import type { SourceStep } from "../../plan/plan.js";
import type { Credentials } from "../../types.js";
import { callSts } from "../callSts.js";
import { type SourceDef, shownOrigin } from "../stepDef.js";
import { defaultSessionName, type StepContext } from "../stepContext.js";
import type { StepEffects } from "../stepEffects.js";

type WebIdentityStep = Extract<SourceStep, { kind: "webIdentity" }>;

// The token is read before the cache is asked: a new token means a new session.
export async function readWebIdentityToken(
  step: WebIdentityStep,
  effects: Pick<StepEffects, "readFile">,
): Promise<string> {
  let token: string;
  try {
    // As readFile(path, "utf8"): bytes that are not UTF-8 become U+FFFD.
    token = Buffer.from(await effects.readFile(step.tokenFile))
      .toString("utf8")
      .trim();
    if (!token) throw new Error("the file is empty");
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new AwsxError(
      "E_CREDENTIALS",
      `cannot read the web identity token file ${step.tokenFile} of profile "${step.profile}": ` +
        `${why}; check web_identity_token_file / AWS_WEB_IDENTITY_TOKEN_FILE`,
      { profile: step.profile, cause: e },
    );
  }
  if (!longEnough("WebIdentityToken", token)) {
    throw new AwsxError(
      "E_CREDENTIALS",
      `the web identity token in ${step.tokenFile} of profile "${step.profile}" has ` +
        `${pyLen(token)} characters; STS takes at least ${STS_MIN_LENGTH.WebIdentityToken} ` +
        "(the AWS CLI refuses it too): check web_identity_token_file / AWS_WEB_IDENTITY_TOKEN_FILE",
      { profile: step.profile },
    );
  }
  return token;
}

// AssumeRoleWithWebIdentity: an unsigned call that trades the token for a role session.
export function webIdentity(
  step: WebIdentityStep,
  token: string,
  ctx: StepContext,
): Promise<Credentials> {
  const from = step.from === "env" ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "web_identity_token_file";
  ctx.logger.debug(
    `profile ${step.profile}: AssumeRoleWithWebIdentity ${step.roleArn} (token from ${from})`,
  );
  const call = {
    profile: step.profile,
    action: "AssumeRoleWithWebIdentity",
    roleArn: step.roleArn,
  } as const;
  return callSts(ctx, call, (sts) =>
    sts.assumeRoleWithWebIdentity({
      RoleArn: step.roleArn,
      RoleSessionName: step.sessionName ?? defaultSessionName(ctx.now()),
      WebIdentityToken: token,
    }),
  );
}

// AssumeRoleWithWebIdentity: the token is read first and named by its digest, the session
// cached like any STS call.
export const webIdentityStep: SourceDef<WebIdentityStep> = {
  read: (s, ctx) => readWebIdentityToken(s, ctx.effects),
  identity: (s, hop) => [
    "webIdentity",
    s.roleArn,
    s.tokenFile,
    s.sessionName ?? "",
    hop.tokenDigest ?? "",
  ],
  cachedAs: (s) => s.roleArn,
  run: (s, ctx, token) => webIdentity(s, token!, ctx),
  describe: (s) => `webIdentity(${s.roleArn})`,
  explain: (s) => ({
    roleArn: s.roleArn,
    tokenFile: s.tokenFile,
    sessionName: s.sessionName,
    from: s.from === "env" ? "AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE" : shownOrigin(s.origin),
  }),
};
