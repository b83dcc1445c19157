import { AwsxError } from "../../errors.js";
import { ssoEndpoint } from "../../config/endpoint.js";
import type { LoadedConfig } from "../../config/load.js";
import { loadUserConfig } from "../../config/userConfig.js";
import { profileNotFound } from "../../plan/build.js";
import { type SsoSession, ssoSessionByName, ssoSessionFor } from "../../sso/ssoConfig.js";
import { ssoCacheKey } from "../../sso/ssoToken.js";
import type { CaBundle } from "../../types.js";
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
  // The CA bundle of those calls (AWS_CA_BUNDLE, the profile's ca_bundle), when set.
  caBundle?: CaBundle;
}

// A service's URL for a profile ("" for a session named alone), as the resolver finds it.
export const ssoUrl = (
  config: LoadedConfig,
  profile: string | undefined,
  deps: Deps,
  service: "sso" | "sso-oidc",
  region: string,
): string => ssoEndpoint(config, profile ?? "", deps.env, service, region).label;

// The OIDC and portal URLs of a session for a profile, with their CA bundle.
function urlsOf(
  config: LoadedConfig,
  profile: string | undefined,
  deps: Deps,
  session: SsoSession,
): Pick<SsoTarget, "oidcUrl" | "portalUrl" | "caBundle"> {
  const oidc = ssoEndpoint(config, profile ?? "", deps.env, "sso-oidc", session.region);
  const portal = ssoEndpoint(config, profile ?? "", deps.env, "sso", session.region);
  const caBundle = oidc.caBundle ?? portal.caBundle;
  return { oidcUrl: oidc.label, portalUrl: portal.label, ...(caBundle ? { caBundle } : {}) };
}

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
  return {
    session,
    key: ssoCacheKey(session),
    config,
    ...urlsOf(config, input.profile, deps, session),
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
