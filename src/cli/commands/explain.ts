import { type ServiceEndpoint, ssoEndpoint, stsEndpoint } from "../../config/endpoint.js";
import { refreshesToken } from "../../credentials/steps/sso.js";
import { explainStep } from "../../credentials/stepTable.js";
import type { CaBundle, Env } from "../../types.js";
import { routeData, routeLine } from "../../platform/routeData.js";
import type { Plan } from "../../plan/plan.js";
import { PROFILE_ARG, type Command } from "../command.js";
import { loadUserConfig } from "../../config/userConfig.js";
import type { CredentialFlags, Deps } from "../deps.js";
import { planOf } from "../resolveProfile.js";
import { CREDENTIAL_OPTIONS, JSON_OPTION } from "../options.js";
import { visible } from "../../util/printable.js";

type ExplainInput = CredentialFlags & { profile: string; json?: boolean };
type Shown = { label: string; from: string; route?: ReturnType<typeof routeData> };

// A plan as plain data without secrets: what `awsx explain --json` prints.
export function explainData(
  plan: Plan,
  endpoint: { label: string; from: string; caBundle?: CaBundle },
  sso?: { portal: Shown; oidc: Shown },
  env: Env = {},
) {
  return {
    profile: plan.profile,
    region: plan.region ?? null,
    regionFrom: plan.regionOrigin ?? null,
    stsEndpoint: endpoint.label,
    stsEndpointFrom: endpoint.from,
    // The proxy and CA bundle of STS calls, and why (docs/proxy.md).
    stsRoute: routeData(env, endpoint),
    hops: [plan.source, ...plan.steps].map(explainStep),
    ...(sso ? { ssoPortal: sso.portal, ssoOidc: sso.oidc } : {}),
    notes: [...plan.notes, ...legacyNote(plan)],
  };
}

// Why a legacy SSO profile's token is never refreshed, and how to get refreshes.
function legacyNote(plan: Plan): string[] {
  const src = plan.source;
  if (src.kind !== "sso" || refreshesToken(src.session)) return [];
  return [
    `profile ${src.profile} names its start URL itself (no sso_session): the AWS CLI never ` +
      "refreshes such a token (it is used until it expires), and awsx does not either; sign " +
      "in again then, or move sso_start_url and sso_region to an [sso-session] section " +
      "(sso_session = NAME in the profile) to have it refreshed",
  ];
}

// awsx explain PROFILE: the resolution plan, calling nothing.
async function runExplain(
  input: ExplainInput,
  deps: Deps,
  out: (s: string) => void,
): Promise<number> {
  const config = loadUserConfig(deps.env);
  const plan = await planOf(input.profile, input, deps, config);
  const src = plan.source;
  const show = (e: ServiceEndpoint): Shown => ({
    label: e.label,
    from: e.from,
    route: routeData(deps.env, e),
  });
  const sso =
    src.kind === "sso"
      ? {
          // The named profile's, as botocore's clients (credentialsFor.ts ssoContext).
          portal: show(ssoEndpoint(config, input.profile, deps.env, "sso", src.session.region)),
          oidc: show(ssoEndpoint(config, input.profile, deps.env, "sso-oidc", src.session.region)),
        }
      : undefined;
  const sts = stsEndpoint(config, input.profile, deps.env, plan.region);
  const data = explainData(plan, sts, sso, deps.env);
  if (input.json) {
    out(`${JSON.stringify(data, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `profile ${data.profile}: ${data.hops.length} hop${data.hops.length === 1 ? "" : "s"}`,
  ];
  data.hops.forEach((h, i) => {
    const { kind, profile, from, ...rest } = h as Record<string, unknown>;
    const details = Object.entries(rest)
      .filter(([, v]) => v !== undefined && v !== false)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    lines.push(`  ${i + 1}. ${kind} [${profile}] ${details}${from ? `\n     from ${from}` : ""}`);
  });
  lines.push(
    `  region: ${data.region ?? "(none)"}${data.regionFrom ? ` from ${data.regionFrom}` : ""}`,
  );
  lines.push(`  STS: ${data.stsEndpoint} (${data.stsEndpointFrom})`);
  lines.push(`     ${routeLine(data.stsRoute)}`);
  for (const [name, e] of [
    ["SSO portal", data.ssoPortal],
    ["SSO OIDC", data.ssoOidc],
  ] as const) {
    if (!e) continue;
    lines.push(`  ${name}: ${e.label} (${e.from})`);
    if (e.route) lines.push(`     ${routeLine(e.route)}`);
  }
  for (const n of data.notes) lines.push(`  note: ${n}`);
  out(`${visible(lines.join("\n"))}\n`);
  return 0;
}

// awsx explain.
export const explain: Command = {
  name: "explain",
  summary: "Show how the profile resolves (each hop, where each value came from), calling nothing",
  usage: "PROFILE",
  options: [...CREDENTIAL_OPTIONS, JSON_OPTION],
  args: [PROFILE_ARG],
  examples: [["awsx explain target2", "the chain of target2: source keys, MFA session, role"]],
  run: (input, deps) => runExplain(input as ExplainInput, deps, deps.out),
};
