import { isIPv4, isIPv6 } from "node:net";
import type { MetadataAnswer } from "../../platform/metadataRequest.js";
import type { Credentials, Env } from "../../types.js";
import { refreshedOnce } from "../refreshedOnce.js";
import type { StepEffects } from "../stepEffects.js";
import { isObject, keysOf } from "./metadataHttp.js";

const ECS_HOST = "169.254.170.2";
const ALLOWED_HOSTS = [ECS_HOST, "169.254.170.23", "fd00:ec2::23", "localhost"];
const REQUIRED = ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"];
// botocore's ContainerMetadataFetcher: 2 s per request, 3 attempts 1 s apart.
const TIMEOUT_MS = 2000;
const ATTEMPTS = 3;
const PAUSE_MS = 1000;

type None = (why: string) => Error;

export interface ContainerOptions {
  env: Env;
  now: () => Date;
  effects: StepEffects;
}

// credential_source = EcsContainer, as botocore's ContainerProvider: the relative URI wins
// when its variable is set at all; the token file wins over the token; a token with a
// line break, or a full URI to a host botocore does not allow, fails before any request.
export function fromContainer(o: ContainerOptions, none: None): Promise<Credentials> {
  return refreshedOnce(
    () => fetchContainer(o, none),
    o.now,
    () => none("the endpoint's keys were refetched and are still expired"),
  );
}

async function fetchContainer(o: ContainerOptions, none: None): Promise<Credentials> {
  const env = o.env;
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (relative === undefined && full === undefined)
    throw none(
      "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI " +
        "nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
    );
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = await authToken(env, o.effects, none);
  if (token !== undefined) headers.Authorization = token;
  const target = relative !== undefined ? `http://${ECS_HOST}${relative}` : full!;
  if (relative === undefined) checkHost(target, none);
  let last: MetadataAnswer | undefined;
  for (let i = 0; i < ATTEMPTS; i++) {
    if (i > 0) await o.effects.sleep(PAUSE_MS);
    last = await o.effects.metadataRequest(target, "GET", headers, TIMEOUT_MS);
    if ("failed" in last || last.status !== 200) continue;
    let j: unknown;
    try {
      j = JSON.parse(last.text);
    } catch {
      continue;
    }
    if (!isObject(j) || REQUIRED.some((k) => !(k in j)))
      throw none(`the answer lacks one of ${REQUIRED.join(", ")}`);
    return keysOf(j, none);
  }
  throw none(
    "failed" in last!
      ? `cannot reach the container credentials endpoint: ${last.failed}`
      : `the container credentials endpoint answered HTTP ${last!.status}` +
          (last!.status === 200 ? " with something that is not JSON" : ""),
  );
}

// The Authorization value, read as Python's open().read() reads it (newlines translated).
async function authToken(env: Env, effects: StepEffects, none: None): Promise<string | undefined> {
  let token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  const file = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  if (file !== undefined) {
    try {
      const bytes = await effects.readFile(file);
      token = new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/\r\n?/g, "\n");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? "not UTF-8";
      throw none(`cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: ${code}`);
    }
  }
  if (token === undefined) return undefined;
  if (/[\r\n]/.test(token))
    throw none("the authorization token holds a line break (a trailing newline?); remove it");
  // Python's http.client sends other control characters; Node's HTTP client refuses to.
  if (/[\0-\x08\x0b-\x1f\x7f]/.test(token))
    throw none("the authorization token holds a control character, which awsx cannot send");
  // http.client sends header values as latin-1: anything beyond fails there.
  if ([...token].some((c) => c.codePointAt(0)! > 0xff))
    throw none("the authorization token holds characters outside latin-1");
  return token;
}

// botocore's _validate_allowed_url, on the host as Python's urlparse reads it.
function checkHost(uri: string, none: None): void {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(uri);
  if (m?.[1]?.toLowerCase() === "https") return;
  const authority = m?.[2]?.replace(/^.*@/, "") ?? "";
  const host = (
    authority.startsWith("[")
      ? authority.slice(1, authority.indexOf("]"))
      : authority.split(":")[0]!
  ).toLowerCase();
  if (host && (isLoopback(host) || ALLOWED_HOSTS.includes(host))) return;
  throw none(
    `AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, a loopback address or ` +
      `${ALLOWED_HOSTS.join(", ")}; not "${host || uri}"`,
  );
}

// Python's ip_address(host).is_loopback: 127.0.0.0/8 in strict dotted form, or ::1.
function isLoopback(host: string): boolean {
  if (isIPv4(host)) return host.startsWith("127.") && !/(^|\.)0\d/.test(host);
  if (isIPv6(host)) return new URL(`http://[${host}]/`).hostname === "[::1]";
  return false;
}
