import { transportProblem } from "../../platform/transportProblem.js";
import { existsSync } from "node:fs";
import { AwsxError } from "../../errors.js";
import { configPaths, readText } from "../../config/userConfig.js";
import { writeFileAtomic } from "../../platform/atomicWrite.js";
import { serviceErrorName, serviceMessage } from "../../platform/serviceMessage.js";
import { isRegionName } from "../../plan/build.js";
import { DEFAULT_TEMPLATE } from "../../sso/syncBlock.js";
import { syncDiff } from "../../sso/syncDiff.js";
import { syncedConfig } from "../../sso/syncedConfig.js";
import { listPairs } from "../../sso/syncPairs.js";
import { printable } from "../../util/printable.js";
import { type CredentialFlags, type Deps, trustOf } from "../deps.js";
import { freshToken } from "./ssoFreshToken.js";
import { ssoTarget, type SsoTargetInput } from "./ssoTarget.js";

// awsx sso sync's parsed input.
export interface SsoSyncInput extends SsoTargetInput, CredentialFlags {
  dryRun?: boolean;
  template?: string;
  profileRegion?: string;
}

// A token with less than this left is not used for a sync.
const MIN_LEFT_MS = 60_000;

function portalFailure(e: unknown, session: string, region: string, portalUrl: string): unknown {
  if (e instanceof AwsxError) return e; // an answer listPairs refused
  const err = e as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = err?.$metadata?.httpStatusCode;
  const who = `sso-session "${session}"`;
  const problem = transportProblem(e, "the SSO portal", portalUrl, `the accounts of ${who}`);
  if (problem) return new AwsxError("E_NETWORK", problem, { cause: e });
  if (status === 401 || err?.name === "UnauthorizedException")
    return new AwsxError(
      "E_CREDENTIALS",
      `the SSO portal refused the token of sso-session "${session}" (expired or signed ` +
        `out); run awsx sso login --sso-session ${session}`,
    );
  if (status === undefined || status >= 500)
    return new AwsxError(
      "E_NETWORK",
      `cannot list accounts at the SSO portal (${region}) for sso-session "${session}": ` +
        `${printable(err?.code ?? (status ? `HTTP ${status}` : (err?.name ?? "error")), 100)}; ` +
        "check the network, sso_region or AWS_ENDPOINT_URL_SSO",
      { cause: e },
    );
  const said = serviceMessage(e);
  return new AwsxError(
    "E_STS",
    `the SSO portal answered ${serviceErrorName(e)}${said ? ` (${said})` : ""} ` +
      `listing the accounts of sso-session "${session}"; check sso_region and ` +
      "AWS_ENDPOINT_URL_SSO",
    { cause: e },
  );
}

// Sync of a legacy profile (sso_start_url in it): the profiles sync writes name an
// sso-session, so say how to convert, with a name taken from the start URL's host.
function legacySync(s: { startUrl: string; region: string }, profile: string, file: string) {
  let host = "";
  try {
    host = new URL(s.startUrl).hostname.split(".")[0] ?? "";
  } catch {
    // not a URL: the generic name below
  }
  const name = /^[A-Za-z0-9_-]{1,40}$/.test(host) ? host : "my-sso";
  return new AwsxError(
    "E_CONFIG",
    `awsx sso sync writes profiles that name an sso-session, and profile "${profile}" names ` +
      `its start URL itself (the legacy form); convert it: add [sso-session ${name}] with ` +
      `sso_start_url = ${s.startUrl} and sso_region = ${s.region} to ${file}, replace ` +
      `sso_start_url and sso_region in [profile ${profile}] with sso_session = ${name}, then ` +
      `run awsx sso login --sso-session ${name} and sync again (docs/sso.md#setup)`,
    { profile },
  );
}

// The config file's text ("" when there is none); one that exists but cannot be read is an
// error, never an empty file to write the block into.
function readConfigText(path: string): string {
  const text = readText(path);
  if (text !== undefined || !existsSync(path)) return text ?? "";
  throw new AwsxError("E_CONFIG", `cannot read ${path}; fix its permissions, then sync again`);
}

// awsx sso sync [PROFILE | --sso-session NAME]: one profile per account and role, in a
// marked block of ~/.aws/config.
export async function runSsoSync(
  input: SsoSyncInput,
  deps: Deps,
  out: (s: string) => void,
): Promise<number> {
  const target = ssoTarget(input, deps, "sync");
  const { session } = target;
  const name = session.name;
  if (!name) throw legacySync(session, input.profile ?? "", configPaths(deps.env).configFile);
  const template = input.template ?? DEFAULT_TEMPLATE;
  const region = input.profileRegion;
  if (region !== undefined && !isRegionName(region))
    throw new AwsxError(
      "E_USAGE",
      `--profile-region ${JSON.stringify(region)} is not a valid region name; use a name like ` +
        "us-east-1",
    );
  const token = await freshToken(target, input, deps);
  if (!token || Date.parse(token.expiresAt) - deps.now().getTime() < MIN_LEFT_MS)
    throw new AwsxError(
      "E_CREDENTIALS",
      `not signed in to sso-session "${name}" (no token, or it has expired); ` +
        `run awsx sso login --sso-session ${name}`,
    );
  deps.logger.secret(token.accessToken);
  const { createSsoPortal } = await import("../../platform/ssoPortal.js");
  const portal = await createSsoPortal({
    region: session.region,
    endpoint: target.portalUrl,
    timeoutMs: deps.settings.stsTimeoutMs,
    trust: trustOf(deps, target.caBundle),
  });
  const pairs = await listPairs(portal, token.accessToken, name).catch((e) => {
    throw portalFailure(e, name, session.region, target.portalUrl);
  });
  const { configFile } = configPaths(deps.env);
  const before = readConfigText(configFile);
  const { after, profiles, yours } = syncedConfig({
    before,
    file: configFile,
    session: name,
    pairs,
    template,
    ...(region === undefined ? {} : { region }),
  });
  for (const p of yours)
    deps.logger.warn(`profile "${p}" is yours (outside the block): not written`);
  if (input.dryRun) {
    out(syncDiff(before, after, configFile));
    return 0;
  }
  if (after === before) {
    deps.logger.info(`${configFile}: ${profiles.length} profile(s) of "${name}", no change`);
    return 0;
  }
  await writeFileAtomic(configFile, after);
  deps.logger.info(`${configFile}: wrote ${profiles.length} profile(s) of "${name}"`);
  return 0;
}
