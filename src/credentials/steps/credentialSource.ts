import { AwsxError } from "../../errors.js";
import type { CredentialSourceName, SourceStep } from "../../plan/types.js";
import type { Credentials } from "../../types.js";
import type { MetadataSettings } from "../metadataSettings.js";
import type { StepContext } from "../stepContext.js";
import { fromContainer } from "./container.js";
import { fromInstanceMetadata } from "./instanceMetadata.js";

export interface SourceOptions {
  env: Record<string, string | undefined>;
  metadata: MetadataSettings;
  now: () => Date;
}

// The credential_source step of a role profile.
export function credentialSource(
  step: Extract<SourceStep, { kind: "credentialSource" }>,
  ctx: StepContext,
): Promise<Credentials> {
  ctx.logger.debug(`profile ${step.profile}: credentials from credential_source ${step.source}`);
  return fromCredentialSource(step.profile, step.source, {
    env: ctx.env,
    metadata: ctx.metadata,
    now: ctx.now,
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
  if (source === "Environment") return fromEnvironment(profile, options.env, none);
  if (source === "EcsContainer") return fromContainer(options, none);
  return fromInstanceMetadata(options.metadata, none);
}

function fromEnvironment(
  profile: string,
  env: Record<string, string | undefined>,
  none: (why: string) => AwsxError,
): Credentials {
  const id = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  if (!id && !secret)
    throw none("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set in awsx's environment");
  if (!id || !secret) {
    throw new AwsxError(
      "E_CREDENTIALS",
      "Partial credentials found in env, missing: " +
        `${id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"} ` +
        `(credential_source of profile "${profile}")`,
      {
        profile,
      },
    );
  }
  const token = env.AWS_SESSION_TOKEN || env.AWS_SECURITY_TOKEN;
  const exp = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined;
  return {
    accessKeyId: id,
    secretAccessKey: secret,
    ...(token ? { sessionToken: token } : {}),
    ...(exp && !Number.isNaN(exp.getTime()) ? { expiration: exp } : {}),
  };
}
