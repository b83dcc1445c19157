import { promises as fs } from "node:fs";
import { AwsxError, isAwsxError } from "../../errors.js";
import type { CredentialSourceName, SourceStep } from "../../plan/types.js";
import type { Credentials } from "../../types.js";
import { cappedText } from "../../platform/capped.js";
import type { StepContext } from "../stepContext.js";

export interface SourceOptions {
  env: Record<string, string | undefined>;
  timeoutMs: number;
  // The clock AWS_CREDENTIAL_EXPIRATION is checked against.
  now?: () => Date;
}

// The credential_source step of a role profile.
export function credentialSource(
  step: Extract<SourceStep, { kind: "credentialSource" }>,
  ctx: StepContext,
): Promise<Credentials> {
  ctx.logger.debug(`profile ${step.profile}: credentials from credential_source ${step.source}`);
  return fromCredentialSource(step.profile, step.source, {
    env: ctx.env,
    timeoutMs: ctx.sourceTimeoutMs,
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
  if (source === "Environment")
    return fromEnvironment(profile, options.env, none, options.now ?? (() => new Date()));
  if (source === "EcsContainer") return fromContainer(options, none);
  return fromInstanceMetadata(options, none);
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

// botocore refuses env keys whose AWS_CREDENTIAL_EXPIRATION is not a date or has passed,
// before any request ("refreshed credentials are still expired").
function envExpiration(profile: string, raw: string | undefined, now: () => Date) {
  if (!raw) return undefined;
  const exp = new Date(raw);
  const fail = (why: string) =>
    new AwsxError(
      "E_CREDENTIALS",
      `AWS_CREDENTIAL_EXPIRATION ${why} (credential_source = Environment of profile ` +
        `"${profile}"); refresh the keys in awsx's environment or unset it`,
      { profile },
    );
  if (Number.isNaN(exp.getTime())) throw fail(`"${raw}" is not a date`);
  if (exp.getTime() <= now().getTime()) throw fail(`${raw} has passed: the keys are expired`);
  return exp;
}

async function getJson(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  method = "GET",
): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method,
    headers,
    signal: AbortSignal.timeout(timeoutMs),
    redirect: "error",
  });
  return { status: res.status, text: await cappedText(res, url, "E_CREDENTIALS") };
}

function parseMetadataCredentials(text: string, none: (why: string) => AwsxError): Credentials {
  let j: any;
  try {
    j = JSON.parse(text);
  } catch {
    throw none("the endpoint answered with something that is not JSON");
  }
  if (!j?.AccessKeyId || !j?.SecretAccessKey)
    throw none("the endpoint's answer has no AccessKeyId/SecretAccessKey");
  const exp = j.Expiration ? new Date(j.Expiration) : undefined;
  return {
    accessKeyId: j.AccessKeyId,
    secretAccessKey: j.SecretAccessKey,
    ...(j.Token ? { sessionToken: j.Token } : {}),
    ...(exp && !Number.isNaN(exp.getTime()) ? { expiration: exp } : {}),
  };
}

const ALLOWED_CONTAINER_HOSTS = new Set([
  "127.0.0.1",
  "localhost",
  "[::1]",
  "169.254.170.2",
  "169.254.170.23",
  "[fd00:ec2::23]",
]);

async function fromContainer(
  options: SourceOptions,
  none: (why: string) => AwsxError,
): Promise<Credentials> {
  const env = options.env;
  let url: string;
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)
    url = `http://169.254.170.2${env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}`;
  else if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    url = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw none(`AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL`);
    }
    if (
      parsed.protocol !== "https:" &&
      !ALLOWED_CONTAINER_HOSTS.has(parsed.hostname) &&
      !parsed.hostname.startsWith("127.")
    ) {
      throw none(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https or a loopback host, " +
          `not ${parsed.hostname}`,
      );
    }
  } else
    throw none(
      "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI " +
        "nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
    );
  const headers: Record<string, string> = { Accept: "application/json" };
  let token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  if (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) {
    try {
      token = (await fs.readFile(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, "utf8")).trim();
    } catch (e) {
      throw none(
        "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: " +
          `${(e as NodeJS.ErrnoException).code ?? e}`,
      );
    }
  }
  if (token) headers.Authorization = token;
  let res: Awaited<ReturnType<typeof getJson>>;
  try {
    res = await getJson(url, headers, options.timeoutMs);
  } catch (e) {
    if (isAwsxError(e)) throw e;
    throw none(
      "cannot reach the container credentials endpoint: " +
        `${(e as any)?.cause?.code ?? (e as Error).name}`,
    );
  }
  if (res.status !== 200)
    throw none(`the container credentials endpoint answered HTTP ${res.status}`);
  return parseMetadataCredentials(res.text, none);
}

async function fromInstanceMetadata(
  options: SourceOptions,
  none: (why: string) => AwsxError,
): Promise<Credentials> {
  const env = options.env;
  if ((env.AWS_EC2_METADATA_DISABLED ?? "").toLowerCase() === "true")
    throw none("AWS_EC2_METADATA_DISABLED is true");
  const base = (env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? "http://169.254.169.254/").replace(
    /\/+$/,
    "",
  );
  try {
    const tokenRes = await getJson(
      `${base}/latest/api/token`,
      { "x-aws-ec2-metadata-token-ttl-seconds": "21600" },
      options.timeoutMs,
      "PUT",
    );
    const headers: Record<string, string> =
      tokenRes.status === 200 ? { "x-aws-ec2-metadata-token": tokenRes.text } : {};
    const roleRes = await getJson(
      `${base}/latest/meta-data/iam/security-credentials/`,
      headers,
      options.timeoutMs,
    );
    const role = roleRes.status === 200 ? roleRes.text.trim().split("\n")[0] : undefined;
    if (!role) throw none(`the instance metadata service has no IAM role (HTTP ${roleRes.status})`);
    const credRes = await getJson(
      `${base}/latest/meta-data/iam/security-credentials/${encodeURIComponent(role)}`,
      headers,
      options.timeoutMs,
    );
    if (credRes.status !== 200)
      throw none(`the instance metadata service answered HTTP ${credRes.status} for role ${role}`);
    return parseMetadataCredentials(credRes.text, none);
  } catch (e) {
    if (isAwsxError(e)) throw e;
    throw none(
      `cannot reach the instance metadata service at ${base}: ` +
        `${(e as any)?.cause?.code ?? (e as Error).name}`,
    );
  }
}
