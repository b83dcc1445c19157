// SSO profiles through the credentials core in-process: the plan botocore would take, the
// token read from awsx's store or the CLI's cache, refresh inside the 15-minute window under
// the cross-process lock, GetRoleCredentials cached like an STS session, and every way of
// not being signed in. Fake SSO clients and STS, the memory store, a fixed clock.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cachedHops, type SessionCache } from "../../src/cache/cachedHops.js";
import { explainData } from "../../src/cli/commands/explain.js";
import { memoryStore } from "../../src/cache/memoryStore.js";
import { loadConfig } from "../../src/config/load.js";
import {
  type CoreDeps,
  type CredentialSettings,
  credentialsFor,
} from "../../src/credentials/credentialsFor.js";
import { fakeEffects } from "../helpers/stepEffects.js";
import type { SsoDeps, SsoLoginHook } from "../../src/credentials/ssoContext.js";
import { AwsxError } from "../../src/errors.js";
import { buildPlan } from "../../src/plan/build.js";
import { withLock } from "../../src/platform/lock.js";
import { readSsoToken, saveSsoToken, ssoCacheKey, type SsoToken } from "../../src/sso/ssoToken.js";
import type { Credentials, Sts } from "../../src/types.js";
import { createLogger } from "../../src/util/log.js";
import { joinRegExp } from "../helpers/regex.js";

const CFG = "/home/u/.aws/config";
const CREDS = "/home/u/.aws/credentials";
const T0 = new Date("2030-01-01T00:00:00Z");
const MIN = 60_000;

const CONFIG = `
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev
region = us-east-2

[profile legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = us-west-2
sso_account_id = 111122223333
sso_role_name = Admin

[profile chained]
role_arn = arn:aws:iam::444455556666:role/deploy
source_profile = dev

[profile long]
role_arn = arn:aws:iam::444455556666:role/deploy
source_profile = dev
duration_seconds = 7200

[profile both]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[profile fips]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev
use_fips_endpoint = true
use_dualstack_endpoint = true

[sso-session team]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_role_name = Dev
sso_account_id = 111122223333

[profile teamRole]
sso_session = team
sso_account_id = 111122223333

[profile teamAccount]
sso_session = team
sso_role_name = Dev

[services named]
sso =
  endpoint_url = http://127.0.0.1:1111
sso_oidc =
  endpoint_url = http://127.0.0.1:1112

[services source]
sso =
  endpoint_url = http://127.0.0.1:2221
sso_oidc =
  endpoint_url = http://127.0.0.1:2222

[profile svcSource]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev
services = source

[profile svcChain]
role_arn = arn:aws:iam::444455556666:role/deploy
source_profile = svcSource
services = named

[profile roleWins]
role_arn = arn:aws:iam::444455556666:role/deploy
source_profile = legacy
sso_session = corp
sso_account_id = 1
sso_role_name = Ignored
`;

const config = loadConfig({ configFile: CFG, credentialsFile: CREDS }, (p) =>
  p === CFG ? CONFIG : undefined,
);

const SETTINGS: CredentialSettings = {
  mfaSession: true,
  mfaSessionSeconds: 43200,
  processTimeoutMs: 5000,
};

describe("plan: SSO profiles as botocore decides", () => {
  test("the sso-session form and the legacy form", () => {
    const dev = buildPlan(config, "dev");
    expect(dev.steps).toEqual([]);
    expect(dev.source).toMatchObject({
      kind: "sso",
      accountId: "111122223333",
      roleName: "Dev",
      session: { name: "corp", startUrl: "https://corp.awsapps.com/start", region: "eu-west-1" },
    });
    expect(dev.region).toBe("us-east-2");
    const legacy = buildPlan(config, "legacy").source;
    expect(legacy).toMatchObject({ kind: "sso", session: { region: "us-west-2" } });
    expect(legacy.kind === "sso" && legacy.session.name).toBeUndefined();
  });

  test("SSO comes before keys in the same profile; role_arn before SSO", () => {
    expect(buildPlan(config, "both").source.kind).toBe("sso");
    const p = buildPlan(config, "roleWins");
    expect(p.source).toMatchObject({ kind: "sso", profile: "legacy" });
    expect(p.steps).toMatchObject([{ kind: "assumeRole", profile: "roleWins" }]);
  });

  // botocore copies every key of the [sso-session] into the profile's (issue 28, 5).
  test("sso_role_name or sso_account_id from the [sso-session] section", () => {
    for (const name of ["teamRole", "teamAccount"]) {
      expect(buildPlan(config, name).source).toMatchObject({
        kind: "sso",
        accountId: "111122223333",
        roleName: "Dev",
        session: { name: "team" },
      });
    }
  });

  test("an SSO profile as source_profile: a chained role, capped at 3600 s", () => {
    const p = buildPlan(config, "chained");
    expect(p.source).toMatchObject({ kind: "sso", profile: "dev" });
    expect(p.steps).toMatchObject([
      { kind: "assumeRole", roleArn: expect.stringMatching(/deploy/) },
    ]);
    expect(() => buildPlan(config, "long")).toThrow(/capped by AWS at 3600s/);
  });
});

