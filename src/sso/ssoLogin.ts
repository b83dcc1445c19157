import { randomBytes } from "node:crypto";
import { transportProblem } from "../platform/transportProblem.js";
import { AwsxError, isAwsxError } from "../errors.js";
import type { CallbackServer } from "../platform/callbackServer.js";
import type {
  DeviceAuthorization,
  OidcRegistration,
  OidcToken,
  SsoOidc,
} from "../platform/ssoOidc.js";
import type { Logger } from "../util/log.js";
import { printable } from "../util/printable.js";
import { checkDeviceAnswer } from "./deviceAnswer.js";
import { pkcePair } from "./pkce.js";
import type { SsoToken } from "./ssoToken.js";

// The OAuth grant type of the device code flow (RFC 8628).
const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
// Registered once for both flows, so one registration serves either on the next login.
const GRANT_TYPES = ["authorization_code", "refresh_token", DEVICE_GRANT];
// The loopback redirect URI is registered without a port: any port of it is accepted
// (RFC 8252 7.3), as botocore registers it.
const REDIRECT_URI = "http://127.0.0.1/oauth/callback";
const DEFAULT_SCOPES = ["sso:account:access"];
// A registration closer than this to its end is replaced rather than reused.
const REGISTRATION_MARGIN_MS = 15 * 60_000;
// RFC 8628 3.5: slow_down adds 5 seconds to the polling interval for good.
const SLOW_DOWN_MS = 5000;

// The session a login is for (what src/sso/ssoConfig.ts resolves).
export interface LoginSession {
  name?: string;
  startUrl: string;
  region: string;
  scopes?: string[];
}

// One sign-in: which session, which flow, and what the previous one left.
export interface LoginRequest {
  session: LoginSession;
  flow: "auth-code" | "device";
  // Whether to try a browser at all (else the URL is only printed).
  openBrowser: boolean;
  // The OIDC endpoint, whose /authorize page the browser is sent to.
  oidcEndpoint: string;
  // awsx's own previous token of this session: its registration is reused while valid.
  previous?: SsoToken;
  // How long the authorization-code flow waits for the browser to come back.
  callbackTimeoutMs: number;
}

// The outside world of a sign-in, handed in (the command passes the real one).
export interface LoginDeps {
  oidc: () => Promise<SsoOidc>;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  // Opens a page no secret (the device flow's verification page).
  openUrl: (url: string) => Promise<boolean>;
  // Opens a URL no other local user may learn (never on a command line); remove() drops what
  // was left for the browser to read.
  openPrivateUrl: (url: string) => Promise<{ opened: boolean; remove: () => void }>;
  callback: (state: string, timeoutMs: number) => Promise<CallbackServer>;
  logger: Logger;
}

type OidcFailure = Error & { error: string; status?: number; type: string; said?: string };
// OidcError comes from the lazily loaded bundle: recognised by name, not by class.
const isOidcError = (e: unknown): e is OidcFailure =>
  e instanceof Error && e.name === "OidcError" && typeof (e as OidcFailure).error === "string";

const label = (s: LoginSession): string =>
  s.name ? `sso-session "${s.name}"` : `start URL ${s.startUrl}`;

// Sign in to IAM Identity Center and return the token to keep (access and refresh token,
// with the client registration it was issued to).
export async function ssoLogin(req: LoginRequest, deps: LoginDeps): Promise<SsoToken> {
  const oidc = await deps.oidc();
  const reg = await registration(req, oidc, deps);
  let token: OidcToken;
  try {
    token =
      req.flow === "device"
        ? await deviceFlow(req, reg, oidc, deps)
        : await authCodeFlow(req, reg, oidc, deps);
  } catch (e) {
    throw translateOidcError(e, req.session, req.oidcEndpoint);
  }
  deps.logger.secret(token.accessToken);
  deps.logger.secret(token.refreshToken);
  const now = deps.now().getTime();
  return {
    startUrl: req.session.startUrl,
    region: req.session.region,
    accessToken: token.accessToken,
    expiresAt: new Date(now + token.expiresIn * 1000).toISOString(),
    ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    registrationExpiresAt: new Date(reg.expiresAt * 1000).toISOString(),
  };
}

