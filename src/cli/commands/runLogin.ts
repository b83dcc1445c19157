import { AwsxError, isAwsxError } from "../../errors.js";
import { translateStsError } from "../../credentials/stsErrors.js";
import type { Credentials } from "../../types.js";
import {
  destinationUrl,
  loginUrl,
  partitionOf,
  signinTokenRequest,
} from "../../login/federation.js";
import { sendRequest } from "../../platform/sendRequest.js";
import { transportProblem } from "../../platform/transportProblem.js";
import { networkCause } from "../../platform/networkCause.js";
import { openSecretUrl } from "../../platform/openBrowser.js";
import { type CredentialFlags, type Deps, trustOf } from "../deps.js";
import { planOf, resolveProfile, stsClientFor } from "../resolveProfile.js";

export interface LoginInput extends CredentialFlags {
  profile: string;
  path?: string;
  open?: boolean;
  stdout?: boolean;
}

const ALLOW_ALL = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
});

// awsx login PROFILE: a console sign-in URL for the profile's role (long-term user keys
// go through GetFederationToken first, as aws-vault does).
export async function runLogin(
  input: LoginInput,
  deps: Deps,
  out: (s: string) => void,
): Promise<number> {
  const { logger } = deps;
  // GetFederationToken needs the long-term keys themselves: no session of stored keys.
  input = { ...input, session: false };
  const plan = await planOf(input.profile, { ...input, duration: undefined }, deps);
  // A bad --path is refused before any credentials are fetched or sent anywhere.
  const partition = partitionOf(plan.region);
  const destination = destinationUrl(partition, plan.region, input.path);
  const isRole =
    plan.steps.some((s) => s.kind === "assumeRole") || plan.source.kind === "webIdentity";
  const resolved = await resolveProfile(
    input.profile,
    isRole ? input : { ...input, duration: undefined },
    deps,
  );
  let creds: Credentials = resolved.credentials;
  const _region = resolved.plan.region;
  if (!creds.sessionToken) {
    const name = `awsx-${input.profile}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 32);
    logger.debug(
      `profile ${input.profile}: long-term keys, GetFederationToken ${name} for the console`,
    );
    const sts = await stsClientFor(resolved, deps);
    try {
      creds = await sts.getFederationToken(creds, {
        Name: name,
        Policy: ALLOW_ALL,
        DurationSeconds: input.duration ?? 3600,
      });
    } catch (e) {
      throw translateStsError(e, {
        profile: input.profile,
        action: "GetFederationToken",
        endpoint: resolved.endpoint.label,
      });
    }
    logger.secret(creds.sessionToken);
    logger.secret(creds.secretAccessKey);
  }
  const endpoint = deps.settings.federationEndpoint || partition.federation;
  const sessionDuration = isRole && input.duration !== undefined ? input.duration : undefined;
  let text: string;
  try {
    // The federation endpoint is reached as the CLI reaches AWS: its proxy, the profile's
    // CA bundle (for an https endpoint).
    const bundle = endpoint.startsWith("https:") ? resolved.endpoint.caBundle : undefined;
    const res = await sendRequest(signinTokenRequest(endpoint, creds, sessionDuration), {
      method: "GET",
      timeoutMs: 10_000,
      trust: trustOf(deps, bundle),
      what: endpoint,
    });
    text = res.text;
    if (res.status !== 200)
      throw new AwsxError(
        "E_STS",
        `the federation endpoint ${endpoint} answered HTTP ${res.status} ` +
          `for profile "${input.profile}"; check the credentials and --duration`,
        { profile: input.profile },
      );
  } catch (e) {
    if (isAwsxError(e)) throw e;
    const who = `profile "${input.profile}"`;
    const problem = transportProblem(e, "the federation endpoint", endpoint, who);
    throw new AwsxError(
      "E_NETWORK",
      problem ?? `cannot reach the federation endpoint ${endpoint} for ${who}: ${networkCause(e)}`,
      { profile: input.profile, cause: e },
    );
  }
  let token: unknown;
  try {
    token = JSON.parse(text).SigninToken;
  } catch {
    token = undefined;
  }
  if (typeof token !== "string" || !token)
    throw new AwsxError(
      "E_STS",
      `the federation endpoint ${endpoint} answered without a SigninToken ` +
        `(profile "${input.profile}")`,
      { profile: input.profile },
    );
  logger.secret(token);
  const url = loginUrl(endpoint, token, destination);
  if (input.open && (await openSecretUrl(url, deps.env))) return 0;
  out(`${url}\n`);
  return 0;
}
