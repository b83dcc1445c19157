import type { MetadataAnswer } from "../../platform/metadataRequest.js";
import type { Credentials } from "../../types.js";
import type { MetadataSettings } from "../metadataSettings.js";
import type { StepEffects } from "../stepEffects.js";
import { isJson, isObject, keysOf } from "./metadataHttp.js";

const TOKEN_PATH = "latest/api/token";
const ROLE_PATH = "latest/meta-data/iam/security-credentials/";
const REQUIRED = ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"];
// The characters urllib3 leaves as they are in a path; it percent-encodes the rest.
const PATH_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/%]/;

type None = (why: string) => Error;

// credential_source = Ec2InstanceMetadata, request for request as botocore's
// InstanceMetadataFetcher: an IMDSv2 token (or IMDSv1 unless disabled), the role, its keys.
export async function fromInstanceMetadata(
  s: MetadataSettings,
  effects: StepEffects,
  none: None,
): Promise<Credentials> {
  if (s.disabled) throw none("AWS_EC2_METADATA_DISABLED is true");
  // urllib3 refuses a timeout of 0 or less at the first request, so botocore sends none.
  if (s.timeoutMs <= 0)
    throw none(`metadata_service_timeout must be at least 1 second, not ${s.timeoutMs / 1000}`);
  const token = await fetchToken(s, effects, none);
  if (!token && s.v1Disabled)
    throw none(
      `no IMDSv2 token from ${s.baseUrl} and IMDSv1 is disabled (ec2_metadata_v1_disabled)`,
    );
  const headers: Record<string, string> =
    token === undefined ? {} : { "x-aws-ec2-metadata-token": token };
  const empty = (a: { status: number; text: string }) => a.status !== 200 || a.text === "";
  const get = getter(s, effects, headers, none);
  const role = await get(ROLE_PATH, empty);
  const answer = await get(ROLE_PATH + encodePath(role), (a) => empty(a) || !isJson(a.text));
  const j: unknown = JSON.parse(answer);
  if (!isObject(j) || REQUIRED.some((k) => !(k in j)))
    throw none(`the answer for role ${role} lacks one of ${REQUIRED.join(", ")}`);
  return keysOf(j, none);
}

const url = (s: MetadataSettings, path: string): string =>
  s.baseUrl.endsWith("/") ? s.baseUrl + path : `${s.baseUrl}/${path}`;

// The role as it ends up in the URL: Python's urlsplit drops tabs and line breaks, urllib3
// percent-encodes what a path may not hold.
const encodePath = (p: string): string =>
  [...p.replace(/[\t\r\n]/g, "")]
    .map((c) =>
      PATH_SAFE.test(c)
        ? c
        : [...Buffer.from(c, "utf8")]
            .map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`)
            .join(""),
    )
    .join("");

// botocore's _fetch_metadata_token: undefined means "go on without one" (IMDSv1).
async function fetchToken(
  s: MetadataSettings,
  effects: StepEffects,
  none: None,
): Promise<string | undefined> {
  const headers = { "x-aws-ec2-metadata-token-ttl-seconds": "21600" };
  for (let i = 0; i < s.attempts; i++) {
    const a = await effects.metadataRequest(url(s, TOKEN_PATH), "PUT", headers, s.timeoutMs);
    if ("failed" in a) {
      if (a.timedOut === "read") return undefined;
      continue;
    }
    if (a.status === 200) return a.text;
    if ([403, 404, 405].includes(a.status)) return undefined;
    if (a.status === 400) throw none(`the IMDSv2 token request was refused (HTTP 400)`);
  }
  return undefined;
}

type Retry = (a: { status: number; text: string }) => boolean;

// botocore's _get_request: up to `attempts` GETs until one is not to be retried.
const getter =
  (s: MetadataSettings, effects: StepEffects, headers: Record<string, string>, none: None) =>
  async (path: string, retry: Retry): Promise<string> => {
    let last: MetadataAnswer | undefined;
    for (let i = 0; i < s.attempts; i++) {
      last = await effects.metadataRequest(url(s, path), "GET", headers, s.timeoutMs);
      if (!("failed" in last) && !retry(last)) return last.text;
    }
    throw none(`the instance metadata service at ${s.baseUrl} gave no ${path}: ${why(last)}`);
  };

const why = (last: MetadataAnswer | undefined): string =>
  !last
    ? "no attempt made (metadata_service_num_attempts)"
    : "failed" in last
      ? `cannot reach it: ${last.failed}`
      : `HTTP ${last.status}${last.status === 200 ? " with an empty or non-JSON answer" : ""}`;
