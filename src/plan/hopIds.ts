import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Plan, SourceStep, StsStep } from "./plan.js";

// What, besides the plan, makes a session differ; never a secret.
export interface HopContext {
  // The STS endpoint and region the calls go to: a session from one is no use at another.
  endpoint: string;
  region: string;
  // sha256 of the web identity token, for a webIdentity source.
  tokenDigest?: string;
  // AWS_ACCESS_KEY_ID of awsx's environment, for credential_source = Environment.
  envAccessKeyId?: string;
  // The SSO portal endpoint, for an sso source: the fake's roles are not the real ones.
  ssoEndpoint?: string;
}

const FORMAT = "awsx-cache-1";

// @noble/hashes rather than node:crypto: loading node:crypto costs a warm run ~11 ms,
// this ~3 ms (docs/performance.md), and every run hashes its hop ids.
export const sha256Hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

// Who the source is, without any secret: a new key id, command or token means a new session.
function sourceIdentity(source: SourceStep, ctx: HopContext): unknown[] {
  switch (source.kind) {
    case "static":
      return ["static", source.accessKeyId];
    case "process":
      return ["process", source.command];
    case "credentialSource": {
      const envKey = source.source === "Environment" ? (ctx.envAccessKeyId ?? "") : "";
      return ["credentialSource", source.source, envKey];
    }
    case "sso":
      // botocore's key: role, account, and the sso-session name or the start URL.
      return [
        "sso",
        source.accountId,
        source.roleName,
        source.session.name ?? "",
        source.session.name ? "" : source.session.startUrl,
        source.session.region,
        ctx.ssoEndpoint ?? "",
      ];
    case "webIdentity":
      return [
        "webIdentity",
        source.roleArn,
        source.tokenFile,
        source.sessionName ?? "",
        ctx.tokenDigest ?? "",
      ];
  }
}

function stepParams(step: StsStep): unknown[] {
  if (step.kind === "sessionToken") {
    return ["sessionToken", step.mfaSerial, step.durationSeconds];
  }
  return [
    "assumeRole",
    step.roleArn,
    step.sessionName ?? "",
    step.externalId ?? "",
    step.mfaSerial ?? "",
    step.durationSeconds ?? 0,
    step.sourceIdentity ?? "",
  ];
}

// One id per hop of the chain, [source, ...steps]: each hashes its own parameters with the
// previous hop's id, so it names the whole route up to that point. The cache keys on it.
export function hopIds(plan: Plan, ctx: HopContext): string[] {
  const ids: string[] = [];
  let previous = sha256Hex(
    JSON.stringify([FORMAT, ctx.endpoint, ctx.region, ...sourceIdentity(plan.source, ctx)]),
  );
  ids.push(previous);
  for (const step of plan.steps) {
    previous = sha256Hex(JSON.stringify([previous, ...stepParams(step)]));
    ids.push(previous);
  }
  return ids;
}
