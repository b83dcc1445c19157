import { ssoEndpoint, stsEndpoint, type StsEndpoint } from "../config/endpoint.js";
import type { LoadedConfig } from "../config/load.js";
import { buildPlan, type ChildSession } from "../plan/build.js";
import type { StoredKeyPair } from "../plan/planner.js";
import type { Plan } from "../plan/plan.js";
import type { AroundHop, Credentials, Env, Sts, StsFactory } from "../types.js";
import type { Logger } from "../util/log.js";
import { metadataSettings } from "./metadataSettings.js";
import type { MfaCodeProvider } from "./mfa.js";
import { guardRecursion } from "./recursionGuard.js";
import { runPlan } from "./runPlan.js";
import { describePlan } from "./stepTable.js";
import type { SsoContext, SsoDeps } from "./ssoContext.js";
import type { StepEffects } from "./stepEffects.js";

// What changes the route or its limits: flags and AWSX_* settings, parsed by the CLI.
export interface CredentialSettings {
  region?: string;
  // --duration: overrides the target role's duration_seconds.
  durationSeconds?: number;
  mfaSession: boolean;
  mfaSessionSeconds: number;
  processTimeoutMs: number;
  // Which long-term keys reach the child only as a session (docs/keys.md); default none.
  childSession?: ChildSession;
}

// Every effect the core uses, handed in: tests pass fakes or the real thing.
export interface CoreDeps {
  config: LoadedConfig;
  env: Env;
  now: () => Date;
  logger: Logger;
  sts: StsFactory;
  mfa: MfaCodeProvider;
  // Wraps each STS hop from outside: the session cache (src/cache/cachedHops.ts).
  around?: AroundHop;
  // IAM Identity Center: clients, token store and lock (src/cli/resolveProfile.ts).
  sso?: SsoDeps;
  // Told when an STS call is slow to answer (a hint on the terminal).
  onSlowSts?: (message: string) => void;
  // Key pairs of awsx's store, read by the CLI for the profiles of this chain.
  storedKeys?: ReadonlyMap<string, StoredKeyPair>;
  // Helpers, metadata requests, file reads and pauses (src/cli/deps.ts: stepEffects).
  effects: StepEffects;
}

export interface Resolved {
  plan: Plan;
  credentials: Credentials;
  endpoint: StsEndpoint;
}

// The route the AWS CLI would take for a profile, without calling anything.
export function planFor(
  profile: string,
  settings: Pick<
    CredentialSettings,
    "region" | "durationSeconds" | "mfaSession" | "mfaSessionSeconds" | "childSession"
  >,
  deps: Pick<CoreDeps, "config" | "env" | "storedKeys">,
): Plan {
  return buildPlan(deps.config, profile, {
    env: deps.env,
    region: settings.region,
    durationSeconds: settings.durationSeconds,
    mfaSession: settings.mfaSession,
    mfaSessionSeconds: settings.mfaSessionSeconds,
    childSession: settings.childSession,
    storedKeys: deps.storedKeys,
  });
}

// The STS client of a profile's region and endpoint, created once, on first use.
export function stsFor(endpoint: StsEndpoint, factory: StsFactory): () => Promise<Sts> {
  let sts: Promise<Sts> | undefined;
  const { region, fips, dualstack, global, caBundle } = endpoint;
  const trust = caBundle ? { caBundle } : {};
  const target = endpoint.url
    ? { region, endpoint: endpoint.url, ...trust }
    : { region, fips, dualstack, global, ...trust };
  return () => (sts ??= factory(target));
}

// profile → plan → credentials: the one way every command gets credentials.
export async function credentialsFor(
  profile: string,
  settings: CredentialSettings,
  deps: CoreDeps,
): Promise<Resolved> {
  const { logger } = deps;
  const env = guardRecursion(profile, deps.env);
  const plan = planFor(profile, settings, {
    config: deps.config,
    env,
    storedKeys: deps.storedKeys,
  });
  for (const note of plan.notes) logger.debug(note);
  // botocore builds its metadata fetcher for every profile: a bad setting fails them all.
  const named = deps.config.profiles.get(profile) ?? { name: profile, values: {} };
  const metadata = metadataSettings(named, env);
  const endpoint = stsEndpoint(deps.config, profile, env, plan.region);
  const region = endpoint.region;
  logger.debug(
    `profile ${profile}: ${describePlan(plan)}; STS ${endpoint.label} (${endpoint.from}), ` +
      `region ${plan.region ?? `none (STS client region ${region})`}`,
  );
  const ctx = {
    sts: stsFor(endpoint, deps.sts),
    endpointLabel: endpoint.label,
    endpointFrom: endpoint.from,
    onSlowSts: deps.onSlowSts,
    mfa: deps.mfa,
    env,
    now: deps.now,
    logger,
    processTimeoutMs: settings.processTimeoutMs,
    metadata,
    effects: deps.effects,
    ...(deps.sso ? { sso: ssoContext(deps.sso, deps.config, env, profile) } : {}),
  };
  const credentials = await runPlan(plan, ctx, { region, around: deps.around });
  return { plan, credentials, endpoint };
}

// The SSO deps with the portal and OIDC endpoints: botocore creates both clients from the
// session of the profile the user named (client_creator, create_nested_client), so a role
// chain's SSO source_profile's own endpoint settings are not read.
function ssoContext(sso: SsoDeps, config: LoadedConfig, env: Env, named: string): SsoContext {
  return {
    ...sso,
    endpoints: (region) => ({
      portal: ssoEndpoint(config, named, env, "sso", region),
      oidc: ssoEndpoint(config, named, env, "sso-oidc", region),
    }),
  };
}
