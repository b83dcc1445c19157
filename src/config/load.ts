import { AwsxError } from "../errors.js";
import { shlexSplit, ShlexError } from "../util/shlex.js";
import { parseIni, IniParseError, type IniFile, type IniSection } from "./ini.js";
import { indexIni, sectionOf } from "./iniIndex.js";
import { LazyMap } from "./lazyMap.js";

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
  profiles: ReadonlyMap<string, Profile>;
  // The two files apart: on a source hop the CLI reads keys from the credentials
  // file first and from the config file after, and reports partial keys per file.
  configProfiles: ReadonlyMap<string, Record<string, string>>;
  credentialsProfiles: ReadonlyMap<string, Record<string, string>>;
  // The nested-block keys of each file's sections, apart as above.
  configNested?: ReadonlyMap<string, Set<string>>;
  credentialsNested?: ReadonlyMap<string, Set<string>>;
  services: ReadonlyMap<string, IniSection>;
  // [sso-session NAME] sections of the config file (src/sso/ssoConfig.ts reads them).
  ssoSessions: ReadonlyMap<string, SsoSessionSection>;
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

// One file's sections, each parsed when first asked for: from the index of a file without
// an error or [DEFAULT] (iniIndex.ts), else from parseIni's reading of the whole file.
interface IniSource {
  headers: Iterable<string>;
  has(header: string): boolean;
  section(header: string): IniSection;
}

const parseError = (path: string, e: unknown): AwsxError => {
  const why = e instanceof IniParseError ? e.message : String(e);
  return new AwsxError(
    "E_CONFIG",
    `cannot parse ${path}: ${why}; fix the file (the AWS CLI rejects it too)`,
    { cause: e },
  );
};

function sourceOf(path: string, read: ReadText): IniSource {
  const text = read(path);
  const index = text === undefined ? undefined : indexIni(text);
  if (index) {
    const parsed = new Map<string, IniSection>();
    return {
      headers: index.sections.keys(),
      has: (h) => index.sections.has(h),
      section: (h) => {
        let s = parsed.get(h);
        if (s) return s;
        try {
          s = sectionOf(index, h) ?? {};
        } catch (e) {
          throw parseError(path, e);
        }
        parsed.set(h, s);
        return s;
      },
    };
  }
  let ini: IniFile;
  try {
    ini = text === undefined ? new Map() : parseIni(text);
  } catch (e) {
    throw parseError(path, e);
  }
  return { headers: ini.keys(), has: (h) => ini.has(h), section: (h) => ini.get(h) ?? {} };
}

const SHLEX_SPECIAL = /["'\\]/;
const TWO_WORDS = /^[^ \t\r\n]+[ \t\r\n]+([^ \t\r\n]+)[ \t\r\n]*$/;

// The profile name a config-file section header names, or undefined when it names none
// (botocore: "profile X" split shell-style into exactly two words, or "default").
export function profileNameOf(header: string, prefix = "profile"): string | undefined {
  if (!header.startsWith(prefix)) return undefined;
  // Without a quote or a backslash shlex only splits at " \t\r\n": the common header, read
  // without shlexSplit's word building (a tenth of a 10,000-profile config's load time).
  if (!SHLEX_SPECIAL.test(header)) return TWO_WORDS.exec(header)?.[1];
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

// The sections of the config file that botocore reads, by what they name. A later section
// naming the same profile, sso-session or services replaces the earlier one whole.
function headersOf(config: IniSource) {
  const profiles = new Map<string, string>();
  const services = new Map<string, string>();
  const ssoSessions = new Map<string, string>();
  const unread: string[] = [];
  for (const header of config.headers) {
    let name: string | undefined;
    if (header.startsWith("profile")) name = profileNameOf(header);
    else if (header.startsWith("services")) {
      const s = profileNameOf(header, "services");
      if (s !== undefined) services.set(s, header);
      continue;
    } else if (header.startsWith("sso-session")) {
      const s = profileNameOf(header, "sso-session");
      if (s !== undefined) ssoSessions.set(s, header);
      continue;
    } else if (header === "default") name = "default";
    if (name === undefined) unread.push(header);
    else profiles.set(name, header);
  }
  return { profiles, services, ssoSessions, unread };
}

// Reads both files. Only their headers are looked at now; a profile, sso-session or services
// section is parsed and merged when a map is first asked for it (LazyMap), with the same
// result as reading it all at once: the files' errors are found here, as the CLI finds them.
export function loadConfig(paths: ConfigPaths, read: ReadText): LoadedConfig {
  const config = sourceOf(paths.configFile, read);
  const credentials = sourceOf(paths.credentialsFile, read);
  const headers = headersOf(config);
  const configOrigin = (header: string) => ({ file: paths.configFile, section: header });
  const credentialsHeaders = new Map([...credentials.headers].map((h) => [h, h]));
  const names = new Map<string, string | undefined>(headers.profiles);
  for (const h of credentialsHeaders.keys()) if (!names.has(h)) names.set(h, undefined);

  // Config file first, then the credentials file key by key, as botocore's full_config.
  const profileOf = (header: string | undefined, name: string): Profile => {
    let profile: Profile | undefined;
    if (header !== undefined) {
      const section = config.section(header);
      const values = stringsOnly(section);
      const origins: Record<string, Origin> = {};
      for (const k of Object.keys(values)) origins[k] = configOrigin(header);
      const nested: Record<string, Origin> = {};
      for (const k of nestedKeys(section)) nested[k] = configOrigin(header);
      profile = { name, values, origins, nested };
    }
    if (!credentials.has(name)) return profile!;
    const existing = profile ?? { name, values: {}, origins: {} };
    const nested = existing.nested ?? {};
    const origin = { file: paths.credentialsFile, section: name };
    const section = credentials.section(name);
    // Key by key, the credentials file's value replaces the config file's, block or not.
    for (const [k, v] of Object.entries(stringsOnly(section))) {
      existing.values[k] = v;
      existing.origins[k] = origin;
      delete nested[k];
    }
    for (const k of nestedKeys(section)) {
      nested[k] = origin;
      delete existing.values[k];
      delete existing.origins[k];
    }
    existing.nested = nested;
    return existing;
  };

  return {
    configFile: paths.configFile,
    credentialsFile: paths.credentialsFile,
    profiles: new LazyMap(names, profileOf),
    configProfiles: new LazyMap(headers.profiles, (h) => stringsOnly(config.section(h))),
    credentialsProfiles: new LazyMap(credentialsHeaders, (h) =>
      stringsOnly(credentials.section(h)),
    ),
    configNested: new LazyMap(headers.profiles, (h) => nestedKeys(config.section(h))),
    credentialsNested: new LazyMap(credentialsHeaders, (h) => nestedKeys(credentials.section(h))),
    services: new LazyMap(headers.services, (h) => config.section(h)),
    ssoSessions: new LazyMap(headers.ssoSessions, (h) => {
      const section = config.section(h);
      return { values: stringsOnly(section), origin: configOrigin(h), nested: nestedKeys(section) };
    }),
    unread: headers.unread,
  };
}
