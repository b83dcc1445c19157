import {
  type LoadedConfig,
  type Origin,
  type Profile,
  type SsoSessionSection,
  headerWord,
  where,
} from "../config/load.js";
import { refuseBlock } from "../config/nestedBlock.js";
import { AwsxError } from "../errors.js";

// Where an SSO token comes from: an [sso-session NAME] section, or (legacy) the
// sso_start_url/sso_region keys of a profile itself.
export interface SsoSession {
  // The sso-session name; absent for the legacy form.
  name?: string;
  startUrl: string;
  region: string;
  // sso_registration_scopes, split on commas as the CLI does; absent when not set.
  scopes?: string[];
  // The section the values were read from, for messages and `awsx explain`.
  origin: Origin;
}

// What an SSO profile asks for: a role in an account, with the token of a session.
export interface SsoRole {
  session: SsoSession;
  accountId: string;
  roleName: string;
  origin: Origin;
}

const configError = (message: string, profile?: string): AwsxError =>
  new AwsxError("E_CONFIG", message, profile === undefined ? {} : { profile });

// The CLI's parse_sso_registration_scopes: comma separated, blanks dropped.
function parseScopes(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const scopes = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return scopes.length > 0 ? scopes : undefined;
}

const sessionOf = (values: Record<string, string>, origin: Origin, name?: string): SsoSession => {
  const scopes = parseScopes(values.sso_registration_scopes);
  return {
    ...(name !== undefined ? { name } : {}),
    startUrl: values.sso_start_url!,
    region: values.sso_region!,
    ...(scopes ? { scopes } : {}),
    origin,
  };
};

const profileOrigin = (p: Profile): Origin =>
  p.origins.sso_session ??
  p.origins.sso_start_url ??
  p.origins.sso_account_id ??
  p.origins.sso_role_name ??
  Object.values(p.origins)[0] ?? { file: "", section: p.name };

// The CLI reads a nested sso_region of an [sso-session] as a dict and fails; a nested
// sso_start_url it carries along unread while a cached token serves, where awsx needs the URL
// as text (docs/config.md, where awsx knowingly differs).
function refuseSessionBlocks(name: string, section: SsoSessionSection, profile?: string): void {
  const key = ["sso_start_url", "sso_region"].find((k) => section.nested?.has(k));
  if (key === undefined) return;
  const o = section.origin;
  throw configError(
    `${key} in [sso-session ${name}] (${o.file}) is a nested block, not a value` +
      `${profile === undefined ? "" : ` (sso_session of profile "${profile}")`}; ` +
      `write it on one line (${key} = VALUE)`,
    profile,
  );
}

// An [sso-session NAME] section with what a token needs (`awsx sso login --sso-session`),
// checked as botocore's SSOTokenProvider checks it.
export function ssoSessionByName(name: string, config: LoadedConfig, profile?: string): SsoSession {
  const section = config.ssoSessions.get(name);
  const by = profile === undefined ? "" : ` (sso_session of profile "${profile}")`;
  if (!section) {
    throw configError(
      `The specified sso-session does not exist: "${name}"${by}; ` +
        `add an [sso-session ${headerWord(name)}] section to ${config.configFile}, ` +
        "or fix sso_session",
      profile,
    );
  }
  refuseSessionBlocks(name, section, profile);
  const missing = ["sso_start_url", "sso_region"].filter((k) => !(k in section.values));
  if (missing.length > 0) {
    throw configError(
      `The sso-session "${name}"${by} is missing required configuration: ` +
        `${missing.join(", ")}${where(section.origin)}; add ${missing.join(" and ")} ` +
        `to [sso-session ${name}]`,
      profile,
    );
  }
  return sessionOf(section.values, section.origin, name);
}

// The session whose token a profile uses (`awsx sso login PROFILE`): its sso-session, or
// its own sso_start_url and sso_region (the legacy form).
export function ssoSessionFor(profile: Profile, config: LoadedConfig): SsoSession {
  const v = profile.values;
  if (v.sso_session !== undefined) {
    checkConsistent(profile, config);
    return ssoSessionByName(v.sso_session, config, profile.name);
  }
  const missing = ["sso_start_url", "sso_region"].filter((k) => !(k in v));
  if (missing.length > 0) {
    throw configError(
      `The profile "${profile.name}" is not configured for SSO, missing: ` +
        `${missing.join(", ")}; add sso_session = NAME with an [sso-session NAME] section, ` +
        "or sso_start_url and sso_region to the profile",
      profile.name,
    );
  }
  return sessionOf(v, profileOrigin(profile));
}

