import type { Plan } from "./plan.js";

// A plan on one line for --debug: `static(foo) → getSessionToken(mfa) → assumeRole(arn)`.
export function describePlan(plan: Plan): string {
  const s = plan.source;
  const source =
    s.kind === "webIdentity"
      ? `webIdentity(${s.roleArn})`
      : s.kind === "sso"
        ? `sso(${s.accountId}/${s.roleName})`
        : s.kind === "credentialSource"
          ? `${s.source}(${s.profile})`
          : s.kind === "static" && s.provider === "awsx-store"
            ? `stored(${s.profile})`
            : `${s.kind}(${s.profile})`;
  const steps = plan.steps.map((step) =>
    step.kind === "sessionToken"
      ? `getSessionToken(${step.mfaSerial ?? "no MFA"})`
      : `assumeRole(${step.roleArn}${step.mfaSerial ? ", mfa" : ""})`,
  );
  return [source, ...steps].join(" → ");
}
