// The credentials core in-process: credentialsFor with an in-memory STS, the memory store,
// the real cross-process lock in a temp folder and a fixed clock. Chains, MFA sessions,
// refresh windows and single-flight, in milliseconds, with no subprocess.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cachedHops, type SessionCache } from "../../src/cache/cachedHops.js";
import { memoryStore } from "../../src/cache/memoryStore.js";
import type { Store } from "../../src/types.js";
import { type LoadedConfig, loadConfig } from "../../src/config/load.js";
import {
  type CoreDeps,
  type CredentialSettings,
  credentialsFor,
} from "../../src/credentials/credentialsFor.js";
import { fakeEffects } from "../helpers/stepEffects.js";
import { AwsxError } from "../../src/errors.js";
import type { AssumeRoleInput, Credentials, Sts } from "../../src/types.js";
import { createLogger } from "../../src/util/log.js";

const CFG = "/home/u/.aws/config";
const CREDS = "/home/u/.aws/credentials";
const ACCOUNT = "123456789012";
const MFA = `arn:aws:iam::${ACCOUNT}:mfa/alice`;
const arn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const T0 = new Date("2030-01-01T00:00:00Z");

const CONFIG = `
[profile target1]
role_arn = ${arn("target1")}
source_profile = foo
region = eu-west-1

[profile chained]
role_arn = ${arn("chained")}
source_profile = target1
region = eu-west-1

[profile mfa-a]
role_arn = ${arn("mfa-a")}
source_profile = foo
mfa_serial = ${MFA}

[profile mfa-b]
role_arn = ${arn("mfa-b")}
source_profile = foo
mfa_serial = ${MFA}

[profile mfa-long]
role_arn = ${arn("mfa-long")}
source_profile = foo
mfa_serial = ${MFA}
duration_seconds = 7200
`;
const CREDENTIALS = `[foo]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
`;

interface Call {
  action: string;
  signedWith?: string;
  params: Record<string, unknown>;
}

// An STS that hands out numbered sessions lasting DurationSeconds (default 3600) from `now`.
function fakeSts(now: () => Date, delayMs = 0) {
  const calls: Call[] = [];
  let n = 0;
  const issue = async (action: string, signedWith: string | undefined, params: object) => {
    calls.push({ action, signedWith, params: { ...params } });
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    n++;
    const seconds = (params as { DurationSeconds?: number }).DurationSeconds ?? 3600;
    return {
      accessKeyId: `ASIAFAKE${String(n).padStart(12, "0")}`,
      secretAccessKey: `secret-${action}-${n}-FAKEFAKEFAKE`,
      sessionToken: `token-${action}-${n}-FAKEFAKEFAKEFAKE`,
      expiration: new Date(now().getTime() + seconds * 1000),
    } satisfies Credentials;
  };
  const sts: Sts = {
    assumeRole: (c, input: AssumeRoleInput) => issue("AssumeRole", c.accessKeyId, input),
    getSessionToken: (c, input) => issue("GetSessionToken", c.accessKeyId, input),
    assumeRoleWithWebIdentity: (input) => issue("AssumeRoleWithWebIdentity", undefined, input),
    getCallerIdentity: async () => ({ Account: ACCOUNT }),
    getFederationToken: (c, input) => issue("GetFederationToken", c.accessKeyId, input),
  };
  return { sts, calls };
}

const SETTINGS: CredentialSettings = {
  mfaSession: true,
  mfaSessionSeconds: 43200,
  processTimeoutMs: 5000,
};

let lockDir: string;
beforeEach(() => {
  lockDir = mkdtempSync(join(tmpdir(), "awsx-core-locks-"));
});
afterEach(() => rmSync(lockDir, { recursive: true, force: true }));

// One world: config, clock, STS, store, MFA codes handed out; `resolve` runs the core.
function world(options: { delayMs?: number; store?: Store; windowMs?: number } = {}) {
  const config: LoadedConfig = loadConfig({ configFile: CFG, credentialsFile: CREDS }, (p) =>
    p === CFG ? CONFIG : p === CREDS ? CREDENTIALS : undefined,
  );
  let clock = T0;
  const now = () => clock;
  const { sts, calls } = fakeSts(now, options.delayMs);
  const store = options.store ?? memoryStore();
  const codes: string[] = [];
  const logger = createLogger({ write: () => {} });
  const cache: SessionCache = {
    store: async () => store,
    lock: { dir: lockDir, staleMs: 10_000, waitMs: 5_000 },
    windowMs: options.windowMs ?? 600_000,
    now,
    logger,
  };
  const deps: CoreDeps = {
    config,
    env: {},
    now,
    logger,
    sts: async () => sts,
    mfa: async (serial) => {
      codes.push(serial);
      return "123456";
    },
    around: cachedHops(cache),
    effects: fakeEffects(),
  };
  const resolve = (profile: string, settings: Partial<CredentialSettings> = {}) =>
    credentialsFor(profile, { ...SETTINGS, ...settings }, deps);
  return {
    calls,
    codes,
    store,
    deps,
    resolve,
    advance: (ms: number) => {
      clock = new Date(clock.getTime() + ms);
    },
  };
}

const actions = (calls: Call[]) => calls.map((c) => c.action);

