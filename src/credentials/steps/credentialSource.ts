import { AwsxError } from "../../errors.js";
import type { CredentialSourceName, SourceStep } from "../../plan/plan.js";
import type { Credentials } from "../../types.js";
import type { MetadataSettings } from "../metadataSettings.js";
import { type SourceDef, shownOrigin } from "../stepDef.js";
import type { StepContext } from "../stepContext.js";
import type { StepEffects } from "../stepEffects.js";
import { fromContainer } from "./container.js";
import { parseExpirationTime } from "./expirationTime.js";
import { fromInstanceMetadata } from "./instanceMetadata.js";

export interface SourceOptions {
  env: Record<string, string | undefined>;
  metadata: MetadataSettings;
  now: () => Date;
  effects: StepEffects;
}

// The credential_source step of a role profile.
type CredentialSourceStep = Extract<SourceStep, { kind: "credentialSource" }>;

export function credentialSource(
  step: CredentialSourceStep,
  ctx: StepContext,
): Promise<Credentials> {
  ctx.logger.debug(`profile ${step.profile}: credentials from credential_source ${step.source}`);
  return fromCredentialSource(step.profile, step.source, {
    env: ctx.env,
    metadata: ctx.metadata,
    now: ctx.now,
    effects: ctx.effects,
  });
}

// credential_source = Environment | Ec2InstanceMetadata | EcsContainer, read the way
// botocore's EnvProvider, InstanceMetadataProvider and ContainerProvider read them.
export async function fromCredentialSource(
  profile: string,
  source: CredentialSourceName,
  options: SourceOptions,
): Promise<Credentials> {
  const none = (why: string) =>
    new AwsxError(
      "E_CREDENTIALS",
      `No credentials found in credential_source ${source} ` +
        `referenced in profile "${profile}": ${why}`,
      { profile },
    );
  if (source === "Environment") return fromEnvironment(profile, options.env, none, options.now);
  if (source === "EcsContainer") return fromContainer(options, none);
  return fromInstanceMetadata(options.metadata, options.effects, none);
}

function fromEnvironment(
  profile: string,
  env: Record<string, string | undefined>,
  none: (why: string) => AwsxError,
  now: () => Date,
): Credentials {
  const id = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  // botocore's EnvProvider: no (or an empty) AWS_ACCESS_KEY_ID means no credentials.
  if (!id) throw none("AWS_ACCESS_KEY_ID is not set in awsx's environment");
  if (!secret) {
    throw new AwsxError(
      "E_CREDENTIALS",
      "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY " +
        `(credential_source of profile "${profile}")`,
      { profile },
    );
  }
  // botocore reads AWS_SECURITY_TOKEN first.
  const token = env.AWS_SECURITY_TOKEN || env.AWS_SESSION_TOKEN;
  const exp = envExpiration(profile, env.AWS_CREDENTIAL_EXPIRATION, now);
  return {
    accessKeyId: id,
    secretAccessKey: secret,
    ...(token ? { sessionToken: token } : {}),
    ...(exp ? { expiration: exp } : {}),
  };
}

// botocore refuses env keys whose AWS_CREDENTIAL_EXPIRATION is not a zoned time or has passed,
// before any request ("refreshed credentials are still expired").
function envExpiration(profile: string, raw: string | undefined, now: () => Date) {
  if (!raw) return undefined;
  const exp = parseExpirationTime(raw);
  const fail = (why: string) =>
    new AwsxError(
      "E_CREDENTIALS",
      `AWS_CREDENTIAL_EXPIRATION ${why} (credential_source = Environment of profile ` +
        `"${profile}"); refresh the keys in awsx's environment or unset it`,
      { profile },
    );
  if (!exp) {
    throw fail(
      `"${raw.slice(0, 40)}" is not a time with a zone (write it as 2031-01-01T00:00:00Z)`,
    );
  }
  if (exp.getTime() <= now().getTime()) throw fail(`${raw} has passed: the keys are expired`);
  return exp;
}

// credential_source: Environment is named by the environment's key id (new keys, new session).
export const credentialSourceStep: SourceDef<CredentialSourceStep> = {
  identity: (s, hop) => [
    "credentialSource",
    s.source,
    s.source === "Environment" ? (hop.envAccessKeyId ?? "") : "",
  ],
  run: (s, ctx) => credentialSource(s, ctx),
  describe: (s) => `${s.source}(${s.profile})`,
  explain: (s) => ({ source: s.source, from: shownOrigin(s.origin) }),
};
