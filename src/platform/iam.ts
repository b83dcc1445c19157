import { AwsxError } from "../errors.js";
import type { Credentials, Iam } from "../types.js";
import { type SdkTarget, sdkClientConfig } from "./sdkClientConfig.js";

type IamModule = typeof import("@aws-sdk/client-iam");

// IAM through @aws-sdk/client-iam, bundled apart (scripts/build.mjs LAZY): only
// `awsx rotate` loads it.
export async function createSdkIam(target: SdkTarget): Promise<Iam> {
  const mod: any = await import("@aws-sdk/client-iam");
  const sdk = (mod.IAMClient ? mod : mod.default) as IamModule;
  const client = (c: Credentials) =>
    new sdk.IAMClient({
      ...sdkClientConfig(target, "IAM"),
      credentials: {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
      },
    });
  return {
    async listAccessKeys(creds, UserName) {
      const out = await client(creds).send(new sdk.ListAccessKeysCommand({ UserName }));
      return (out.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId ?? "").filter(Boolean);
    },
    async createAccessKey(creds, UserName) {
      const out = await client(creds).send(new sdk.CreateAccessKeyCommand({ UserName }));
      const k = out.AccessKey;
      if (!k?.AccessKeyId || !k.SecretAccessKey) {
        throw new AwsxError("E_STS", "IAM answered CreateAccessKey without a key");
      }
      return { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey };
    },
    async deleteAccessKey(creds, UserName, AccessKeyId) {
      await client(creds).send(new sdk.DeleteAccessKeyCommand({ UserName, AccessKeyId }));
    },
  };
}