// A portal and OIDC service that count their calls; tokens they accept are in `valid`.
function fakeSso(now: () => Date) {
  const calls: string[] = [];
  const targets: unknown[] = [];
  const valid = new Set<string>();
  const state = { refreshFails: false, badAnswer: false, forbidden: false, delayMs: 0, n: 0 };
  const factory = {
    portal: async (t: unknown) => ({
      target: targets.push(t),
      async getRoleCredentials(input: { accessToken: string; roleName: string }) {
        calls.push(`GetRoleCredentials:${input.roleName}`);
        if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
        if (state.forbidden)
          throw Object.assign(new Error("No access"), {
            name: "ForbiddenException",
            $metadata: { httpStatusCode: 403 },
          });
        if (!valid.has(input.accessToken)) {
          throw Object.assign(new Error("Session token not found or invalid"), {
            name: "UnauthorizedException",
          });
        }
        state.n++;
        return {
          accessKeyId: `ASIASSOFAKE${String(state.n).padStart(9, "0")}`,
          secretAccessKey: `sso-secret-${state.n}-FAKEFAKEFAKE`,
          sessionToken: `sso-token-${state.n}-FAKEFAKEFAKE`,
          expiration: new Date(now().getTime() + 3600_000),
        } satisfies Credentials;
      },
    }),
    oidc: async (t: unknown) => ({
      target: targets.push(t),
      async refreshToken(input: { refreshToken: string }) {
        calls.push("CreateToken");
        if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
        // What src/platform/ssoOidc.ts raises for a 200 answer without accessToken.
        if (state.badAnswer)
          throw new AwsxError("E_STS", "CreateToken answered without accessToken");
        if (state.refreshFails || input.refreshToken !== "rt-1") {
          throw Object.assign(new Error("invalid_grant"), { name: "InvalidGrantException" });
        }
        valid.add("at-refreshed");
        return { accessToken: "at-refreshed", expiresIn: 3600, refreshToken: "rt-2" };
      },
    }),
  };
  return { calls, targets, valid, state, factory };
}

