import { AwsxError } from "../errors.js";
import type { Credentials, Sts, StsClientTarget } from "../types.js";
import { type SdkTarget, sdkClientConfig } from "./sdkClientConfig.js";
import { serviceKeys } from "./serviceKeys.js";

export interface StsTarget extends StsClientTarget, SdkTarget {
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
  return serviceKeys(
    {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    },
    "STS",
  );
};

// botocore posts to a configured endpoint's path and query as they are written
// ("http://host/base?x=1": POST /base?x=1); the SDK would add a "/" and drop the query.
// At the build step, before the request is signed.
function asGiven(endpoint: string) {
  const url = new URL(endpoint);
  const query: Record<string, string[]> = {};
  for (const k of new Set(url.searchParams.keys())) query[k] = url.searchParams.getAll(k);
  return (next: (args: any) => Promise<any>) =>
    async (args: any): Promise<any> => {
      args.request.path = url.pathname;
      args.request.query = { ...query };
      return next(args);
    };
}

// The real STS, through @aws-sdk/client-sts, imported only when a call is due:
// a warm run never loads the SDK.
export async function createSdkSts(target: StsTarget): Promise<Sts> {
  const mod: any = await import("@aws-sdk/client-sts");
  const sdk = (mod.STSClient ? mod : mod.default) as StsModule;
  const client = (creds?: Credentials) => {
    const c = new sdk.STSClient({
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
    if (target.endpoint) c.middlewareStack.add(asGiven(target.endpoint), { step: "build" });
    return c;
  };
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
