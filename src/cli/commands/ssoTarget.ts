import { AwsxError } from "../../errors.js";
import { ssoEndpoint } from "../../config/endpoint.js";
import type { LoadedConfig, Profile } from "../../config/load.js";
import { loadUserConfig } from "../../config/userConfig.js";
import { profileNotFound } from "../../plan/build.js";
import {
  checkSsoTokenConfig,
  type SsoSession,
  ssoSessionByName,
  ssoSessionFor,
} from "../../sso/ssoConfig.js";
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
  const { profile, session } = pick(input, deps, command, config);
  return { session, key: ssoCacheKey(session), config, ...urlsOf(config, profile, deps, session) };
}

// The profile (whose endpoint settings serve the calls) and the session.
function pick(
  input: SsoTargetInput,
  deps: Deps,
  command: string,
  config: LoadedConfig,
): { profile?: string; session: SsoSession } {
  const { profile, ssoSession } = input;
  if (profile !== undefined && ssoSession !== undefined) {
    if (command !== "login")
      throw new AwsxError(
        "E_USAGE",
        `awsx sso ${command} takes a PROFILE or --sso-session NAME, not both`,
      );
    return { profile, session: sessionOverProfile(profile, ssoSession, config, deps) };
  }
  if (ssoSession !== undefined) return { session: ssoSessionByName(ssoSession, config) };
  if (profile !== undefined)
    return { profile, session: ssoSessionFor(named(config, profile), config) };
  const scoped = command === "login" ? scopedSsoProfile(config, deps) : undefined;
  if (scoped) return { profile: scoped.name, session: ssoSessionFor(scoped, config) };
  return { session: onlySession(config, command) };
}

function named(config: LoadedConfig, name: string): Profile {
  const p = config.profiles.get(name);
  if (!p) throw profileNotFound(config, name);
  return p;
}

// `aws sso login --profile P --sso-session S` (awscli/customizations/sso/utils.py,
// BaseSSOCommand._get_sso_config): S wins without a word; P must exist, its endpoint settings
// serve the calls, and its own sso_session is loaded as every client creation loads it.
// awsx says when P would not be served by the sign-in.
function sessionOverProfile(
  profile: string,
  ssoSession: string,
  config: LoadedConfig,
  deps: Deps,
): SsoSession {
  const p = named(config, profile);
  checkSsoTokenConfig(p, config);
  const session = ssoSessionByName(ssoSession, config);
  const own = p.values.sso_session;
  const legacy = own === undefined ? p.values.sso_start_url : undefined;
  const uses = own !== undefined ? `sso-session "${own}"` : `start URL ${legacy}`;
  if ((own !== undefined && own !== ssoSession) || legacy !== undefined)
    deps.logger.warn(
      `profile "${profile}" uses ${uses}, not sso-session "${ssoSession}": signing in to ` +
        `"${ssoSession}" as --sso-session says; profile "${profile}" needs: ` +
        `awsx sso login ${profile}`,
    );
  return session;
}

// `aws sso login` with neither: the profile the CLI is scoped to (AWS_DEFAULT_PROFILE,
// AWS_PROFILE, else [default]; awsx reads AWSX_PROFILE first, as whoami does), when it has
// SSO settings. One named in the environment must exist, as for the CLI.
function scopedSsoProfile(config: LoadedConfig, deps: Deps): Profile | undefined {
  const fromEnv = deps.settings.currentProfile;
  const name = fromEnv ?? "default";
  const p = fromEnv !== undefined ? named(config, fromEnv) : config.profiles.get(name);
  const keys = ["sso_session", "sso_start_url", "sso_region"];
  if (!p || !keys.some((k) => p.values[k] !== undefined)) return undefined;
  deps.logger.debug(
    `sso login: no PROFILE or --sso-session: profile "${name}" ` +
      "(AWSX_PROFILE, AWS_DEFAULT_PROFILE, AWS_PROFILE, default)",
  );
  return p;
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
