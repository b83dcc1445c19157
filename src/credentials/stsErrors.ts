import { AwsxError, isAwsxError } from "../errors.js";
import { transportProblem } from "../platform/transportProblem.js";

export interface StsCallContext {
  profile: string;
  action:
    | "AssumeRole"
    | "GetSessionToken"
    | "AssumeRoleWithWebIdentity"
    | "GetCallerIdentity"
    | "GetFederationToken";
  roleArn?: string;
  endpoint: string;
  mfa?: boolean;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

const NETWORK_CODE_IN_TEXT =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)\b/;

const HINTS: Record<string, string> = {
  AccessDenied: "check the role's trust policy allows the source identity",
  ExpiredToken:
    "the source credentials have expired: refresh them (or `awsx clear` the cached session)",
  ExpiredTokenException:
    "the source credentials have expired: refresh them (or `awsx clear` the cached session)",
  InvalidClientTokenId: "the source access key is not valid: check aws_access_key_id",
  SignatureDoesNotMatch:
    "the source secret key does not match the access key: check aws_secret_access_key",
  ValidationError: "fix the parameter STS names",
  RegionDisabledException:
    "activate STS in that region (IAM > Account settings) or set another region",
  InvalidIdentityToken:
    "the web identity token was rejected: check the token file and the role's OIDC trust",
  IDPRejectedClaim: "the identity provider's token was rejected by the role's trust policy",
  Throttling: "STS is throttling requests: wait and try again",
  ThrottlingException: "STS is throttling requests: wait and try again",
};

function errorCode(err: any): string | undefined {
  const code = err?.code ?? err?.cause?.code ?? err?.errno;
  if (typeof code === "string") return code;
  // The SDK sometimes wraps socket errors and keeps only the text.
  const m = NETWORK_CODE_IN_TEXT.exec(String(err?.message ?? ""));
  return m?.[1];
}

// One line that names the profile, the call and the fix; never the raw SDK object.
export function translateStsError(err: unknown, ctx: StsCallContext): AwsxError {
  if (isAwsxError(err)) return err;
  const e = err as any;
  const what =
    `${ctx.action}${ctx.roleArn ? ` of ${ctx.roleArn}` : ""}` + ` for profile "${ctx.profile}"`;
  // A proxy that refused or is down, a certificate not trusted: name the proxy or setting.
  const problem = transportProblem(err, "STS", ctx.endpoint, what);
  if (problem) return new AwsxError("E_NETWORK", problem, { cause: err, profile: ctx.profile });
  const code = errorCode(e);
  if (
    (code && NETWORK_CODES.has(code)) ||
    e?.name === "TimeoutError" ||
    e?.name === "RequestTimeout"
  ) {
    const why = code ?? "timed out";
    return new AwsxError(
      "E_NETWORK",
      `cannot reach STS at ${ctx.endpoint} for ${what}: ${why}; ` +
        "check the network, AWS_ENDPOINT_URL_STS or the profile's region",
      {
        cause: err,
        profile: ctx.profile,
      },
    );
  }
  const name: string = e?.name ?? "Error";
  const status: number | undefined = e?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) {
    return new AwsxError(
      "E_NETWORK",
      `STS failed (${name}, HTTP ${status}) on ${what} after retries; try again later`,
      { cause: err, profile: ctx.profile },
    );
  }
  // The SDK could not read the answer (not STS XML): the server is not STS, or is broken.
  if (
    (!e?.$metadata && !e?.$fault) ||
    /Deserialization error|not expected|Unexpected (end|token)/i.test(String(e?.message ?? ""))
  ) {
    const msg = typeof e?.message === "string" ? e.message : String(err);
    return new AwsxError(
      "E_STS",
      `unexpected answer from STS at ${ctx.endpoint} on ${what}: ${firstLine(msg)}`,
      { cause: err, profile: ctx.profile },
    );
  }
  let hint = HINTS[name] ?? "see the message from STS";
  if (name === "AccessDenied" && ctx.mfa)
    hint = "check the MFA code (it may be wrong or already used) and mfa_serial";
  const message = firstLine(typeof e.message === "string" && e.message ? e.message : name);
  return new AwsxError("E_STS", `STS refused ${what}: ${name}: ${message}; ${hint}`, {
    cause: err,
    profile: ctx.profile,
  });
}

const firstLine = (s: string): string => s.split("\n")[0]!.slice(0, 300);
