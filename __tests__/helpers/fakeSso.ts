// In-process fake of IAM Identity Center: the SSO portal (restJson, @aws-sdk/client-sso) and
// SSO OIDC (restJson, @aws-sdk/client-sso-oidc) on one 127.0.0.1 server, plus the browser
// pages of both login flows (/authorize for PKCE, /device for the device code). Point the
// clients at it with AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC = fake.url.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { serveLoopback } from "./ports.js";

// The config of most SSO tests: the session "corp" and the profile "dev" signing in through
// it to a role the fake serves by default (account 111111111111, ReadOnly).
export const SSO_DEV_CONFIG = `[sso-session corp]
sso_start_url = https://d-fake.awsapps.com/start
sso_region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly
`;

// The operations the fake answers (the two browser pages included).
type SsoOp =
  | "RegisterClient"
  | "StartDeviceAuthorization"
  | "CreateToken"
  | "Authorize"
  | "Device"
  | "GetRoleCredentials"
  | "ListAccounts"
  | "ListAccountRoles"
  | "Logout";

export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

// An account the signed-in user can reach, with the roles (permission sets) they have in it.
export interface FakeAccount {
  accountId: string;
  accountName: string;
  emailAddress?: string;
  roles: string[];
}

// The keys GetRoleCredentials hands out (e.g. a moto IAM user's, so a real consumer works).
interface FakeRoleKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

// Answers to script; each counter is used up one call at a time. Change them any time
// through fake.switches.
export interface SsoSwitches {
  // CreateToken (device code) answers authorization_pending this many more times.
  pending?: number;
  // CreateToken (device code) answers slow_down this many more times (before any pending).
  slowDown?: number;
  // The device code has expired: CreateToken answers expired_token.
  expiredToken?: boolean;
  // The user declined: device CreateToken answers access_denied, /authorize redirects with
  // error=access_denied.
  accessDenied?: boolean;
  // CreateToken with a refresh token answers invalid_grant.
  invalidGrantOnRefresh?: boolean;
  // CreateToken with a refresh token answers 200 without this field.
  refreshAnswerWithout?: "accessToken" | "expiresIn";
  // GetRoleCredentials answers UnauthorizedException (401) whatever the token.
  unauthorized?: boolean;
  // The next `count` calls of `ops` (all operations when absent) answer `status` (500).
  serverError?: { count: number; ops?: SsoOp[]; status?: number };
  // The next `count` calls of `ops` answer `status` with `body` and no error type (an error
  // the SDK does not know: it names it "Unknown").
  untypedError?: { count: number; ops?: SsoOp[]; status: number; body: Record<string, unknown> };
  // Every API answer waits this long.
  delayMs?: number;
  // /authorize redirects back with this error and description (any text) instead of a code.
  authorizeError?: { error: string; description?: string };
  // GetRoleCredentials answers this status and JSON body, without an error-type header (so
  // the SDK reads the type from the body's __type, which may hold any text).
  roleCredentialsError?: { status: number; body: Record<string, string> };
  // Fields StartDeviceAuthorization answers instead of its own (a hostile or odd service).
  deviceAnswer?: { verificationUri?: string; verificationUriComplete?: string; userCode?: string };
  // Fields every CreateToken answer gives instead of its own (a hostile or odd service).
  tokenAnswer?: Record<string, unknown>;
}

// Options of startFakeSso(); all optional.
export interface FakeSsoOptions {
  accounts?: FakeAccount[];
  // Default: fresh random ASIA keys with a session token for every call.
  roleKeys?: (accountId: string, roleName: string) => FakeRoleKeys;
  // Most items a List* page holds (the caller's max_result can only lower it). Default 20.
  pageSize?: number;
  accessTokenSeconds?: number; // default 3600
  roleSeconds?: number; // GetRoleCredentials expiration, default 3600
  registrationSeconds?: number; // clientSecretExpiresAt, default 90 days
  deviceCodeSeconds?: number; // default 600
  interval?: number; // device polling interval in seconds, default 1
  // Device codes count as approved at once (default), else only once /device was visited.
  autoApprove?: boolean;
  switches?: SsoSwitches;
}