describe("credentialsFor: chains", () => {
  test("a role from static keys: one AssumeRole signed with the long-term key", async () => {
    const w = world();
    const r = await w.resolve("target1");
    expect(actions(w.calls)).toEqual(["AssumeRole"]);
    expect(w.calls[0]).toMatchObject({
      signedWith: "AKIAIOSFODNN7EXAMPLE",
      params: { RoleArn: arn("target1"), RoleSessionName: "awsx-1893456000" },
    });
    expect(r.credentials.accessKeyId).toMatch(/^ASIAFAKE/);
    expect(r.plan.region).toBe("eu-west-1");
  });

  test("a two-hop chain: the second role is signed with the first role's session", async () => {
    const w = world();
    const r = await w.resolve("chained");
    expect(actions(w.calls)).toEqual(["AssumeRole", "AssumeRole"]);
    expect(w.calls[1]!.params.RoleArn).toBe(arn("chained"));
    expect(w.calls[1]!.signedWith).toBe("ASIAFAKE000000000001");
    expect(r.credentials.accessKeyId).toBe("ASIAFAKE000000000002");
  });

  test("static keys alone: no STS call, no cache entry", async () => {
    const w = world();
    const r = await w.resolve("foo");
    expect(w.calls).toEqual([]);
    expect(await w.store.list()).toEqual([]);
    expect(r.credentials).toEqual({
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    });
  });

  test("an unknown profile is E_PROFILE_NOT_FOUND before any call", async () => {
    const w = world();
    await expect(w.resolve("nope")).rejects.toMatchObject({ code: "E_PROFILE_NOT_FOUND" });
    expect(w.calls).toEqual([]);
  });
});

describe("credentialsFor: the cache around each hop", () => {
  test(
    "a second run inside the window makes no call; " +
      "a chain's middle hop is reused (same region)",
    async () => {
      const w = world();
      const first = await w.resolve("chained");
      const again = await w.resolve("chained");
      expect(again.credentials).toEqual(first.credentials);
      await w.resolve("target1");
      expect(actions(w.calls)).toEqual(["AssumeRole", "AssumeRole"]);
    },
  );

  test("refresh window: 11 minutes left is a hit, 9 minutes left is a refresh", async () => {
    const w = world();
    await w.resolve("target1");
    w.advance(49 * 60_000);
    await w.resolve("target1");
    expect(w.calls).toHaveLength(1);
    w.advance(2 * 60_000);
    const refreshed = await w.resolve("target1");
    expect(w.calls).toHaveLength(2);
    expect(refreshed.credentials.expiration).toEqual(new Date(T0.getTime() + 111 * 60_000));
  });

  test("a corrupt entry is a miss and is replaced", async () => {
    const w = world();
    await w.resolve("target1");
    const [entry] = await w.store.list();
    await w.store.set(entry!.key, "{not json");
    await w.resolve("target1");
    expect(w.calls).toHaveLength(2);
    expect((await w.store.get(entry!.key))?.startsWith("{")).toBe(true);
    expect(JSON.parse((await w.store.get(entry!.key))!).v).toBe(1);
  });

  test("a failed STS call stores nothing", async () => {
    const w = world();
    w.deps.sts = async () => {
      throw new AwsxError("E_NETWORK", "down");
    };
    await expect(w.resolve("target1")).rejects.toMatchObject({ code: "E_NETWORK" });
    expect(await w.store.list()).toEqual([]);
  });

  test("single-flight: 16 parallel resolutions make one AssumeRole", async () => {
    const w = world({ delayMs: 50 });
    const all = await Promise.all(Array.from({ length: 16 }, () => w.resolve("target1")));
    expect(actions(w.calls)).toEqual(["AssumeRole"]);
    expect(new Set(all.map((r) => r.credentials.accessKeyId)).size).toBe(1);
  });
});

describe("credentialsFor: MFA sessions", () => {
  test("one code for two roles naming the same mfa_serial", async () => {
    const w = world();
    await w.resolve("mfa-a");
    await w.resolve("mfa-b");
    expect(actions(w.calls)).toEqual(["GetSessionToken", "AssumeRole", "AssumeRole"]);
    expect(w.codes).toEqual([MFA]);
    expect(w.calls[0]!.params).toMatchObject({ SerialNumber: MFA, DurationSeconds: 43200 });
    expect(w.calls[1]!.params.SerialNumber).toBeUndefined();
  });

  test(
    "a role asking for more than an hour is assumed from the long-term keys " + "with the code",
    async () => {
      const w = world();
      await w.resolve("mfa-long");
      expect(actions(w.calls)).toEqual(["AssumeRole"]);
      expect(w.calls[0]).toMatchObject({
        signedWith: "AKIAIOSFODNN7EXAMPLE",
        params: { SerialNumber: MFA, TokenCode: "123456", DurationSeconds: 7200 },
      });
    },
  );

  test("without MFA sessions each MFA role asks for its own code", async () => {
    const w = world();
    await w.resolve("mfa-a", { mfaSession: false });
    await w.resolve("mfa-b", { mfaSession: false });
    expect(actions(w.calls)).toEqual(["AssumeRole", "AssumeRole"]);
    expect(w.codes).toEqual([MFA, MFA]);
  });

  test("16 parallel runs of two MFA roles: one code, one GetSessionToken", async () => {
    const w = world({ delayMs: 30 });
    await Promise.all(Array.from({ length: 16 }, (_, i) => w.resolve(i % 2 ? "mfa-a" : "mfa-b")));
    expect(w.codes).toEqual([MFA]);
    expect(actions(w.calls).sort()).toEqual(["AssumeRole", "AssumeRole", "GetSessionToken"]);
  });
});
