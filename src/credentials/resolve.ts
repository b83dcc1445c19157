import { promises as fs } from "node:fs";
import { AwsxError } from "../errors.js";
import { cached, type SessionCache } from "../cache/cached.js";
import { digest, linkKeys } from "../cache/keys.js";
import type { AssumeRoleStep, Plan, SourceStep, StsStep } from "../plan/types.js";
import type { Logger } from "../util/log.js";
import { fromCredentialSource } from "./credentialSource.js";
import type { MfaCodeProvider } from "./mfa.js";
import { runCredentialProcess } from "./process.js";
import type { Sts } from "../types.js";
import { translateStsError, type StsCallContext } from "./stsErrors.js";
import { maskKeyId, type Credentials } from "../types.js";

export interface ResolveDeps {
  // Created on first use: a run served from the cache never loads the STS client.
  sts: () => Promise<Sts>;
  endpointLabel: string;
  region: string;
  mfa: MfaCodeProvider;
  cache?: SessionCache;
  env: Record<string, string | undefined>;
  now: () => Date;
  logger: Logger;
  processTimeoutMs: number;
  sourceTimeoutMs: number;
}

export const defaultSessionName = (now: Date): string => `awsx-${Math.floor(now.getTime() / 1000)}`;

// Run a plan: walk back from the target to the newest cached link, then forward,
// calling STS only for the links that are not cached.
export async function resolvePlan(plan: Plan, deps: ResolveDeps): Promise<Credentials> {
  const log = deps.logger;
  let tokenDigest: string | undefined;
  let token: string | undefined;
  if (plan.source.kind === "webIdentity") {
    token = await readToken(plan.source.profile, plan.source.tokenFile);
    log.secret(token);
    tokenDigest = digest(token);
  }
  const keys = linkKeys(plan, { endpoint: deps.endpointLabel, region: deps.region, tokenDigest, envAccessKeyId: deps.env.AWS_ACCESS_KEY_ID });
  const chainProfiles = [...new Set([plan.source.profile, ...plan.steps.map((s) => s.profile), plan.profile])];

  // Each hop's secrets are known to the redactor as soon as they exist, so an error on a
  // later hop can never print an earlier hop's token.
  const link = async (i: number): Promise<Credentials> => {
    const creds = await linkUnredacted(i);
    for (const s of [creds.secretAccessKey, creds.sessionToken]) log.secret(s);
    return creds;
  };
  const linkUnredacted = async (i: number): Promise<Credentials> => {
    if (i === 0) {
      const source = plan.source;
      if (source.kind !== "webIdentity") return runSource(source, deps);
      const compute = () => webIdentity(source, token!, deps);
      if (!deps.cache) return compute();
      return cached(deps.cache, keys[0]!, { profile: source.profile, kind: "webIdentity", label: source.roleArn, profiles: chainProfiles }, compute);
    }
    const step = plan.steps[i - 1]!;
    const compute = async () => runStep(step, await link(i - 1), deps);
    if (!deps.cache) return compute();
    const label = step.kind === "assumeRole" ? step.roleArn : step.mfaSerial;
    return cached(deps.cache, keys[i]!, { profile: step.profile, kind: step.kind, label, profiles: chainProfiles }, compute);
  };
  return link(plan.steps.length);
}

async function readToken(profile: string, file: string): Promise<string> {
  try {
    const t = (await fs.readFile(file, "utf8")).trim();
    if (!t) throw new Error("the file is empty");
    return t;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new AwsxError("E_CREDENTIALS", `cannot read the web identity token file ${file} of profile "${profile}": ${why}; check web_identity_token_file / AWS_WEB_IDENTITY_TOKEN_FILE`, {
      profile,
      cause: e,
    });
  }
}

