import { transportProblem } from "../../platform/transportProblem.js";
import { AwsxError, isAwsxError } from "../../errors.js";
import type { SourceStep } from "../../plan/plan.js";
import type { SsoSession } from "../../sso/ssoConfig.js";
import { ssoCacheKey, type SsoToken } from "../../sso/ssoToken.js";
import type { SsoEndpoint } from "../../config/endpoint.js";
import { serviceErrorName, serviceMessage } from "../../platform/serviceMessage.js";
import type { Credentials, SsoClientTarget, SsoFactory } from "../../types.js";
import { printable } from "../../util/printable.js";
import type { SsoContext } from "../ssoContext.js";
import { type SourceDef, shownOrigin } from "../stepDef.js";
import type { StepContext } from "../stepContext.js";

type SsoStep = Extract<SourceStep, { kind: "sso" }>;

// botocore's SSOTokenProvider._REFRESH_WINDOW: a token with less left is refreshed.
export const TOKEN_REFRESH_WINDOW_MS = 15 * 60 * 1000;

const leftMs = (t: SsoToken, now: Date): number => Date.parse(t.expiresAt) - now.getTime();

// The command that signs a profile in: its sso-session, else the profile (legacy form).
const loginCommand = (step: { profile: string; session: SsoSession }): string =>
  step.session.name
    ? `awsx sso login --sso-session ${step.session.name}`
    : `awsx sso login ${step.profile}`;

function notSignedIn(step: SsoStep, reason: string): AwsxError {
  const of = step.session.name
    ? `sso-session "${step.session.name}"`
    : `start URL ${step.session.startUrl}`;
  return new AwsxError(
    "E_CREDENTIALS",
    `profile "${step.profile}": ${reason} for ${of}; run \`${loginCommand(step)}\` ` +
      "(or `aws sso login` for the profile)",
    { profile: step.profile },
  );
}

// The client of a session's portal or OIDC: its endpoint URL, or the default's switches; the
// CA bundle of an https endpoint.
const clientTarget = (step: SsoStep, e: SsoEndpoint): SsoClientTarget => ({
  region: step.session.region,
  ...(e.url ? { endpoint: e.url } : { fips: e.fips, dualstack: e.dualstack }),
  ...(e.caBundle ? { caBundle: e.caBundle } : {}),
});

// GetRoleCredentials for the profile's account and role, with a valid token.
async function ssoRole(step: SsoStep, ctx: StepContext): Promise<Credentials> {
  const sso = ctx.sso;
  if (!sso) throw new AwsxError("E_INTERNAL", "an SSO profile was resolved without SSO deps");
  const token = await validToken(step, sso, ctx);
  const { portal } = sso.endpoints(step.session.region);
  ctx.logger.debug(
    `profile ${step.profile}: GetRoleCredentials ${step.accountId}/${step.roleName} ` +
      `at ${portal.label} (${portal.from})`,
  );
  const call = async () => {
    const client = await sso.clients.portal(clientTarget(step, portal));
    return client.getRoleCredentials({
      accessToken: token.accessToken,
      accountId: step.accountId,
      roleName: step.roleName,
    });
  };
  try {
    return await call();
  } catch (e) {
    if ((e as Error)?.name === "UnauthorizedException") {
      throw notSignedIn(step, "IAM Identity Center rejected the SSO token (signed out or expired)");
    }
    throw portalError(e, step, portal.label);
  }
}

// botocore refreshes only the sso-session form's token (SSOTokenProvider); a legacy profile's
// token (sso_start_url in the profile) is read by SSOTokenLoader and used as it is until it
// expires (SSOCredentialFetcher): no CreateToken, and the CLI's file is never rewritten.
export const refreshesToken = (session: SsoSession): boolean => session.name !== undefined;

