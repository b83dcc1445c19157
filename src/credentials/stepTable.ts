import type { Plan, SourceStep, Step, StsStep } from "../plan/plan.js";
import type { SourceDef, StsDef } from "./stepDef.js";
import { assumeRoleStep } from "./steps/assumeRole.js";
import { credentialSourceStep } from "./steps/credentialSource.js";
import { processStep } from "./steps/process.js";
import { sessionTokenStep } from "./steps/sessionToken.js";
import { ssoStep } from "./steps/sso.js";
import { staticStep } from "./steps/static.js";
import { webIdentityStep } from "./steps/webIdentity.js";

type DefOf<K extends Step["kind"]> = K extends SourceStep["kind"]
  ? SourceDef<Extract<SourceStep, { kind: K }>>
  : StsDef<Extract<StsStep, { kind: K }>>;

// Every step kind, one row each (a step file's def): a kind of the Step union without a row,
// or a row of the wrong shape, fails to compile.
const STEPS: { [K in Step["kind"]]: DefOf<K> } = {
  static: staticStep,
  process: processStep,
  credentialSource: credentialSourceStep,
  webIdentity: webIdentityStep,
  sso: ssoStep,
  sessionToken: sessionTokenStep,
  assumeRole: assumeRoleStep,
};

// The row of a step, typed for that step. TypeScript cannot tie STEPS[s.kind] to s's own
// kind by itself (a union of rows): the table's type above makes this cast sound.
export const sourceDef = <S extends SourceStep>(s: S): SourceDef<S> =>
  STEPS[s.kind] as unknown as SourceDef<S>;
export const stsDef = <S extends StsStep>(s: S): StsDef<S> => STEPS[s.kind] as unknown as StsDef<S>;

// The parts every row has in the same shape, for code that takes any step.
type AnyRow = { describe(step: Step): string; explain(step: Step): Record<string, unknown> };
const rowOf = (s: Step): AnyRow => STEPS[s.kind] as unknown as AnyRow;

// A hop as `awsx explain` shows it: kind, profile, then what its kind shows.
export const explainStep = (s: Step): Record<string, unknown> => ({
  kind: s.kind,
  profile: s.profile,
  ...rowOf(s).explain(s),
});

// A plan on one line for --debug: `static(foo) → getSessionToken(mfa) → assumeRole(arn)`.
export const describePlan = (plan: Plan): string =>
  [plan.source, ...plan.steps].map((s) => rowOf(s).describe(s)).join(" → ");
