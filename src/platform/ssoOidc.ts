import { AwsxError } from "../errors.js";
import type { SsoClientTarget, SsoTokenRefresher } from "../types.js";
import type { SdkTarget } from "./sdkClientConfig.js";
import { printable } from "../util/printable.js";
import { serviceErrorName, serviceMessage } from "./serviceMessage.js";
import { ssoClientConfig } from "./ssoClientConfig.js";

// Where the OIDC calls go and how long one may take.
export type SsoTarget = SdkTarget & SsoClientTarget;

// A client registration, as RegisterClient answers it.
export interface OidcRegistration {
  clientId: string;
  clientSecret: string;
  // Epoch seconds.
  expiresAt: number;
}

// What StartDeviceAuthorization answers: the code to poll with and what the user sees.
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresIn: number;
  interval?: number;
}

// A token CreateToken issued (expiresIn in seconds).
export interface OidcToken {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

// An OIDC error answer: `error` is the OAuth code (authorization_pending, slow_down, ...).
export class OidcError extends Error {
  constructor(
    readonly error: string,
    readonly status: number | undefined,
    readonly type: string,
    // What the service said (error_description or message), when it said anything.
    readonly said?: string,
  ) {
    super(`${type} (${error})`);
    this.name = "OidcError";
  }
}

// The OIDC calls of a login (and the resolver's refresh), behind an interface so the flows
// can be tested without HTTP.
export interface SsoOidc extends SsoTokenRefresher {
  registerClient(input: {
    clientName: string;
    grantTypes: string[];
    redirectUris: string[];
    issuerUrl: string;
    scopes: string[];
  }): Promise<OidcRegistration>;
  startDeviceAuthorization(reg: OidcRegistration, startUrl: string): Promise<DeviceAuthorization>;
  createToken(
    reg: OidcRegistration,
    grant:
      | { grantType: "urn:ietf:params:oauth:grant-type:device_code"; deviceCode: string }
      | {
          grantType: "authorization_code";
          code: string;
          redirectUri: string;
          codeVerifier: string;
        },
  ): Promise<OidcToken>;
}

type OidcModule = typeof import("@aws-sdk/client-sso-oidc");

// An SDK error with an OAuth `error` field becomes an OidcError; others pass unchanged.
const oidcError = (e: unknown): unknown => {
  const err = e as { error?: unknown; name?: string; $metadata?: { httpStatusCode?: number } };
  const status = err?.$metadata?.httpStatusCode;
  if (typeof err?.error === "string" || (status !== undefined && status < 500 && err?.name)) {
    const type = serviceErrorName(e);
    return new OidcError(String(err.error ?? type), status, type, serviceMessage(e));
  }
  return e;
};

const need = (v: string | undefined, what: string): string => {
  if (!v) throw new OidcError("invalid_response", 200, `answer without ${what}`);
  return v;
};

// A lifetime (expiresIn) may be at most this many seconds: ten years. A longer one, or
// Infinity, makes no date, and awsx would end in an internal error.
const MAX_LIFETIME_S = 10 * 366 * 24 * 3600;
// The device flow's polling interval: at most an hour. Past about 24.8 days Node's timer
// overflows to 1 ms, and awsx would poll CreateToken without a pause.
const MAX_INTERVAL_S = 3600;
// A time in epoch seconds (a registration's end): at most 9999-12-31, the last ISO 8601 year.
const MAX_EPOCH_S = 253_402_300_799;

// A number of seconds an answer gives (a lifetime, an interval, a time): a number from 0 to max, or
// the answer is refused as one that is not IAM Identity Center's.
const seconds = (v: unknown, what: string, max: number): number => {
  if (typeof v === "number" && v >= 0 && v <= max) return v;
  const shown = printable(String(v), 40);
  throw new OidcError("invalid_response", 200, `answer with ${what} ${shown}, not 0-${max} s`);
};

// An access token is sent in a header (x-amz-sso_bearer_token): printable ASCII without
// spaces, or every later run would fail with a header error that blames the portal.
const BEARER = /^[\x21-\x7e]+$/;
const bearer = (v: string | undefined): string => {
  if (v && !BEARER.test(v))
    throw new OidcError("invalid_response", 200, "answer with an accessToken that is not ASCII");
  return need(v, "accessToken");
};

// SSO OIDC through @aws-sdk/client-sso-oidc, bundled apart (dist/lazy-sso-oidc.cjs) and
// loaded by `awsx sso login` and by a run whose SSO token needs a refresh.
export async function createSsoOidc(target: SsoTarget): Promise<SsoOidc> {
  const mod: any = await import("@aws-sdk/client-sso-oidc");
  const sdk = (mod.SSOOIDCClient ? mod : mod.default) as OidcModule;
  const client = new sdk.SSOOIDCClient(ssoClientConfig(target, "SSO OIDC"));
  const send = async <T>(cmd: any): Promise<T> => {
    try {
      return (await client.send(cmd)) as T;
    } catch (e) {
      throw oidcError(e);
    }
  };
  return {
    async registerClient(input) {
      const out: any = await send(
        new sdk.RegisterClientCommand({ clientType: "public", ...input }),
      );
      return {
        clientId: need(out.clientId, "clientId"),
        clientSecret: need(out.clientSecret, "clientSecret"),
        expiresAt: seconds(out.clientSecretExpiresAt ?? 0, "clientSecretExpiresAt", MAX_EPOCH_S),
      };
    },
    async startDeviceAuthorization(reg, startUrl) {
      const out: any = await send(
        new sdk.StartDeviceAuthorizationCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          startUrl,
        }),
      );
      return {
        deviceCode: need(out.deviceCode, "deviceCode"),
        userCode: need(out.userCode, "userCode"),
        verificationUri: need(out.verificationUri, "verificationUri"),
        verificationUriComplete: out.verificationUriComplete,
        expiresIn: seconds(out.expiresIn ?? 600, "expiresIn", MAX_LIFETIME_S),
        interval:
          out.interval === undefined
            ? undefined
            : seconds(out.interval, "interval", MAX_INTERVAL_S),
      };
    },
    async createToken(reg, grant) {
      const out: any = await send(
        new sdk.CreateTokenCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          ...grant,
        }),
      );
      return {
        accessToken: bearer(out.accessToken),
        expiresIn: seconds(out.expiresIn ?? 0, "expiresIn", MAX_LIFETIME_S),
        refreshToken: out.refreshToken,
      };
    },
    // The resolver's refresh: an AWS error (invalid_grant...) passes unchanged, as the SDK
    // raised it, for src/credentials/steps/sso.ts to tell apart from a network failure.
    async refreshToken(input) {
      const out = await client.send(
        new sdk.CreateTokenCommand({ ...input, grantType: "refresh_token" }),
      );
      if (!out.accessToken || typeof out.expiresIn !== "number") {
        const missing = out.accessToken ? "expiresIn" : "accessToken";
        throw new AwsxError("E_STS", `CreateToken answered without ${missing}`);
      }
      if (!BEARER.test(out.accessToken))
        throw new AwsxError("E_STS", "CreateToken answered an accessToken that is not ASCII");
      if (out.expiresIn < 0 || out.expiresIn > MAX_LIFETIME_S) {
        const shown = printable(String(out.expiresIn), 40);
        throw new AwsxError(
          "E_STS",
          `CreateToken answered expiresIn ${shown}, not 0-${MAX_LIFETIME_S} s`,
        );
      }
      return {
        accessToken: out.accessToken,
        expiresIn: out.expiresIn,
        ...(out.refreshToken ? { refreshToken: out.refreshToken } : {}),
      };
    },
  };
}