// botocore's _resolve_sso_session_reference: a key set in both places must agree.
function checkConsistent(profile: Profile, config: LoadedConfig): void {
  const section = config.ssoSessions.get(profile.values.sso_session!);
  if (!section) return;
  for (const [k, val] of Object.entries(section.values)) {
    const mine = profile.values[k];
    if (mine === undefined || mine === val) continue;
    throw configError(
      `The value for ${k} is inconsistent between profile (${mine}) and ` +
        `sso-session (${val}) (profile "${profile.name}"${where(profile.origins[k])}); ` +
        `remove ${k} from the profile or make the two agree`,
      profile.name,
    );
  }
}

// True when botocore's SSOProvider takes the profile: it names a role or an account.
export const isSsoProfile = (p: Profile): boolean =>
  p.values.sso_role_name !== undefined || p.values.sso_account_id !== undefined;

// The role an SSO profile asks for, with botocore's checks (SSOProvider._load_sso_config,
// then SSOTokenProvider's for the sso-session form); undefined when it is not an SSO profile.
export function ssoRoleFor(profile: Profile, config: LoadedConfig): SsoRole | undefined {
  if (!isSsoProfile(profile)) return undefined;
  const v = profile.values;
  const name = profile.name;
  const sessionName = v.sso_session;
  // A missing section: the same error ssoSessionByName raises.
  if (sessionName !== undefined && !config.ssoSessions.has(sessionName)) {
    ssoSessionByName(sessionName, config, name);
  }
  if (sessionName !== undefined) {
    refuseSessionBlocks(sessionName, config.ssoSessions.get(sessionName)!, name);
    checkConsistent(profile, config);
  }
  // botocore's _resolve_sso_session_reference copies every key of the [sso-session] into the
  // profile's (a key in both must agree): sso_role_name or sso_account_id may come from there.
  const merged = { ...v, ...(sessionName ? config.ssoSessions.get(sessionName)!.values : {}) };
  const required = ["sso_role_name", "sso_account_id", "sso_start_url", "sso_region"];
  const missing = required.filter((k) => !(k in merged));
  if (missing.length > 0) {
    const fix = sessionName
      ? `add ${missing.join(", ")} to the profile or to [sso-session ${sessionName}]`
      : `add ${missing.join(", ")} to the profile (or sso_session = NAME)`;
    throw configError(
      `The profile "${name}" is configured to use SSO but is missing required ` +
        `configuration: ${missing.join(", ")}${where(profileOrigin(profile))}; ${fix}`,
      name,
    );
  }
  const session = sessionName ? ssoTokenSession(name, sessionName, config) : undefined;
  return {
    session: session ?? sessionOf(v, profileOrigin(profile)),
    accountId: merged.sso_account_id!,
    roleName: merged.sso_role_name!,
    origin: profileOrigin(profile),
  };
}

// SSOTokenProvider reads start URL and region from the sso-session alone: the profile's
// own copies do not count there.
function ssoTokenSession(profile: string, name: string, config: LoadedConfig): SsoSession {
  const section = config.ssoSessions.get(name)!;
  // botocore tests the keys with `in`: a nested block counts as written here.
  const missing = ["sso_start_url", "sso_region"].filter(
    (k) => !(k in section.values) && !section.nested?.has(k),
  );
  if (missing.length > 0) {
    throw configError(
      `The profile "${profile}" is configured to use the SSO token provider but is ` +
        `missing the following configuration: ${missing.join(", ")}${where(section.origin)}; ` +
        `add ${missing.join(" and ")} to [sso-session ${name}]`,
      profile,
    );
  }
  return sessionOf(section.values, section.origin, name);
}

// botocore's SSOTokenProvider._load_sso_config, which every client creation runs for the
// named profile: an sso_session naming a missing or empty section, or one without
// sso_start_url or sso_region, fails even when the profile has other credentials.
export function checkSsoTokenConfig(profile: Profile, config: LoadedConfig): void {
  refuseBlock(profile, "sso_session");
  const name = profile.values.sso_session;
  if (name === undefined) return;
  const section = config.ssoSessions.get(name);
  if (!section || Object.keys(section.values).length + (section.nested?.size ?? 0) === 0) {
    const at = where(profile.origins.sso_session);
    throw configError(
      `The profile "${profile.name}" is configured to use the SSO token provider but the ` +
        `"${name}" sso_session configuration does not exist${at}; ` +
        `add [sso-session ${headerWord(name)}] with sso_start_url and sso_region to ` +
        `${config.configFile}, ` +
        "or remove sso_session",
      profile.name,
    );
  }
  ssoTokenSession(profile.name, name, config);
}