async function runSource(source: Exclude<SourceStep, { kind: "webIdentity" }>, deps: ResolveDeps): Promise<Credentials> {
  const log = deps.logger;
  let creds: Credentials;
  switch (source.kind) {
    case "static":
      log.debug(`profile ${source.profile}: static keys ${maskKeyId(source.accessKeyId)} from the ${source.provider} (${source.origin.file})`);
      creds = { accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey, ...(source.sessionToken ? { sessionToken: source.sessionToken } : {}) };
      break;
    case "process":
      log.debug(`profile ${source.profile}: running credential_process`);
      creds = await runCredentialProcess(source.profile, source.command, {
        env: deps.env,
        timeoutMs: deps.processTimeoutMs,
        maxOutputBytes: 1024 * 1024,
        now: deps.now,
      });
      break;
    case "credentialSource":
      log.debug(`profile ${source.profile}: credentials from credential_source ${source.source}`);
      creds = await fromCredentialSource(source.profile, source.source, { env: deps.env, timeoutMs: deps.sourceTimeoutMs });
      break;
  }
  for (const s of [creds.secretAccessKey, creds.sessionToken]) log.secret(s);
  return creds;
}

async function callSts<T>(deps: ResolveDeps, ctx: Omit<StsCallContext, "endpoint">, fn: (sts: Sts) => Promise<T>): Promise<T> {
  const sts = await deps.sts();
  try {
    return await fn(sts);
  } catch (e) {
    throw translateStsError(e, { ...ctx, endpoint: deps.endpointLabel });
  }
}

async function webIdentity(source: Extract<SourceStep, { kind: "webIdentity" }>, token: string, deps: ResolveDeps): Promise<Credentials> {
  deps.logger.debug(`profile ${source.profile}: AssumeRoleWithWebIdentity ${source.roleArn} (token from ${source.from === "env" ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "web_identity_token_file"})`);
  return callSts(deps, { profile: source.profile, action: "AssumeRoleWithWebIdentity", roleArn: source.roleArn }, (sts) =>
    sts.assumeRoleWithWebIdentity({ RoleArn: source.roleArn, RoleSessionName: source.sessionName ?? defaultSessionName(deps.now()), WebIdentityToken: token }),
  );
}

async function runStep(step: StsStep, input: Credentials, deps: ResolveDeps): Promise<Credentials> {
  if (step.kind === "sessionToken") {
    const code = await deps.mfa(step.mfaSerial, step.profile);
    deps.logger.debug(`profile ${step.profile}: GetSessionToken with MFA ${step.mfaSerial} for ${step.durationSeconds}s (${step.reason})`);
    return callSts(deps, { profile: step.profile, action: "GetSessionToken", mfa: true }, (sts) =>
      sts.getSessionToken(input, { DurationSeconds: step.durationSeconds, SerialNumber: step.mfaSerial, TokenCode: code }),
    );
  }
  return assumeRole(step, input, deps);
}

async function assumeRole(step: AssumeRoleStep, input: Credentials, deps: ResolveDeps): Promise<Credentials> {
  const params = {
    RoleArn: step.roleArn,
    RoleSessionName: step.sessionName ?? defaultSessionName(deps.now()),
    ...(step.durationSeconds !== undefined ? { DurationSeconds: step.durationSeconds } : {}),
    ...(step.externalId !== undefined ? { ExternalId: step.externalId } : {}),
    ...(step.sourceIdentity !== undefined ? { SourceIdentity: step.sourceIdentity } : {}),
  };
  let mfa = {};
  if (step.mfaSerial) mfa = { SerialNumber: step.mfaSerial, TokenCode: await deps.mfa(step.mfaSerial, step.profile) };
  deps.logger.debug(
    `profile ${step.profile}: AssumeRole ${step.roleArn} with ${maskKeyId(input.accessKeyId)}${step.mfaSerial ? ` and MFA ${step.mfaSerial}` : ""}${step.durationSeconds ? ` for ${step.durationSeconds}s` : ""}`,
  );
  return callSts(deps, { profile: step.profile, action: "AssumeRole", roleArn: step.roleArn, mfa: Boolean(step.mfaSerial) }, (sts) =>
    sts.assumeRole(input, { ...params, ...mfa }),
  );
}