// The token to use: read, refreshed under a lock when inside the window, else a login.
async function validToken(step: SsoStep, sso: SsoContext, ctx: StepContext): Promise<SsoToken> {
  const key = ssoCacheKey(step.session);
  let token = known(await sso.tokens.read(key), ctx);
  if (!token) return loginOr(step, sso, ctx, "not signed in to IAM Identity Center");
  const refreshes = refreshesToken(step.session);
  const inWindow = leftMs(token, ctx.now()) < TOKEN_REFRESH_WINDOW_MS;
  if (refreshes && inWindow && canRefresh(token, ctx.now())) {
    // One refresh for many parallel runs: the others find the refreshed token.
    token = await sso.lock(`sso-token-${key}`, async () => {
      const latest = known(await sso.tokens.read(key), ctx) ?? token!;
      if (leftMs(latest, ctx.now()) >= TOKEN_REFRESH_WINDOW_MS) return latest;
      return (await refresh(step, key, latest, sso, ctx)) ?? latest;
    });
  }
  if (leftMs(token, ctx.now()) <= 0) {
    const why = refreshes
      ? `the SSO token expired at ${token.expiresAt} and could not be refreshed`
      : `the SSO token expired at ${token.expiresAt} (a profile without sso_session is ` +
        "never refreshed, as in the AWS CLI)";
    return loginOr(step, sso, ctx, why);
  }
  return token;
}

async function loginOr(
  step: SsoStep,
  sso: SsoContext,
  ctx: StepContext,
  reason: string,
): Promise<SsoToken> {
  const { oidc, portal } = sso.endpoints(step.session.region);
  const caBundle = oidc.caBundle ?? portal.caBundle;
  const token = known(
    await sso.login?.({
      profile: step.profile,
      session: step.session,
      reason,
      oidcUrl: oidc.label,
      portalUrl: portal.label,
      ...(caBundle ? { caBundle } : {}),
    }),
    ctx,
  );
  if (token && leftMs(token, ctx.now()) > 0) return token;
  throw notSignedIn(step, reason);
}

const known = (t: SsoToken | undefined, ctx: StepContext): SsoToken | undefined => {
  for (const s of [t?.accessToken, t?.refreshToken, t?.clientSecret]) ctx.logger.secret(s);
  return t;
};

// botocore's _refresh_access_token: all four keys, and a registration not yet expired.
function canRefresh(t: SsoToken, now: Date): boolean {
  if (!t.refreshToken || !t.clientId || !t.clientSecret || !t.registrationExpiresAt) return false;
  return Date.parse(t.registrationExpiresAt) > now.getTime();
}

// CreateToken with the refresh grant. A refusal is not an error here (botocore logs a
// ClientError and keeps the token): a token with time left is still used, an expired one asks
// for a login. An answer without accessToken or expiresIn is one (botocore's KeyError fails
// the command): the adapter raises it as an AwsxError.
async function refresh(
  step: SsoStep,
  key: string,
  old: SsoToken,
  sso: SsoContext,
  ctx: StepContext,
): Promise<SsoToken | undefined> {
  if (!canRefresh(old, ctx.now())) return undefined;
  const { oidc } = sso.endpoints(step.session.region);
  ctx.logger.debug(`profile ${step.profile}: refreshing the SSO token at ${oidc.label}`);
  let answer: Awaited<ReturnType<Awaited<ReturnType<SsoFactory["oidc"]>>["refreshToken"]>>;
  try {
    const client = await sso.clients.oidc(clientTarget(step, oidc));
    answer = await client.refreshToken({
      clientId: old.clientId!,
      clientSecret: old.clientSecret!,
      refreshToken: old.refreshToken!,
    });
  } catch (e) {
    if (isAwsxError(e) && e.code === "E_STS") throw refreshAnswerError(e, step, oidc.label);
    const why = isAwsxError(e) ? e.message : `${(e as Error)?.name}: ${(e as Error)?.message}`;
    ctx.logger.debug(`profile ${step.profile}: the SSO token refresh failed (${firstLine(why)})`);
    return undefined;
  }
  ctx.logger.secret(answer.accessToken);
  ctx.logger.secret(answer.refreshToken);
  const token: SsoToken = {
    startUrl: step.session.startUrl,
    region: step.session.region,
    accessToken: answer.accessToken,
    expiresAt: new Date(ctx.now().getTime() + answer.expiresIn * 1000).toISOString(),
    clientId: old.clientId!,
    clientSecret: old.clientSecret!,
    registrationExpiresAt: old.registrationExpiresAt!,
    // As botocore: the new refresh token, or none.
    ...(answer.refreshToken ? { refreshToken: answer.refreshToken } : {}),
    ...(old.from ? { from: old.from } : {}),
  };
  try {
    await sso.tokens.save(key, token);
  } catch (e) {
    ctx.logger.warn(`could not keep the refreshed SSO token: ${firstLine((e as Error).message)}`);
  }
  return token;
}

