// In-process fake STS (Query protocol over HTTP on 127.0.0.1) with scripted
// failures and call recording.
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { serveLoopback } from "./ports.js";
import { parseSigV4Credential } from "./sigv4.js";
import { errorXml, successXml, type StsCredentials } from "./stsXml.js";

// A 127.0.0.1 URL whose port is closed (connection refused), for "STS unreachable" tests.
export { refuseConnectionsUrl } from "./ports.js";

// The STS operations the fake answers.
type StsAction =
  | "AssumeRole"
  | "GetSessionToken"
  | "AssumeRoleWithWebIdentity"
  | "GetCallerIdentity";

// An STS error answer, e.g. { status: 403, code: "AccessDenied" }.
interface StsError {
  status: number;
  code: string;
  message?: string;
  /** Default: "Receiver" for 5xx, else "Sender". */
  type?: "Sender" | "Receiver";
}

// What to do with a call; checked in this order: delayMs, hang, malformed, error,
// failFirst, then normal handling.
export interface StsBehavior {
  delayMs?: number;
  /** Never answer (the socket is destroyed by close()). */
  hang?: boolean;
  /** 200 text/xml with truncated, unparsable XML. */
  malformed?: boolean;
  error?: StsError;
  /** The first `count` calls under this behaviour get `error`; later ones are handled normally. */
  failFirst?: { count: number; error: StsError };
}

// The MFA device a caller must present (SerialNumber + TokenCode) to AssumeRole/GetSessionToken.
interface StsMfa {
  serial: string;
  code: string;
}

// Who a set of credentials belongs to, as GetCallerIdentity reports it.
interface StsIdentity {
  arn: string;
  userId: string;
  account: string;
  /**
   * Credentials were issued after a successful MFA check (AssumeRole then
   * skips the MFA requirement).
   */
  mfa: boolean;
}

// Options of startFakeSts(); all optional.
export interface FakeStsOptions {
  account?: string;
  mfa?: StsMfa;
  behavior?: StsBehavior;
  actions?: Partial<Record<StsAction, StsBehavior>>;
  /** Used when DurationSeconds is absent. Default 3600. */
  defaultDurationSeconds?: number;
  /**
   * Role MaxSessionDuration: a larger DurationSeconds on AssumeRole* is a
   * ValidationError. Default 43200.
   */
  maxSessionDuration?: number;
  /**
   * Static (AKIA...) key id -> ARN reported by GetCallerIdentity. Unknown keys:
   * arn:aws:iam::ACCOUNT:user/fake-user.
   */
  identities?: Record<string, string>;
}

// One request the fake received.
interface StsCall {
  action: string;
  params: Record<string, string>;
  headers: Record<string, string>;
  /** Key id from "Authorization: ... Credential=AKID/..." (undefined if unsigned). */
  accessKeyId?: string;
  sessionToken?: string;
  at: Date;
}

// Handle returned by startFakeSts().
export interface FakeSts {
  url: string;
  port: number;
  /** Live list of calls, oldest first (reset() empties it in place). */
  readonly calls: StsCall[];
  count(action?: string): number;
  /**
   * Forgets recorded calls and restarts failFirst counting; behaviours and issued identities stay.
   */
  reset(): void;
  /**
   * Sets (or with undefined clears) the behaviour for one action, or the global
   * one when action is omitted.
   */
  behave(behavior: StsBehavior | undefined, action?: StsAction): void;
  setMfa(mfa: StsMfa | undefined): void;
  /** Identity of credentials this fake issued (or a configured static key). */
  identityOf(accessKeyId: string): StsIdentity | undefined;
  close(): Promise<void>;
}

const DEFAULT_MESSAGES: Record<string, string> = {
  AccessDenied: "User is not authorized to perform this operation",
  ExpiredToken: "The security token included in the request is expired",
  InvalidClientTokenId: "The security token included in the request is invalid.",
  SignatureDoesNotMatch:
    "The request signature we calculated does not match the signature you provided.",
  ValidationError: "1 validation error detected",
  Throttling: "Rate exceeded",
  InternalFailure: "An internal error occurred",
};

interface Rule {
  behavior: StsBehavior;
  failed: number;
}