const token = (expiresAt: Date, extra: Partial<SsoToken> = {}): SsoToken => ({
  startUrl: "https://corp.awsapps.com/start",
  region: "eu-west-1",
  accessToken: "at-1",
  expiresAt: expiresAt.toISOString(),
  refreshToken: "rt-1",
  clientId: "cid",
  clientSecret: "csecret",
  registrationExpiresAt: "2031-01-01T00:00:00Z",
  ...extra,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "awsx-sso-core-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function world(options: { login?: SsoLoginHook } = {}) {
  let clock = T0;
  const now = () => clock;
  const sso = fakeSso(now);
  const store = memoryStore();
  const env = { HOME: join(dir, "home") };
  const logger = createLogger({ write: () => {} });
  const lock = { dir: join(dir, "locks"), staleMs: 10_000, waitMs: 10_000 };
  const cache: SessionCache = { store: async () => store, lock, windowMs: 600_000, now, logger };
  const stsCalls: string[] = [];
  const sts = {
    assumeRole: async (c: Credentials, input: { RoleArn: string }) => {
      stsCalls.push(`AssumeRole:${input.RoleArn}:${c.accessKeyId}`);
      return {
        ...c,
        accessKeyId: "ASIAROLEFAKE",
        expiration: new Date(clock.getTime() + 3600_000),
      };
    },
  } as unknown as Sts;
  const ssoDeps: SsoDeps = {
    clients: sso.factory,
    tokens: {
      read: (k) => readSsoToken(k, { store, env }),
      save: async (k, t) => void (await saveSsoToken(k, t, { store, env })),
    },
    lock: (k, fn) => withLock(k, lock, fn),
    ...(options.login ? { login: options.login } : {}),
  };
  const deps: CoreDeps = {
    config,
    env,
    now,
    logger,
    sts: async () => sts,
    mfa: async () => "123456",
    around: cachedHops(cache),
    effects: fakeEffects(),
    sso: ssoDeps,
  };
  const cliFile = (key: string) => join(env.HOME, ".aws", "sso", "cache", `${key}.json`);
  return {
    sso,
    store,
    stsCalls,
    resolve: (profile: string) => credentialsFor(profile, SETTINGS, deps),
    saveToken: (t: SsoToken, key = ssoCacheKey({ name: "corp", startUrl: "" })) =>
      saveSsoToken(key, t, { store, env }),
    writeCli: (key: string, t: SsoToken) => {
      mkdirSync(join(env.HOME, ".aws", "sso", "cache"), { recursive: true });
      writeFileSync(cliFile(key), JSON.stringify(t));
    },
    cliFile,
    advance: (ms: number) => {
      clock = new Date(clock.getTime() + ms);
    },
  };
}

async function failure(p: Promise<unknown>): Promise<AwsxError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AwsxError);
    return e as AwsxError;
  }
  throw new Error("resolved, expected an error");
}

const CORP = ssoCacheKey({ name: "corp", startUrl: "" });

