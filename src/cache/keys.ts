import { sha256Hex } from "../util/sha256.js";
import type { Plan, SourceStep, StsStep } from "../plan/types.js";

export interface KeyContext {
  // The STS endpoint and region the calls go to: a session from one is no use at another.
  endpoint: string;
  region: string;
  // sha256 of the web identity token, for a webIdentity source.
  tokenDigest?: string;
  // AWS_ACCESS_KEY_ID of awsx's environment, for credential_source = Environment.
  envAccessKeyId?: string;
}

const FORMAT = "awsx-cache-1";
const sha256 = sha256Hex;

// Who the source is, without any secret: a new key id, command or token means a new session.
function sourceIdentity(source: SourceStep, ctx: KeyContext): unknown[] {
  switch (source.kind) {
    case "static":
      return ["static", source.accessKeyId];
    case "process":
      return ["process", source.command];
    case "credentialSource":
      return ["credentialSource", source.source, source.source === "Environment" ? (ctx.envAccessKeyId ?? "") : ""];
    case "webIdentity":
      return ["webIdentity", source.roleArn, source.tokenFile, source.sessionName ?? "", ctx.tokenDigest ?? ""];
  }
}

function stepParams(step: StsStep): unknown[] {
  if (step.kind === "sessionToken") return ["sessionToken", step.mfaSerial, step.durationSeconds];
  return ["assumeRole", step.roleArn, step.sessionName ?? "", step.externalId ?? "", step.mfaSerial ?? "", step.durationSeconds ?? 0, step.sourceIdentity ?? ""];
}

// One key per link of the chain: [source, ...steps]. Each key hashes its own parameters
// with the previous link's key, so it names the whole route up to that point.
export function linkKeys(plan: Plan, ctx: KeyContext): string[] {
  const keys: string[] = [];
  let previous = sha256(JSON.stringify([FORMAT, ctx.endpoint, ctx.region, ...sourceIdentity(plan.source, ctx)]));
  keys.push(previous);
  for (const step of plan.steps) {
    previous = sha256(JSON.stringify([previous, ...stepParams(step)]));
    keys.push(previous);
  }
  return keys;
}

export const digest = sha256;