class HttpError extends Error {
  constructor(readonly err: StsError) {
    super(err.message ?? err.code);
  }
}

const alnum = (n: number): string => {
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return Array.from(randomBytes(n), (b) => abc[b % abc.length]).join("");
};

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

// Starts the fake on 127.0.0.1:<random port>.
export async function startFakeSts(options: FakeStsOptions = {}): Promise<FakeSts> {
  const account = options.account ?? "123456789012";
  const defaultDuration = options.defaultDurationSeconds ?? 3600;
  const maxSession = options.maxSessionDuration ?? 43_200;
  let mfa = options.mfa;
  let globalRule: Rule | undefined = options.behavior
    ? { behavior: options.behavior, failed: 0 }
    : undefined;
  const actionRules = new Map<string, Rule>(
    Object.entries(options.actions ?? {}).map(([a, b]) => [
      a,
      { behavior: b as StsBehavior, failed: 0 },
    ]),
  );
  const calls: StsCall[] = [];
  const issued = new Map<string, StsIdentity>();
  const roleIds = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  for (const [akid, arn] of Object.entries(options.identities ?? {})) {
    issued.set(akid, {
      arn,
      userId: `AIDA${alnum(16)}`,
      account: arn.split(":")[4] ?? account,
      mfa: false,
    });
  }
  const defaultUser: StsIdentity = {
    arn: `arn:aws:iam::${account}:user/fake-user`,
    userId: `AIDA${alnum(16)}`,
    account,
    mfa: false,
  };
  const callerOf = (call: StsCall): StsIdentity =>
    (call.accessKeyId && issued.get(call.accessKeyId)) || defaultUser;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const denied = (message: string): HttpError =>
    new HttpError({ status: 403, code: "AccessDenied", message });
  const invalid = (message: string): HttpError =>
    new HttpError({ status: 400, code: "ValidationError", message });

  function duration(params: Record<string, string>, max: number): number {
    const raw = params.DurationSeconds;
    if (raw === undefined) return defaultDuration;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 900)
      throw invalid(
        `1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy ` +
          `constraint: Member must have value greater than or equal to 900`,
      );
    if (n > max)
      throw invalid(
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
      );
    return n;
  }

  function checkMfa(call: StsCall, caller: StsIdentity): boolean {
    if (!mfa) return false;
    const { SerialNumber: serial, TokenCode: code } = call.params;
    if (serial === undefined && code === undefined && caller.mfa) return true;
    if (!serial || !code)
      throw denied(
        `User: ${caller.arn} is not authorized to perform: sts:${call.action} (MFA required)`,
      );
    if (serial !== mfa.serial)
      throw denied(
        "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA " +
          "serial number is valid and associated with this user.",
      );
    if (code !== mfa.code)
      throw denied("MultiFactorAuthentication failed with invalid MFA one time pass code. ");
    return true;
  }

  function issue(seconds: number, identity: StsIdentity): StsCredentials {
    const creds = {
      AccessKeyId: `ASIA${alnum(16)}`,
      SecretAccessKey: randomBytes(30).toString("base64"),
      SessionToken: `FwoGZXIvYXdzEFAKE${randomBytes(120).toString("base64")}`,
      Expiration: new Date(Date.now() + seconds * 1000),
    };
    issued.set(creds.AccessKeyId, identity);
    return creds;
  }

  function assumed(
    params: Record<string, string>,
    mfaOk: boolean,
  ): { identity: StsIdentity; user: Record<string, string> } {
    const roleArn = params.RoleArn;
    const session = params.RoleSessionName;
    if (!roleArn)
      throw invalid(
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: " +
          "Member must not be null",
      );
    if (!session)
      throw invalid(
        "1 validation error detected: Value null at 'roleSessionName' failed to satisfy " +
          "constraint: Member must not be null",
      );
    const m = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
    if (!m) throw invalid(`${roleArn} is invalid`);
    const [, roleAccount = account, roleName = ""] = m;
    if (!roleIds.has(roleArn)) roleIds.set(roleArn, `AROA${alnum(17)}`);
    const userId = `${roleIds.get(roleArn)}:${session}`;
    const arn = `arn:aws:sts::${roleAccount}:assumed-role/${roleName}/${session}`;
    return {
      identity: { arn, userId, account: roleAccount, mfa: mfaOk },
      user: { AssumedRoleId: userId, Arn: arn },
    };
  }

  function handle(call: StsCall): Record<string, unknown> {
    const p = call.params;
    switch (call.action) {
      case "AssumeRole": {
        const mfaOk = checkMfa(call, callerOf(call));
        const { identity, user } = assumed(p, mfaOk);
        const Credentials = issue(duration(p, maxSession), identity);
        return {
          Credentials,
          AssumedRoleUser: user,
          PackedPolicySize: p.Policy ? 6 : undefined,
          SourceIdentity: p.SourceIdentity,
        };
      }
      case "AssumeRoleWithWebIdentity": {
        if (!p.WebIdentityToken)
          throw invalid(
            "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy " +
              "constraint: Member must not be null",
          );
        const { identity, user } = assumed(p, false);
        const Credentials = issue(duration(p, maxSession), identity);
        return {
          Credentials,
          SubjectFromWebIdentityToken: "fake-subject",
          AssumedRoleUser: user,
          Provider: "fake-oidc",
          Audience: "sts.amazonaws.com",
        };
      }
      case "GetSessionToken": {
        const caller = callerOf(call);
        const mfaOk = checkMfa(call, caller);
        return { Credentials: issue(duration(p, 129_600), { ...caller, mfa: mfaOk }) };
      }
      case "GetCallerIdentity": {
        const who = callerOf(call);
        return { Arn: who.arn, UserId: who.userId, Account: who.account };
      }
      default:
        throw new HttpError({
          status: 400,
          code: "InvalidAction",
          message: `Could not find operation ${call.action} for version 2011-06-15`,
        });
    }
  }

  function send(res: http.ServerResponse, status: number, body: string): void {
    if (closed || res.destroyed) return;
    res.writeHead(status, {
      "Content-Type": "text/xml",
      "Content-Length": Buffer.byteLength(body),
      "x-amzn-RequestId": randomUUID(),
    });
    res.end(body);
  }

  function sendError(res: http.ServerResponse, e: StsError): void {
    const type = e.type ?? (e.status >= 500 ? "Receiver" : "Sender");
    send(res, e.status, errorXml(e.code, e.message ?? DEFAULT_MESSAGES[e.code] ?? e.code, type));
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const params: Record<string, string> = {
        ...Object.fromEntries(url.searchParams),
        ...Object.fromEntries(new URLSearchParams(body)),
      };
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      const call: StsCall = {
        action: params.Action ?? "",
        params,
        headers,
        accessKeyId: parseSigV4Credential(headers.authorization).accessKeyId,
        sessionToken: headers["x-amz-security-token"],
        at: new Date(),
      };
      calls.push(call);

      const rule = actionRules.get(call.action) ?? globalRule;
      const b = rule?.behavior ?? {};
      if (b.delayMs) await sleep(b.delayMs);
      if (closed || b.hang) return;
      if (b.malformed)
        return send(
          res,
          200,
          `<${call.action}Response><${call.action}Result><Credentials><AccessKeyId>ASIA`,
        );
      if (b.error) return sendError(res, b.error);
      if (rule && b.failFirst && rule.failed < b.failFirst.count) {
        rule.failed++;
        return sendError(res, b.failFirst.error);
      }
      send(res, 200, successXml(call.action, handle(call)));
    })().catch((e: unknown) => {
      if (e instanceof HttpError) sendError(res, e.err);
      else
        sendError(res, {
          status: 500,
          code: "InternalFailure",
          message: `fake STS bug: ${String(e)}`,
        });
    });
  });
  const { port, stop } = await serveLoopback(server);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    count: (action) =>
      action === undefined ? calls.length : calls.filter((c) => c.action === action).length,
    reset() {
      calls.length = 0;
      if (globalRule) globalRule.failed = 0;
      for (const r of actionRules.values()) r.failed = 0;
    },
    behave(behavior, action) {
      const rule = behavior ? { behavior, failed: 0 } : undefined;
      if (action === undefined) globalRule = rule;
      else if (rule) actionRules.set(action, rule);
      else actionRules.delete(action);
    },
    setMfa(m) {
      mfa = m;
    },
    identityOf: (akid) => issued.get(akid),
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await stop();
    },
  };
}