// The previous token's registration while it has time left, else a new one.
async function registration(
  req: LoginRequest,
  oidc: SsoOidc,
  deps: LoginDeps,
): Promise<OidcRegistration> {
  const p = req.previous;
  const ends = Date.parse(p?.registrationExpiresAt ?? "");
  if (p?.clientId && p.clientSecret && ends - deps.now().getTime() > REGISTRATION_MARGIN_MS) {
    deps.logger.debug(`sso: reusing the client registration until ${p.registrationExpiresAt}`);
    return { clientId: p.clientId, clientSecret: p.clientSecret, expiresAt: ends / 1000 };
  }
  deps.logger.debug(`sso: RegisterClient for ${label(req.session)}`);
  try {
    const reg = await oidc.registerClient({
      clientName: `awsx-${req.session.name ?? "client"}`.slice(0, 64),
      grantTypes: GRANT_TYPES,
      redirectUris: [REDIRECT_URI],
      issuerUrl: req.session.startUrl,
      scopes: req.session.scopes ?? DEFAULT_SCOPES,
    });
    deps.logger.secret(reg.clientSecret);
    return reg;
  } catch (e) {
    throw translateOidcError(e, req.session, req.oidcEndpoint);
  }
}

async function authCodeFlow(
  req: LoginRequest,
  reg: OidcRegistration,
  oidc: SsoOidc,
  deps: LoginDeps,
): Promise<OidcToken> {
  const { verifier, challenge } = pkcePair();
  deps.logger.secret(verifier);
  const state = randomBytes(32).toString("base64url");
  const cb = await deps.callback(state, req.callbackTimeoutMs);
  let removePage = () => {};
  try {
    const query = new URLSearchParams({
      response_type: "code",
      client_id: reg.clientId,
      redirect_uri: cb.redirectUri,
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
      scopes: (req.session.scopes ?? DEFAULT_SCOPES).join(" "),
    });
    const url = cb.startAt(`${req.oidcEndpoint}/authorize?${query}`);
    let opened = false;
    if (req.openBrowser) {
      const page = await deps.openPrivateUrl(url);
      opened = page.opened;
      removePage = page.remove;
      // Once the browser has used the start URL, the page that names it is of no more use.
      void cb.started.then(page.remove);
    }
    const say = deps.logger.error;
    say(
      opened
        ? `sign in to ${req.session.startUrl} in the browser that opened; if it did not, open:`
        : `sign in to ${req.session.startUrl}: open this URL in a browser on this machine:`,
    );
    say(`  ${url}`);
    say(`waiting for the browser to come back to ${cb.redirectUri} (Ctrl-C to give up)`);
    const answer = await cb.result.catch(() => {
      const minutes = Math.round(req.callbackTimeoutMs / 60_000);
      throw new AwsxError(
        "E_CREDENTIALS",
        `no sign-in came back within ${minutes} min for ${label(req.session)}; run ` +
          "awsx sso login again, or add --use-device-code to sign in from another device",
      );
    });
    if ("error" in answer) throw refusedInBrowser(answer, req.session);
    deps.logger.secret(answer.code);
    return await oidc.createToken(reg, {
      grantType: "authorization_code",
      code: answer.code,
      redirectUri: cb.redirectUri,
      codeVerifier: verifier,
    });
  } finally {
    removePage();
    cb.close();
  }
}

// The browser came back with an error: its code and description, made printable.
const refusedInBrowser = (answer: { error: string; description?: string }, s: LoginSession) =>
  new AwsxError(
    "E_CREDENTIALS",
    `sign-in to ${s.startUrl} was refused in the browser (${printable(answer.error, 100)}` +
      `${answer.description ? `: ${printable(answer.description, 200)}` : ""}); ` +
      "run awsx sso login again and allow the request",
  );

