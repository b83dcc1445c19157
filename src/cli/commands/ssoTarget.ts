import { AwsxError } from "../../errors.js";
import { ssoEndpoint } from "../../config/endpoint.js";
import type { LoadedConfig } from "../../config/load.js";
import { loadUserConfig } from "../../config/userConfig.js";
import { profileNotFound } from "../../plan/build.js";
import { type SsoSession, ssoSessionByName, ssoSessionFor } from "../../sso/ssoConfig.js";
import { ssoCacheKey } from "../../sso/ssoToken.js";
import type { Deps } from "../deps.js";

// What `awsx sso ...` names: a profile, an sso-session, or (neither) the only sso-session.
export interface SsoTargetInput {
  profile?: string;
  ssoSession?: string;
}

// The session resolved, with its cache key and endpoints.
export interface SsoTarget {
  session: SsoSession;
  // The token cache key (the AWS CLI's sha1 rule).
  key: string;
  config: LoadedConfig;
  // Where its OIDC and portal calls go (the profile's endpoint settings count).
  oidcUrl: string;
  portalUrl: string;
}

// A service's URL for a profile ("" for a session named alone), as the resolver finds it.
export const ssoUrl = (
  config: LoadedConfig,
  profile: string | undefined,
  deps: Deps,
  service: "sso" | "sso-oidc",
  region: string,
): string => ssoEndpoint(config, profile ?? "", deps.env, service, region).label;

const describe = (s: SsoSession): string =>
  s.name ? `sso-session "${s.name}"` : `start URL ${s.startUrl}`;
// How messages name a session.
export const sessionLabel = describe;

// The session a command is about, with botocore's checks of the config.
export function ssoTarget(input: SsoTargetInput, deps: Deps, command: string): SsoTarget {
  const config = loadUserConfig(deps.env);
  if (input.profile !== undefined && input.ssoSession !== undefined)
    throw new AwsxError(
      "E_USAGE",
      `awsx sso ${command} takes a PROFILE or --sso-session NAME, not both`,
    );
  let session: SsoSession;
  if (input.ssoSession !== undefined) session = ssoSessionByName(input.ssoSession, config);
  else if (input.profile !== undefined) {
    const profile = config.profiles.get(input.profile);
    if (!profile) throw profileNotFound(config, input.profile);
    session = ssoSessionFor(profile, config);
  } else session = onlySession(config, command);
  const url = (service: "sso" | "sso-oidc") =>
    ssoUrl(config, input.profile, deps, service, session.region);
  return {
    session,
    key: ssoCacheKey(session),
    config,
    oidcUrl: url("sso-oidc"),
    portalUrl: url("sso"),
  };
}

function onlySession(config: LoadedConfig, command: string): SsoSession {
  const names = [...config.ssoSessions.keys()];
  if (names.length === 1) return ssoSessionByName(names[0]!, config);
  if (names.length === 0)
    throw new AwsxError(
      "E_CONFIG",
      `no [sso-session NAME] section in ${config.configFile}; add one (docs/sso.md) or ` +
        `name an SSO profile: awsx sso ${command} PROFILE`,
    );
  throw new AwsxError(
    "E_USAGE",
    `${config.configFile} has ${names.length} sso-sessions; name one: ` +
      `awsx sso ${command} --sso-session ${names.join("|")}`,
  );
}
