import { translateStsError } from "../credentials/stsErrors.js";
import { AwsxError, isAwsxError } from "../errors.js";
import { networkCause } from "../platform/networkCause.js";
import { transportProblem } from "../platform/transportProblem.js";
import type { Credentials, Sts } from "../types.js";
import type { Logger } from "../util/log.js";
import { loginUrl, signinTokenRequest } from "./federation.js";

// What the console exchange does outside awsx, handed in (`awsx login` passes the profile's
// STS client and a bounded GET on the run's proxy and CA bundle; tests pass fakes).
export interface SignInEffects {
  // The profile's STS client, created only for long-term keys.
  sts(): Promise<Pick<Sts, "getFederationToken">>;
  // One GET of the federation endpoint; a failure to reach it rejects.
  get(url: string): Promise<{ status: number; text: string }>;
  logger: Pick<Logger, "debug" | "secret">;
}

export interface SignInRequest {
  profile: string;
  credentials: Credentials;
  // The federation endpoint (AWSX_FEDERATION_ENDPOINT or the partition's) and the console
  // page to open.
  endpoint: string;
  destination: string;
  // The STS endpoint GetFederationToken goes to, as its errors name it.
  stsEndpoint: string;
  // --duration: the federation session's length (long-term keys) ...
  federationSeconds?: number;
  // ... or the console session's (a role), sent as SessionDuration.
  sessionSeconds?: number;
}

const ALLOW_ALL = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
});

// The console sign-in URL for credentials, as aws-vault makes it: long-term user keys get a
// GetFederationToken session first (the federation endpoint takes only sessions), then the
// endpoint trades the session for a SigninToken.
export async function consoleSignInUrl(r: SignInRequest, fx: SignInEffects): Promise<string> {
  const session = r.credentials.sessionToken ? r.credentials : await federationSession(r, fx);
  const answer = await signinAnswer(r, session, fx);
  const token = signinToken(answer, r);
  fx.logger.secret(token);
  return loginUrl(r.endpoint, token, r.destination);
}

async function federationSession(r: SignInRequest, fx: SignInEffects): Promise<Credentials> {
  // GetFederationToken's Name: 2-32 characters of [\w+=,.@-].
  const name = `awsx-${r.profile}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 32);
  fx.logger.debug(
    `profile ${r.profile}: long-term keys, GetFederationToken ${name} for the console`,
  );
  const sts = await fx.sts();
  let creds: Credentials;
  try {
    creds = await sts.getFederationToken(r.credentials, {
      Name: name,
      Policy: ALLOW_ALL,
      DurationSeconds: r.federationSeconds ?? 3600,
    });
  } catch (e) {
    const call = {
      profile: r.profile,
      action: "GetFederationToken",
      endpoint: r.stsEndpoint,
    } as const;
    throw translateStsError(e, call);
  }
  fx.logger.secret(creds.sessionToken);
  fx.logger.secret(creds.secretAccessKey);
  return creds;
}

// The federation endpoint's answer text; a refusal or a failure to reach it as one line.
async function signinAnswer(
  r: SignInRequest,
  session: Credentials,
  fx: SignInEffects,
): Promise<string> {
  try {
    // Inside the try: an endpoint that is no URL is said as one that cannot be reached.
    const res = await fx.get(signinTokenRequest(r.endpoint, session, r.sessionSeconds));
    if (res.status === 200) return res.text;
    throw new AwsxError(
      "E_STS",
      `the federation endpoint ${r.endpoint} answered HTTP ${res.status} ` +
        `for profile "${r.profile}"; check the credentials and --duration`,
      { profile: r.profile },
    );
  } catch (e) {
    if (isAwsxError(e)) throw e;
    const who = `profile "${r.profile}"`;
    const problem = transportProblem(e, "the federation endpoint", r.endpoint, who);
    throw new AwsxError(
      "E_NETWORK",
      problem ??
        `cannot reach the federation endpoint ${r.endpoint} for ${who}: ${networkCause(e)}`,
      { profile: r.profile, cause: e },
    );
  }
}

function signinToken(text: string, r: SignInRequest): string {
  let token: unknown;
  try {
    token = JSON.parse(text).SigninToken;
  } catch {
    token = undefined;
  }
  if (typeof token === "string" && token) return token;
  throw new AwsxError(
    "E_STS",
    `the federation endpoint ${r.endpoint} answered without a SigninToken ` +
      `(profile "${r.profile}")`,
    { profile: r.profile },
  );
}
