import { AwsxError } from "../errors.js";
import type { Credentials, Sts, StsClientTarget } from "../types.js";
import { sdkClientConfig } from "./sdkClientConfig.js";

export interface StsTarget extends StsClientTarget {
  // Per-attempt request timeout; the SDK retries throttling and 5xx with backoff.
  timeoutMs: number;
  maxAttempts: number;
}

type StsModule = typeof import("@aws-sdk/client-sts");

const toCredentials = (
  c:
    | { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date }
    | undefined,
): Credentials => {
  if (!c?.AccessKeyId || !c.SecretAccessKey)
    throw new AwsxError("E_STS", "STS answered without credentials");
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
};

// The real STS, through @aws-sdk/client-sts, imported only when a call is due:
// a warm run never loads the SDK.
export async function createSdkSts(target: StsTarget): Promise<Sts> {
  const mod: any = await import("@aws-sdk/client-sts");
  const sdk = (mod.STSClient ? mod : mod.default) as StsModule;
  const client = (creds?: Credentials) =>
    new sdk.STSClient({
      ...sdkClientConfig(target, "STS"),
      useFipsEndpoint: target.fips ?? false,
      useDualstackEndpoint: target.dualstack ?? false,
      useGlobalEndpoint: target.global ?? false,
      credentials: creds
        ? {
            accessKeyId: creds.accessKeyId,
            secretAccessKey: creds.secretAccessKey,
            sessionToken: creds.sessionToken,
          }
        : async () => {
            throw new AwsxError("E_INTERNAL", "this STS call must not be signed");
          },
    });
  return {
    async assumeRole(creds, input) {
      const out = await client(creds).send(new sdk.AssumeRoleCommand(input));
      return toCredentials(out.Credentials);
    },
    async getSessionToken(creds, input) {
      const out = await client(creds).send(new sdk.GetSessionTokenCommand(input));
      return toCredentials(out.Credentials);
    },
    async assumeRoleWithWebIdentity(input) {
      const out = await client().send(new sdk.AssumeRoleWithWebIdentityCommand(input));
      return toCredentials(out.Credentials);
    },
    async getFederationToken(creds, input) {
      const out = await client(creds).send(new sdk.GetFederationTokenCommand(input));
      return toCredentials(out.Credentials);
    },
    async getCallerIdentity(creds) {
      const out = await client(creds).send(new sdk.GetCallerIdentityCommand({}));
      return { Account: out.Account, Arn: out.Arn, UserId: out.UserId };
    },
  };
}
