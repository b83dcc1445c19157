import { AwsxError } from "../errors.js";
import { shlexSplit, ShlexError } from "../util/shlex.js";
import { parseIni, IniParseError, type IniFile, type IniSection } from "./ini.js";

// Where a value came from, for `awsx explain` and error messages.
export interface Origin {
  file: string;
  section: string;
}

// " (FILE [SECTION])" for a message, or nothing when the origin is unknown.
export const where = (o: Origin | undefined): string => (o ? ` (${o.file} [${o.section}])` : "");

export interface Profile {
  name: string;
  // The merged view (config file, then credentials file key by key), as botocore's full_config.
  values: Record<string, string>;
  origins: Record<string, Origin>;
  // Keys whose merged value is a nested block ("role_arn =" then indented "x = y" lines):
  // present to botocore, which then fails using them (src/config/nestedBlock.ts says so first, where the CLI reads them).
  nested?: Record<string, Origin>;
}

// Plain data: everything the planner needs, no I/O after this.
export interface LoadedConfig {
  configFile: string;
  credentialsFile: string;
  profiles: Map<string, Profile>;
  // The two files apart: on a source hop the CLI reads keys from the credentials
  // file first and from the config file after, and reports partial keys per file.
  configProfiles: Map<string, Record<string, string>>;
  credentialsProfiles: Map<string, Record<string, string>>;
  // The nested-block keys of each file's sections, apart as above.
  configNested?: Map<string, Set<string>>;
  credentialsNested?: Map<string, Set<string>>;
  services: Map<string, IniSection>;
  // [sso-session NAME] sections of the config file (src/sso/ssoConfig.ts reads them).
  ssoSessions: Map<string, SsoSessionSection>;
  // Config-file headers that name nothing botocore reads ([dev] where [profile dev] was
  // meant): kept only so "could not be found" can point at the near miss.
  unread?: string[];
}

// One [sso-session NAME] section: its string values and its header, for messages.
export interface SsoSessionSection {
  values: Record<string, string>;
  origin: Origin;
  // Its keys written as nested blocks (src/sso/ssoConfig.ts refuses the ones it reads).
  nested?: Set<string>;
}

export interface ConfigPaths {
  configFile: string;
  credentialsFile: string;
}

// Returns the file's text, or undefined when it is missing, a directory or unreadable
// (configparser skips files it cannot open, so the CLI treats them as empty).
export type ReadText = (path: string) => string | undefined;

function parseFile(path: string, read: ReadText): IniFile {
  const text = read(path);
  if (text === undefined) return new Map();
  try {
    return parseIni(text);
  } catch (e) {
    const why = e instanceof IniParseError ? e.message : String(e);
    throw new AwsxError(
      "E_CONFIG",
      `cannot parse ${path}: ${why}; fix the file (the AWS CLI rejects it too)`,
      { cause: e },
    );
  }
}

// The profile name a config-file section header names, or undefined when it names none
// (botocore: "profile X" split shell-style into exactly two words, or "default").
export function profileNameOf(header: string, prefix = "profile"): string | undefined {
  if (!header.startsWith(prefix)) return undefined;
  let parts: string[];
  try {
    parts = shlexSplit(header);
  } catch (e) {
    if (e instanceof ShlexError) return undefined;
    throw e;
  }
  return parts.length === 2 ? parts[1] : undefined;
}

// The name as a section header must write it for profileNameOf to read it back: botocore
// splits the header shell-style, so a name with spaces or quotes is quoted.
export const headerWord = (name: string): string => {
  if (!/[\s"'\\]/.test(name)) return name;
  return name.includes("'") ? `"${name.replace(/["\\]/g, "\\$&")}"` : `'${name}'`;
};

const nestedKeys = (section: IniSection): Set<string> =>
  new Set(Object.keys(section).filter((k) => typeof section[k] !== "string"));

const stringsOnly = (section: IniSection): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(section)) if (typeof v === "string") out[k] = v;
  return out;
};

export function loadConfig(paths: ConfigPaths, read: ReadText): LoadedConfig {
  const configIni = parseFile(paths.configFile, read);
  const credentialsIni = parseFile(paths.credentialsFile, read);
  const profiles = new Map<string, Profile>();
  const configProfiles = new Map<string, Record<string, string>>();
  const configNested = new Map<string, Set<string>>();
  const services = new Map<string, IniSection>();
  const ssoSessions = new Map<string, SsoSessionSection>();
  const unread: string[] = [];

  for (const [header, section] of configIni) {
    let name: string | undefined;
    if (header.startsWith("profile")) name = profileNameOf(header);
    else if (header.startsWith("services")) {
      const s = profileNameOf(header, "services");
      if (s !== undefined) services.set(s, section);
      continue;
    } else if (header.startsWith("sso-session")) {
      const s = profileNameOf(header, "sso-session");
      const origin = { file: paths.configFile, section: header };
      const nested = nestedKeys(section);
      if (s !== undefined) ssoSessions.set(s, { values: stringsOnly(section), origin, nested });
      continue;
    } else if (header === "default") name = "default";
    if (name === undefined) {
      unread.push(header);
      continue;
    }
    // A later section naming the same profile replaces the earlier one whole.
    const values = stringsOnly(section);
    configProfiles.set(name, values);
    const origins: Record<string, Origin> = {};
    for (const k of Object.keys(values)) origins[k] = { file: paths.configFile, section: header };
    const nested: Record<string, Origin> = {};
    const blocks = nestedKeys(section);
    configNested.set(name, blocks);
    for (const k of blocks) nested[k] = { file: paths.configFile, section: header };
    profiles.set(name, { name, values: { ...values }, origins, nested });
  }

  const credentialsProfiles = new Map<string, Record<string, string>>();
  const credentialsNested = new Map<string, Set<string>>();
  for (const [header, section] of credentialsIni) {
    const values = stringsOnly(section);
    credentialsProfiles.set(header, values);
    const existing = profiles.get(header) ?? { name: header, values: {}, origins: {} };
    const nested = existing.nested ?? {};
    const origin = { file: paths.credentialsFile, section: header };
    // Key by key, the credentials file's value replaces the config file's, block or not.
    for (const [k, v] of Object.entries(values)) {
      existing.values[k] = v;
      existing.origins[k] = origin;
      delete nested[k];
    }
    const blocks = nestedKeys(section);
    credentialsNested.set(header, blocks);
    for (const k of blocks) {
      nested[k] = origin;
      delete existing.values[k];
      delete existing.origins[k];
    }
    existing.nested = nested;
    profiles.set(header, existing);
  }

  return {
    configFile: paths.configFile,
    credentialsFile: paths.credentialsFile,
    profiles,
    configProfiles,
    credentialsProfiles,
    configNested,
    credentialsNested,
    services,
    ssoSessions,
    unread,
  };
}