// A refresh whose answer is not a token: the profile, where it came from, and the way out.
function refreshAnswerError(e: AwsxError, step: SsoStep, endpoint: string): AwsxError {
  return new AwsxError(
    "E_STS",
    `profile "${step.profile}": refreshing the SSO token at ${endpoint} failed: ` +
      `${firstLine(e.message)}; check AWS_ENDPOINT_URL_SSO_OIDC and sso_region, or run ` +
      `\`${loginCommand(step)}\``,
    { cause: e, profile: step.profile },
  );
}

const NETWORK = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH)\b/;

// A failed GetRoleCredentials as one line naming the profile and the fix.
function portalError(e: unknown, step: SsoStep, endpoint: string): AwsxError {
  if (isAwsxError(e)) return e;
  const err = e as { name?: string; message?: string; code?: string; $metadata?: any };
  const what =
    `GetRoleCredentials of ${step.roleName} in ${step.accountId} ` +
    `for profile "${step.profile}"`;
  const code = err?.code ?? NETWORK.exec(String(err?.message ?? ""))?.[1];
  const status: number | undefined = err?.$metadata?.httpStatusCode;
  const opts = { cause: e, profile: step.profile };
  const problem = transportProblem(e, "the SSO portal", endpoint, what);
  if (problem) return new AwsxError("E_NETWORK", problem, opts);
  if ((code && NETWORK.test(code)) || err?.name === "TimeoutError") {
    return new AwsxError(
      "E_NETWORK",
      `cannot reach the SSO portal at ${endpoint} for ${what}: ${code ?? "timed out"}; ` +
        "check the network, AWS_ENDPOINT_URL_SSO or sso_region",
      opts,
    );
  }
  if (status !== undefined && status >= 500) {
    return new AwsxError(
      "E_NETWORK",
      `the SSO portal failed (${firstLine(String(err.name))}, HTTP ${status}) on ${what} ` +
        "after retries; try again later",
      opts,
    );
  }
  const hint =
    err?.name === "ForbiddenException" || err?.name === "ResourceNotFoundException"
      ? "check sso_account_id and sso_role_name: the user must be assigned that role"
      : "see the message from IAM Identity Center";
  const said = serviceMessage(e);
  return new AwsxError(
    "E_STS",
    `IAM Identity Center refused ${what}: ${serviceErrorName(e)}` +
      `${said ? `: ${said}` : ""}; ${hint}`,
    opts,
  );
}

// The first line of a message from outside (the portal, the SDK), printable.
const firstLine = (s: string): string => printable(s.split("\n")[0]!, 300);

// IAM Identity Center: named as botocore's cache key (role, account, session or start URL)
// and by the portal it calls; the session is cached like an STS one.
export const ssoStep: SourceDef<SsoStep> = {
  endpoint: (s, ctx) => ctx.sso?.endpoints(s.session.region).portal.label,
  identity: (s, hop) => [
    "sso",
    s.accountId,
    s.roleName,
    s.session.name ?? "",
    s.session.name ? "" : s.session.startUrl,
    s.session.region,
    hop.sourceEndpoint ?? "",
  ],
  cachedAs: (s) => `${s.accountId}/${s.roleName}`,
  run: (s, ctx) => ssoRole(s, ctx),
  describe: (s) => `sso(${s.accountId}/${s.roleName})`,
  explain: (s) => ({
    accountId: s.accountId,
    roleName: s.roleName,
    ssoSession: s.session.name,
    startUrl: s.session.startUrl,
    ssoRegion: s.session.region,
    sessionFrom: shownOrigin(s.session.origin),
    login: loginCommand(s),
    tokenRefresh: refreshesToken(s.session) ? "within 15 minutes of expiry" : "never",
    from: shownOrigin(s.origin),
  }),
};