async function deviceFlow(
  req: LoginRequest,
  reg: OidcRegistration,
  oidc: SsoOidc,
  deps: LoginDeps,
): Promise<OidcToken> {
  const auth = await oidc.startDeviceAuthorization(reg, req.session.startUrl);
  deps.logger.secret(auth.deviceCode);
  const { url, userCode } = checkDeviceAnswer(auth, label(req.session), req.session.region);
  const opened = req.openBrowser && (await deps.openUrl(url));
  const say = deps.logger.error;
  say(
    opened
      ? `sign in to ${req.session.startUrl} in the browser that opened; if it did not, open:`
      : `sign in to ${req.session.startUrl}: open this URL in a browser (any device):`,
  );
  say(`  ${url}`);
  say(`and check that it shows the code ${userCode}`);
  return poll(auth, reg, oidc, deps);
}

// RFC 8628 polling: never faster than the server's interval, 5 s slower after each
// slow_down, until a token, a refusal, or the device code's end.
async function poll(
  auth: DeviceAuthorization,
  reg: OidcRegistration,
  oidc: SsoOidc,
  deps: LoginDeps,
): Promise<OidcToken> {
  let interval = Math.max(1, auth.interval ?? 5) * 1000;
  const deadline = deps.now().getTime() + auth.expiresIn * 1000;
  for (;;) {
    await deps.sleep(interval);
    if (deps.now().getTime() >= deadline) throw deviceExpired();
    try {
      return await oidc.createToken(reg, { grantType: DEVICE_GRANT, deviceCode: auth.deviceCode });
    } catch (e) {
      if (!isOidcError(e)) throw e;
      if (e.error === "authorization_pending") continue;
      if (e.error === "slow_down") {
        interval += SLOW_DOWN_MS;
        deps.logger.debug(`sso: slow_down, polling every ${interval / 1000} s`);
        continue;
      }
      throw e;
    }
  }
}

const deviceExpired = () =>
  new AwsxError(
    "E_CREDENTIALS",
    "the sign-in code expired before it was approved; run awsx sso login again",
  );

// An OIDC failure as one awsx line naming the session and what to do.
export function translateOidcError(e: unknown, session: LoginSession, url: string): unknown {
  if (isAwsxError(e) || !isOidcError(e)) return translateNetwork(e, session, url);
  const who = label(session);
  switch (e.error) {
    case "expired_token":
      return deviceExpired();
    case "access_denied":
      return new AwsxError(
        "E_CREDENTIALS",
        `sign-in to ${session.startUrl} was denied (${who}); ` +
          "run awsx sso login again and approve the request",
      );
    case "invalid_client":
    case "unauthorized_client":
      return new AwsxError(
        "E_STS",
        `IAM Identity Center refused awsx's client registration (${e.error}) for ${who}; ` +
          "run awsx sso logout for it, then awsx sso login",
      );
    default:
      return new AwsxError(
        "E_STS",
        `IAM Identity Center (OIDC, ${session.region}) answered ${printable(e.type, 100)} ` +
          `(${printable(e.error, 100)}${e.said ? `: ${e.said}` : ""}) for ${who}; ` +
          "check sso_start_url and sso_region",
      );
  }
}

const NETWORK = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH)\b/;

function translateNetwork(e: unknown, session: LoginSession, url: string): unknown {
  if (isAwsxError(e)) return e;
  const err = e as { code?: string; name?: string; message?: string; $metadata?: any };
  const status: number | undefined = err?.$metadata?.httpStatusCode;
  const where = `IAM Identity Center (OIDC, ${session.region})`;
  const problem = transportProblem(e, where, url, label(session));
  if (problem) return new AwsxError("E_NETWORK", problem, { cause: e });
  const code = err?.code ?? NETWORK.exec(String(err?.message ?? ""))?.[1];
  if (code || err?.name === "TimeoutError" || (status !== undefined && status >= 500)) {
    const why = code ?? (status ? `HTTP ${status}` : "timed out");
    return new AwsxError(
      "E_NETWORK",
      `cannot reach IAM Identity Center (OIDC, ${session.region}) for ` +
        `${label(session)}: ${why}; check the network, sso_region or AWS_ENDPOINT_URL_SSO_OIDC`,
      { cause: e },
    );
  }
  return e;
}