describe("credentials through SSO", () => {
  test("a valid token: one GetRoleCredentials, then served from the cache", async () => {
    const w = world();
    w.sso.valid.add("at-1");
    await w.saveToken(token(new Date(T0.getTime() + 60 * MIN)));
    const r = await w.resolve("dev");
    expect(r.credentials.accessKeyId).toBe("ASIASSOFAKE000000001");
    expect(w.sso.calls).toEqual(["GetRoleCredentials:Dev"]);
    await w.resolve("dev");
    expect(w.sso.calls).toHaveLength(1);
    const [entry] = (await w.store.list()).filter((e) => !e.key.startsWith("sso-"));
    expect(JSON.parse(entry!.value)).toMatchObject({ kind: "sso", label: "111122223333/Dev" });
  });

  test("a role chain signs AssumeRole with the SSO role's credentials", async () => {
    const w = world();
    w.sso.valid.add("at-1");
    await w.saveToken(token(new Date(T0.getTime() + 60 * MIN)));
    await w.resolve("chained");
    expect(w.stsCalls).toEqual([
      "AssumeRole:arn:aws:iam::444455556666:role/deploy:ASIASSOFAKE000000001",
    ]);
  });

  test(
    "inside the 15-minute window: refreshed once, kept, " + "the old refresh token used up",
    async () => {
      const w = world();
      await w.saveToken(token(new Date(T0.getTime() + 10 * MIN)));
      await w.resolve("dev");
      expect(w.sso.calls).toEqual(["CreateToken", "GetRoleCredentials:Dev"]);
      const kept = await readSsoToken(CORP, { store: w.store, env: {} });
      expect(kept).toMatchObject({
        accessToken: "at-refreshed",
        refreshToken: "rt-2",
        clientId: "cid",
      });
      expect(Date.parse(kept!.expiresAt)).toBe(T0.getTime() + 3600_000);
    },
  );

  test("a token from the AWS CLI's cache is refreshed back into it", async () => {
    const w = world();
    w.writeCli(CORP, token(new Date(T0.getTime() - MIN)));
    await w.resolve("dev");
    expect(w.sso.calls).toEqual(["CreateToken", "GetRoleCredentials:Dev"]);
    const cli = JSON.parse(readFileSync(w.cliFile(CORP), "utf8"));
    expect(cli).toMatchObject({ accessToken: "at-refreshed", refreshToken: "rt-2" });
    expect(cli.expiresAt).toBe("2030-01-01T01:00:00Z");
  });

  test("a failed refresh with time left still uses the token (botocore)", async () => {
    const w = world();
    w.sso.valid.add("at-1");
    w.sso.state.refreshFails = true;
    await w.saveToken(token(new Date(T0.getTime() + 5 * MIN)));
    await w.resolve("dev");
    expect(w.sso.calls).toEqual(["CreateToken", "GetRoleCredentials:Dev"]);
  });

  // botocore reads response["accessToken"] and ["expiresIn"]: a KeyError fails the command,
  // the old token is not used (issue 28, 6).
  test("a refresh answered without accessToken fails, even with time left", async () => {
    const w = world();
    w.sso.valid.add("at-1");
    w.sso.state.badAnswer = true;
    await w.saveToken(token(new Date(T0.getTime() + 5 * MIN)));
    const e = await failure(w.resolve("dev"));
    expect(w.sso.calls).toEqual(["CreateToken"]);
    expect(e.exitCode).toBe(77);
    expect(e.message).toMatch(
      joinRegExp(
        /^profile "dev": refreshing the SSO token at /,
        /https:\/\/oidc.eu-west-1.amazonaws.com failed: CreateToken answered /,
        /without accessToken; .*`awsx sso login --sso-session corp`$/,
      ),
    );
  });

  test("expired and not refreshable: one line naming the login command, exit 79", async () => {
    const w = world();
    w.sso.state.refreshFails = true;
    await w.saveToken(token(new Date(T0.getTime() - MIN)));
    const e = await failure(w.resolve("dev"));
    expect(e.code).toBe("E_CREDENTIALS");
    expect(e.exitCode).toBe(79);
    expect(e.message).toMatch(
      joinRegExp(
        /^profile "dev": the SSO token expired at 2029-12-31T23:59:00.000Z and /,
        /could not be refreshed for sso-session "corp"; run `awsx sso login /,
        /--sso-session corp`/,
      ),
    );
    expect(e.message).not.toMatch(/\n|at-1|rt-1|csecret/);
  });

  test("legacy: no refresh keys, an expired token is never refreshed", async () => {
    const w = world();
    const key = ssoCacheKey({ startUrl: "https://old.awsapps.com/start" });
    w.writeCli(key, { ...token(new Date(T0.getTime() - MIN)), refreshToken: undefined });
    const e = await failure(w.resolve("legacy"));
    expect(w.sso.calls).toEqual([]);
    expect(e.message).toMatch(
      /for start URL https:\/\/old.awsapps.com\/start; run `awsx sso login legacy`/,
    );
  });

  // botocore's SSOCredentialFetcher reads a legacy token with SSOTokenLoader alone: no
  // refresh window, no CreateToken, the CLI's file never rewritten (issue 28, 1).
  test("legacy: a token with refresh keys inside the window is used as it is", async () => {
    const w = world();
    w.sso.valid.add("at-1");
    const key = ssoCacheKey({ startUrl: "https://old.awsapps.com/start" });
    w.writeCli(key, token(new Date(T0.getTime() + 10 * MIN)));
    const before = readFileSync(w.cliFile(key), "utf8");
    await w.resolve("legacy");
    expect(w.sso.calls).toEqual(["GetRoleCredentials:Admin"]);
    expect(readFileSync(w.cliFile(key), "utf8")).toBe(before);
  });

  test(
    "legacy: an expired token with refresh keys fails, " + "naming why it was not refreshed",
    async () => {
      const w = world();
      const key = ssoCacheKey({ startUrl: "https://old.awsapps.com/start" });
      w.writeCli(key, token(new Date(T0.getTime() - MIN)));
      const before = readFileSync(w.cliFile(key), "utf8");
      const e = await failure(w.resolve("legacy"));
      expect(w.sso.calls).toEqual([]);
      expect(e.exitCode).toBe(79);
      expect(e.message).toMatch(/without sso_session is never refreshed, as in the AWS CLI/);
      expect(readFileSync(w.cliFile(key), "utf8")).toBe(before);
    },
  );

  test("explain: a legacy profile's token is never refreshed, and says why", () => {
    const legacy = explainData(buildPlan(config, "legacy"), { label: "x", from: "y" });
    expect(legacy.hops[0]).toMatchObject({ kind: "sso", tokenRefresh: "never" });
    expect(legacy.notes.join("\n")).toMatch(/no sso_session\): the AWS CLI never refreshes/);
    const dev = explainData(buildPlan(config, "dev"), { label: "x", from: "y" });
    expect(dev.hops[0]).toMatchObject({ tokenRefresh: "within 15 minutes of expiry" });
    expect(dev.notes.join("\n")).not.toMatch(/never refreshes/);
  });

  test(
    "use_fips_endpoint and use_dualstack_endpoint reach the SSO clients " + "(issue 28, 3)",
    async () => {
      const w = world();
      await w.saveToken(token(new Date(T0.getTime() + 10 * MIN)));
      await w.resolve("fips");
      const fips = { region: "eu-west-1", fips: true, dualstack: true };
      expect(w.sso.targets).toEqual([fips, fips]);
      expect(w.sso.calls).toEqual(["CreateToken", "GetRoleCredentials:Dev"]);
    },
  );

  // botocore creates the SSO clients from the named profile's session (issue 28, 4).
  test(
    "a role chain on an SSO profile: the named profile's SSO endpoints, " + "not the source's",
    async () => {
      const w = world();
      await w.saveToken(token(new Date(T0.getTime() + 10 * MIN)));
      await w.resolve("svcChain");
      expect(w.sso.targets).toEqual([
        { region: "eu-west-1", endpoint: "http://127.0.0.1:1112" },
        { region: "eu-west-1", endpoint: "http://127.0.0.1:1111" },
      ]);
      w.sso.targets.length = 0;
      await w.resolve("svcSource");
      expect(w.sso.targets).toEqual([{ region: "eu-west-1", endpoint: "http://127.0.0.1:2221" }]);
    },
  );

  test(
    "the sign-in offered to a chain goes where the run's SSO calls go (the " + "named profile's)",
    async () => {
      const asked: unknown[] = [];
      const w = world({ login: async (r) => void asked.push(r) });
      await failure(w.resolve("svcChain"));
      expect(asked).toEqual([
        expect.objectContaining({
          profile: "svcSource",
          oidcUrl: "http://127.0.0.1:1112",
          portalUrl: "http://127.0.0.1:1111",
        }),
      ]);
    },
  );

  test("no token: the message, or the login hook's token", async () => {
    const w = world();
    const e = await failure(w.resolve("dev"));
    expect(e.message).toMatch(/not signed in to IAM Identity Center for sso-session "corp"/);
    const asked: string[] = [];
    const w2 = world({
      login: async (req) => {
        asked.push(`${req.profile}:${req.session.name}`);
        w2.sso.valid.add("at-login");
        return token(new Date(T0.getTime() + 60 * MIN), { accessToken: "at-login" });
      },
    });
    await w2.resolve("dev");
    expect(asked).toEqual(["dev:corp"]);
    expect(w2.sso.calls).toEqual(["GetRoleCredentials:Dev"]);
  });

  test("a token the portal rejects is a login; a role not assigned is 77", async () => {
    const w = world();
    await w.saveToken(token(new Date(T0.getTime() + 60 * MIN)));
    const e = await failure(w.resolve("dev"));
    expect(e.code).toBe("E_CREDENTIALS");
    expect(e.message).toMatch(/rejected the SSO token.*awsx sso login --sso-session corp/);
    w.sso.valid.add("at-1");
    w.sso.state.forbidden = true;
    const f = await failure(w.resolve("dev"));
    expect(f.code).toBe("E_STS");
    expect(f.message).toMatch(/ForbiddenException.*check sso_account_id and sso_role_name/);
  });

  test(
    "16 parallel runs with an expired access token: one refresh, " + "one GetRoleCredentials",
    async () => {
      const w = world();
      w.sso.state.delayMs = 50;
      await w.saveToken(token(new Date(T0.getTime() - MIN)));
      const all = await Promise.all(Array.from({ length: 16 }, () => w.resolve("dev")));
      expect(new Set(all.map((r) => r.credentials.accessKeyId)).size).toBe(1);
      expect(w.sso.calls).toEqual(["CreateToken", "GetRoleCredentials:Dev"]);
    },
  );
});