// One request the fake received (secrets in it are the fake's own).
interface SsoCall {
  op: SsoOp | "Unknown";
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  bearer?: string;
  status: number;
  at: Date;
}

// A registered OIDC client.
interface FakeClient {
  clientId: string;
  clientSecret: string;
  grantTypes: string[];
  redirectUris: string[];
  scopes: string[];
  issuerUrl?: string;
  expiresAt: number; // epoch seconds
}

// A token the fake issued (mintToken gives one without any login flow).
export interface FakeToken {
  accessToken: string;
  refreshToken?: string;
  clientId: string;
  clientSecret: string;
  registrationExpiresAt: string; // ISO
  expiresAt: string; // ISO
}

// Handle returned by startFakeSso().
export interface FakeSso {
  url: string;
  port: number;
  readonly calls: SsoCall[];
  readonly switches: SsoSwitches;
  readonly clients: Map<string, FakeClient>;
  // Every access and refresh token issued, oldest first (to look for them where they must
  // not be).
  readonly issued: string[];
  count(op?: SsoOp): number;
  reset(): void;
  // Marks a device code approved, as a user who entered the code would (all when omitted).
  approveDevice(userCode?: string): void;
  // Issues a valid token (and refresh token) as a finished login would.
  mintToken(options?: { accessTokenSeconds?: number; refresh?: boolean }): FakeToken;
  // Ends every access token now (refresh tokens stay valid): the next use is a 401.
  expireAccessTokens(): void;
  isValidAccessToken(token: string): boolean;
  close(): Promise<void>;
}

interface Grant {
  clientId: string;
  expiresAt: number; // ms
  revoked: boolean;
  session: string;
}

interface DeviceCode {
  clientId: string;
  userCode: string;
  expiresAt: number;
  approved: boolean;
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  used: boolean;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly body: Record<string, string>,
  ) {
    super(type);
  }
}

const oidcError = (type: string, error: string, description: string, status = 400) =>
  new ApiError(status, type, { error, error_description: description });
const portalError = (status: number, type: string, message: string) =>
  new ApiError(status, type, { message });
const unauthorized = () =>
  portalError(401, "UnauthorizedException", "Session token not found or invalid");

const token = (prefix: string) => `${prefix}${randomBytes(24).toString("base64url")}`;
const b64url = (buf: Buffer) => buf.toString("base64url");

const ROUTES: Array<[string, string, SsoOp]> = [
  ["POST", "/client/register", "RegisterClient"],
  ["POST", "/device_authorization", "StartDeviceAuthorization"],
  ["POST", "/token", "CreateToken"],
  ["GET", "/authorize", "Authorize"],
  ["GET", "/device", "Device"],
  ["GET", "/federation/credentials", "GetRoleCredentials"],
  ["GET", "/assignment/accounts", "ListAccounts"],
  ["GET", "/assignment/roles", "ListAccountRoles"],
  ["POST", "/logout", "Logout"],
];

