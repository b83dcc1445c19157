import type { Origin } from "../config/load.js";
import type { SourceStep, StsStep } from "../plan/plan.js";
import type { Credentials } from "../types.js";
import type { StepContext } from "./stepContext.js";

// What, besides the plan, makes a session differ; never a secret.
export interface HopContext {
  // The STS endpoint and region the calls go to: a session from one is no use at another.
  endpoint: string;
  region: string;
  // sha256 of what the source read before the cache was asked (the web identity token).
  tokenDigest?: string;
  // AWS_ACCESS_KEY_ID of awsx's environment, for credential_source = Environment.
  envAccessKeyId?: string;
  // The endpoint a source calls when it is not STS (the SSO portal: the fake's roles are not
  // the real ones).
  sourceEndpoint?: string;
}

// One way to get credentials at the start of a chain, as the JS SDK's resolve<Kind>Credentials
// and granted's Assumer: how it runs, how its session is named and how it is shown. Which
// profile keys choose it stays in src/plan/planner.ts (botocore's provider order).
export interface SourceDef<S extends SourceStep> {
  // Read before the cache is asked (the web identity token): its digest joins the hop id, so
  // a new value is a new session, and run gets the value. It is a secret.
  read?: (step: S, ctx: StepContext) => Promise<string>;
  // The endpoint it calls when that is not STS's (HopContext.sourceEndpoint).
  endpoint?: (step: S, ctx: StepContext) => string | undefined;
  // Who the source is, without any secret: a new key id, command or token is a new session.
  identity: (step: S, hop: HopContext) => unknown[];
  // Present: its session is cached (deps.around, aws-vault's CachedSessionProvider), shown
  // with this label in `awsx list`. Absent: it runs every time, and its errors name the chain.
  cachedAs?: (step: S) => string;
  run: (step: S, ctx: StepContext, read: string | undefined) => Promise<Credentials> | Credentials;
  // The hop in `--debug`'s one-line plan, e.g. `process(dev)`.
  describe: (step: S) => string;
  // The hop in `awsx explain` after its kind and profile: plain data, no secret.
  explain: (step: S) => Record<string, unknown>;
}

// One STS call that turns the previous hop's credentials into a session (always cached).
export interface StsDef<S extends StsStep> {
  identity: (step: S) => unknown[];
  // The role ARN or MFA serial, to tell sessions apart in `awsx list`.
  label: (step: S) => string;
  run: (step: S, input: Credentials, ctx: StepContext) => Promise<Credentials>;
  describe: (step: S) => string;
  explain: (step: S) => Record<string, unknown>;
}

// Where a value was read, as explain shows it.
export const shownOrigin = (o: Origin | undefined): string | undefined =>
  o ? `${o.file} [${o.section}]` : undefined;
