import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { Readable } from "node:stream";
import { AwsxError } from "../errors.js";
import type { Credentials, SsoTokenRefresher, SsoRolePortal } from "../types.js";
import { cappedStream } from "./capped.js";

export interface SsoTarget {
  region: string;
  endpoint?: string;
  // Per-attempt request timeout; the SDK retries throttling and 5xx with backoff.
  timeoutMs: number;
  maxAttempts: number;
}

type SsoModule = typeof import("@aws-sdk/client-sso");
type OidcModule = typeof import("@aws-sdk/client-sso-oidc");

// The SDK's HTTP handler, with every answer read no further than MAX_ANSWER_BYTES.
class CappedHttpHandler extends NodeHttpHandler {
  override async handle(...args: Parameters<NodeHttpHandler["handle"]>) {
    const out = await super.handle(...args);
    out.response.body = cappedStream(out.response.body as Readable, "IAM Identity Center");
    return out;
  }
}

// Both SSO clients' modules, for every SSO caller (resolver, `awsx sso` commands).
export async function loadSsoSdk(): Promise<{ sso: SsoModule; oidc: OidcModule }> {
  const [a, b]: any[] = await Promise.all([
    import("@aws-sdk/client-sso"),
    import("@aws-sdk/client-sso-oidc"),
  ]);
  return { sso: a.SSOClient ? a : a.default, oidc: b.SSOOIDCClient ? b : b.default };
}

// The client options every SSO call shares: region, endpoint, capped answers, a deadline.
// Both APIs are unsigned (a bearer token or a client secret travels in the request).
export function clientConfig(target: SsoTarget) {
  return {
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    maxAttempts: target.maxAttempts,
    requestHandler: new CappedHttpHandler({
      connectionTimeout: target.timeoutMs,
      requestTimeout: target.timeoutMs,
      throwOnRequestTimeout: true,
    } as ConstructorParameters<typeof NodeHttpHandler>[0]),
  };
}

// The portal (GetRoleCredentials) through @aws-sdk/client-sso, loaded on first use only.
export async function createSdkSsoPortal(target: SsoTarget): Promise<SsoRolePortal> {
  const { sso } = await loadSsoSdk();
  const client = new sso.SSOClient(clientConfig(target));
  return {
    async getRoleCredentials(input): Promise<Credentials> {
      const out = await client.send(new sso.GetRoleCredentialsCommand(input));
      const c = out.roleCredentials;
      if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || !c.expiration) {
        throw new AwsxError("E_STS", "the SSO portal answered without role credentials");
      }
      return {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        expiration: new Date(c.expiration),
      };
    },
  };
}

// The OIDC service's refresh grant through @aws-sdk/client-sso-oidc.
export async function createSdkSsoOidc(target: SsoTarget): Promise<SsoTokenRefresher> {
  const { oidc } = await loadSsoSdk();
  const client = new oidc.SSOOIDCClient(clientConfig(target));
  return {
    async refreshToken(input) {
      const out = await client.send(
        new oidc.CreateTokenCommand({ ...input, grantType: "refresh_token" }),
      );
      if (!out.accessToken || typeof out.expiresIn !== "number") {
        throw new AwsxError("E_STS", "the SSO OIDC service answered without an access token");
      }
      return {
        accessToken: out.accessToken,
        expiresIn: out.expiresIn,
        ...(out.refreshToken ? { refreshToken: out.refreshToken } : {}),
      };
    },
  };
}