const readBody = (req: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

// The loopback redirect rule of RFC 8252: any port of a registered 127.0.0.1 URI.
const sameRedirect = (registered: string[], asked: string): boolean => {
  let a: URL;
  try {
    a = new URL(asked);
  } catch {
    return false;
  }
  return registered.some((r) => {
    const u = new URL(r);
    return u.protocol === a.protocol && u.hostname === a.hostname && u.pathname === a.pathname;
  });
};

// Starts the fake on 127.0.0.1:<random port>.
export async function startFakeSso(options: FakeSsoOptions = {}): Promise<FakeSso> {
  const accounts = options.accounts ?? [
    { accountId: "111111111111", accountName: "dev", roles: ["ReadOnly", "Admin"] },
  ];
  const pageSize = options.pageSize ?? 20;
  const switches: SsoSwitches = { ...options.switches };
  const calls: SsoCall[] = [];
  const clients = new Map<string, FakeClient>();
  const access = new Map<string, Grant>();
  const refresh = new Map<string, Grant>();
  const devices = new Map<string, DeviceCode>();
  const codes = new Map<string, AuthCode>();
  const issued: string[] = [];
  let closed = false;
  let url = "";

  const clientOf = (body: Record<string, unknown>, secret = true): FakeClient => {
    const c = clients.get(String(body.clientId ?? ""));
    if (!c || (secret && c.clientSecret !== body.clientSecret))
      throw oidcError("InvalidClientException", "invalid_client", "Invalid client", 401);
    if (c.expiresAt * 1000 <= Date.now())
      throw oidcError("InvalidClientException", "invalid_client", "Client expired", 401);
    return c;
  };

  function issue(clientId: string, seconds: number, withRefresh: boolean, session?: string) {
    const grant = {
      clientId,
      expiresAt: Date.now() + seconds * 1000,
      revoked: false,
      session: session ?? randomUUID(),
    };
    const accessToken = token("aoa");
    access.set(accessToken, grant);
    issued.push(accessToken);
    let refreshToken: string | undefined;
    if (withRefresh) {
      refreshToken = token("aor");
      issued.push(refreshToken);
      refresh.set(refreshToken, { ...grant, expiresAt: Date.now() + 90 * 86400_000 });
    }
    return { accessToken, refreshToken, seconds };
  }
  const tokenAnswer = (t: ReturnType<typeof issue>) => ({
    accessToken: t.accessToken,
    tokenType: "Bearer",
    expiresIn: t.seconds,
    ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}),
    ...switches.tokenAnswer,
  });
  const accessSeconds = () => options.accessTokenSeconds ?? 3600;

  function register(body: Record<string, unknown>) {
    if (!body.clientName || !body.clientType)
      throw oidcError("InvalidRequestException", "invalid_request", "clientName and clientType");
    const grantTypes = (body.grantTypes as string[] | undefined) ?? [];
    const redirectUris = (body.redirectUris as string[] | undefined) ?? [];
    const scopes = (body.scopes as string[] | undefined) ?? [];
    if (grantTypes.includes("authorization_code") && redirectUris.length === 0)
      throw oidcError("InvalidRedirectUriException", "invalid_redirect_uri", "redirectUris");
    const now = Math.floor(Date.now() / 1000);
    const c: FakeClient = {
      clientId: token("cid"),
      clientSecret: token("csec"),
      grantTypes: grantTypes.length ? grantTypes : [DEVICE_GRANT],
      redirectUris,
      scopes,
      issuerUrl: body.issuerUrl as string | undefined,
      expiresAt: now + (options.registrationSeconds ?? 90 * 86400),
    };
    clients.set(c.clientId, c);
    return {
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      clientIdIssuedAt: now,
      clientSecretExpiresAt: c.expiresAt,
      ...(grantTypes.includes("authorization_code")
        ? { authorizationEndpoint: `${url}/authorize`, tokenEndpoint: `${url}/token` }
        : {}),
    };
  }

  function startDevice(body: Record<string, unknown>) {
    const c = clientOf(body);
    if (!c.grantTypes.includes(DEVICE_GRANT))
      throw oidcError("UnauthorizedClientException", "unauthorized_client", "no device grant");
    if (!body.startUrl) throw oidcError("InvalidRequestException", "invalid_request", "startUrl");
    const deviceCode = token("dev");
    const userCode =
      `${randomBytes(2).toString("hex")}-${randomBytes(2).toString("hex")}`.toUpperCase();
    const seconds = options.deviceCodeSeconds ?? 600;
    devices.set(deviceCode, {
      clientId: c.clientId,
      userCode,
      expiresAt: Date.now() + seconds * 1000,
      approved: options.autoApprove !== false,
    });
    return {
      deviceCode,
      userCode,
      verificationUri: `${url}/device`,
      verificationUriComplete: `${url}/device?user_code=${userCode}`,
      expiresIn: seconds,
      interval: options.interval ?? 1,
      ...switches.deviceAnswer,
    };
  }

  function deviceToken(body: Record<string, unknown>, c: FakeClient) {
    const d = devices.get(String(body.deviceCode ?? ""));
    if (!d || d.clientId !== c.clientId)
      throw oidcError("InvalidGrantException", "invalid_grant", "Invalid device code provided");
    if (switches.expiredToken || d.expiresAt <= Date.now())
      throw oidcError("ExpiredTokenException", "expired_token", "Device code has expired");
    if (switches.accessDenied)
      throw oidcError("AccessDeniedException", "access_denied", "The user denied access");
    if (switches.slowDown) {
      switches.slowDown--;
      throw oidcError("SlowDownException", "slow_down", "Client is polling too fast");
    }
    if (switches.pending || !d.approved) {
      if (switches.pending) switches.pending--;
      throw oidcError("AuthorizationPendingException", "authorization_pending", "Pending");
    }
    devices.delete(String(body.deviceCode));
    return tokenAnswer(issue(c.clientId, accessSeconds(), c.grantTypes.includes("refresh_token")));
  }

  function codeToken(body: Record<string, unknown>, c: FakeClient) {
    const a = codes.get(String(body.code ?? ""));
    const bad = (why: string) => oidcError("InvalidGrantException", "invalid_grant", why);
    if (!a || a.used || a.clientId !== c.clientId) throw bad("Invalid authorization code");
    a.used = true;
    if (a.redirectUri !== body.redirectUri) throw bad("redirect_uri does not match");
    const verifier = String(body.codeVerifier ?? "");
    if (b64url(createHash("sha256").update(verifier).digest()) !== a.challenge)
      throw bad("code_verifier does not match the code_challenge");
    return tokenAnswer(issue(c.clientId, accessSeconds(), c.grantTypes.includes("refresh_token")));
  }

  function refreshToken(body: Record<string, unknown>, c: FakeClient) {
    const r = refresh.get(String(body.refreshToken ?? ""));
    if (switches.invalidGrantOnRefresh || !r || r.revoked || r.clientId !== c.clientId)
      throw oidcError("InvalidGrantException", "invalid_grant", "Invalid refresh token");
    const answer: Record<string, unknown> = tokenAnswer(
      issue(c.clientId, accessSeconds(), true, r.session),
    );
    if (switches.refreshAnswerWithout) delete answer[switches.refreshAnswerWithout];
    return answer;
  }

  function createToken(body: Record<string, unknown>) {
    const c = clientOf(body);
    const grant = String(body.grantType ?? "");
    if (!c.grantTypes.includes(grant))
      throw oidcError("UnauthorizedClientException", "unauthorized_client", `no ${grant} grant`);
    if (grant === DEVICE_GRANT) return deviceToken(body, c);
    if (grant === "authorization_code") return codeToken(body, c);
    if (grant === "refresh_token") return refreshToken(body, c);
    throw oidcError("UnsupportedGrantTypeException", "unsupported_grant_type", grant);
  }

  // The browser's visit to the authorization page: a redirect to the client's callback.
  function authorize(q: Record<string, string>, res: http.ServerResponse): number {
    const c = clients.get(q.client_id ?? "");
    const ok =
      c &&
      q.response_type === "code" &&
      c.grantTypes.includes("authorization_code") &&
      sameRedirect(c.redirectUris, q.redirect_uri ?? "") &&
      q.code_challenge &&
      q.code_challenge_method === "S256";
    if (!ok || !c) return page(res, 400, "invalid authorization request");
    const back = new URL(q.redirect_uri ?? "");
    const refused =
      switches.authorizeError ??
      (switches.accessDenied
        ? { error: "access_denied", description: "The user denied access" }
        : undefined);
    if (refused) {
      back.searchParams.set("error", refused.error);
      if (refused.description !== undefined)
        back.searchParams.set("error_description", refused.description);
    } else {
      const code = token("code");
      codes.set(code, {
        clientId: c.clientId,
        redirectUri: q.redirect_uri ?? "",
        challenge: q.code_challenge ?? "",
        used: false,
      });
      back.searchParams.set("code", code);
    }
    if (q.state !== undefined) back.searchParams.set("state", q.state);
    res.writeHead(302, { Location: back.href, "Content-Length": 0 });
    res.end();
    return 302;
  }

  function device(q: Record<string, string>, res: http.ServerResponse): number {
    const found = [...devices.values()].find((d) => d.userCode === q.user_code);
    if (!found) return page(res, 404, "unknown code");
    found.approved = true;
    return page(res, 200, "approved");
  }

  function page(res: http.ServerResponse, status: number, text: string): number {
    const html = `<!doctype html><title>fake SSO</title><p>${text}</p>\n`;
    res.writeHead(status, { "Content-Type": "text/html", "Content-Length": html.length });
    res.end(html);
    return status;
  }

  const bearerGrant = (bearer: string | undefined): Grant => {
    const g = bearer ? access.get(bearer) : undefined;
    if (!g || g.revoked || g.expiresAt <= Date.now()) throw unauthorized();
    return g;
  };

  function paged<T>(items: T[], q: Record<string, string>) {
    const start = q.next_token ? Number(q.next_token) : 0;
    if (!Number.isInteger(start) || start < 0 || start > items.length)
      throw portalError(400, "InvalidRequestException", "Invalid nextToken");
    const n = Math.min(pageSize, q.max_result ? Number(q.max_result) : pageSize);
    const end = start + n;
    return { page: items.slice(start, end), next: end < items.length ? String(end) : undefined };
  }

  function portal(op: SsoOp, q: Record<string, string>, bearer: string | undefined) {
    const g = bearerGrant(bearer);
    switch (op) {
      case "ListAccounts": {
        const { page: list, next } = paged(accounts, q);
        const accountList = list.map(({ roles: _r, ...a }) => a);
        return { accountList, ...(next ? { nextToken: next } : {}) };
      }
      case "ListAccountRoles": {
        const a = accounts.find((x) => x.accountId === q.account_id);
        if (!a) throw portalError(404, "ResourceNotFoundException", "Account not found");
        const roles = a.roles.map((roleName) => ({ roleName, accountId: a.accountId }));
        const { page: roleList, next } = paged(roles, q);
        return { roleList, ...(next ? { nextToken: next } : {}) };
      }
      case "GetRoleCredentials": {
        if (switches.unauthorized) throw unauthorized();
        const odd = switches.roleCredentialsError;
        if (odd) throw new ApiError(odd.status, "", odd.body);
        const a = accounts.find((x) => x.accountId === q.account_id);
        if (!a?.roles.includes(q.role_name ?? ""))
          throw portalError(403, "ForbiddenException", "No access");
        const keys = options.roleKeys?.(a.accountId, q.role_name ?? "") ?? {
          accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
          secretAccessKey: randomBytes(30).toString("base64"),
          sessionToken: token("IQoJb3JpZ2luFAKE"),
        };
        const expiration = Date.now() + (options.roleSeconds ?? 3600) * 1000;
        return { roleCredentials: { ...keys, expiration } };
      }
      default: {
        // Logout: the access token and every token of its sign-in session end.
        for (const m of [access, refresh])
          for (const x of m.values()) if (x.session === g.session) x.revoked = true;
        return undefined;
      }
    }
  }

  function api(op: SsoOp, q: Record<string, string>, body: Record<string, unknown>, b?: string) {
    switch (op) {
      case "RegisterClient":
        return register(body);
      case "StartDeviceAuthorization":
        return startDevice(body);
      case "CreateToken":
        return createToken(body);
      default:
        return portal(op, q, b);
    }
  }

  function send(res: http.ServerResponse, status: number, value: unknown, type?: string) {
    if (closed || res.destroyed) return;
    const text = value === undefined ? "" : JSON.stringify(value);
    res.writeHead(status, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(text),
      "x-amzn-RequestId": randomUUID(),
      ...(type ? { "x-amzn-ErrorType": type } : {}),
    });
    res.end(text);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, call: SsoCall) {
    const route = ROUTES.find(([m, p]) => m === req.method && p === call.path);
    if (!route) return send(res, 404, { message: "no such route" }, "UnknownOperationException");
    const op = route[2];
    call.op = op;
    if (op === "Authorize") return void (call.status = authorize(call.query, res));
    if (op === "Device") return void (call.status = device(call.query, res));
    if (switches.delayMs) await new Promise((r) => setTimeout(r, switches.delayMs));
    const odd = switches.untypedError;
    if (odd && odd.count > 0 && (!odd.ops || odd.ops.includes(op))) {
      odd.count--;
      call.status = odd.status;
      return send(res, odd.status, odd.body);
    }
    const fail = switches.serverError;
    if (fail && fail.count > 0 && (!fail.ops || fail.ops.includes(op))) {
      fail.count--;
      call.status = fail.status ?? 500;
      const type = op === "CreateToken" ? "InternalServerException" : "InternalServerError";
      return send(res, call.status, { message: "fake 5xx", error: "server_error" }, type);
    }
    try {
      call.status = 200;
      send(res, 200, api(op, call.query, call.body, call.bearer) ?? {});
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      call.status = e.status;
      send(res, e.status, e.body, e.type);
    }
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      const u = new URL(req.url ?? "/", "http://127.0.0.1");
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        // an unparsable body is recorded empty and refused below by the operation's checks
      }
      const bearer = req.headers["x-amz-sso_bearer_token"];
      const call: SsoCall = {
        op: "Unknown",
        method: req.method ?? "",
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        body,
        bearer: typeof bearer === "string" ? bearer : undefined,
        status: 0,
        at: new Date(),
      };
      calls.push(call);
      await handle(req, res, call);
    })().catch((e: unknown) => {
      send(res, 500, { message: `fake SSO bug: ${String(e)}` }, "InternalServerError");
    });
  });
  const { port, stop } = await serveLoopback(server);
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    calls,
    switches,
    clients,
    issued,
    count: (op) => (op === undefined ? calls.length : calls.filter((c) => c.op === op).length),
    reset() {
      calls.length = 0;
    },
    approveDevice(userCode) {
      for (const d of devices.values()) if (!userCode || d.userCode === userCode) d.approved = true;
    },
    mintToken(o = {}) {
      const reg = register({
        clientName: "fake-minted",
        clientType: "public",
        grantTypes: [DEVICE_GRANT, "refresh_token"],
      });
      const t = issue(reg.clientId, o.accessTokenSeconds ?? accessSeconds(), o.refresh ?? true);
      return {
        accessToken: t.accessToken,
        refreshToken: t.refreshToken,
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        registrationExpiresAt: new Date(reg.clientSecretExpiresAt * 1000).toISOString(),
        expiresAt: new Date(Date.now() + t.seconds * 1000).toISOString(),
      };
    },
    expireAccessTokens() {
      for (const g of access.values()) g.expiresAt = Math.min(g.expiresAt, Date.now());
    },
    isValidAccessToken(t) {
      const g = access.get(t);
      return Boolean(g && !g.revoked && g.expiresAt > Date.now());
    },
    async close() {
      if (closed) return;
      closed = true;
      await stop();
    },
  };
}
