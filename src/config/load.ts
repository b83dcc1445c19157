import { AwsxError } from "../errors.js";
import { shlexSplit, ShlexError } from "../util/shlex.js";
import { parseIni, IniParseError, type IniFile, type IniSection } from "./ini.js";
import { type IniIndex, IndexMismatch, indexIni, sectionOf } from "./iniIndex.js";
import { type Keys, LazyMap } from "./lazyMap.js";

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
  // present to botocore, which then fails using them (src/config/nestedBlock.ts says so
  // first, where the CLI reads them).
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

// One file's sections, by number in file order, each parsed when first asked for: from the
// index of a file without an error or [DEFAULT] (iniIndex.ts), else from parseIni's reading
// of the whole file.
interface IniSource {
  headers: string[];
  numbers: Pick<ReadonlyMap<string, number>, "get">;
  unplain?: number[];
  section(i: number): IniSection;
}

// Finds a file's sections the fast way (indexIni), or undefined to have it parsed whole.
// `readAt` is when the file's reading began (Date.now()), for a cache of indexes that must
// know whether the file could have changed since (src/platform/configIndexCache.ts).
export type Indexer = (path: string, text: string, readAt: number) => IniIndex | undefined;
const indexOnly: Indexer = (_path, text) => indexIni(text);

const parseError = (path: string, e: unknown): AwsxError => {
  const why = e instanceof IniParseError ? e.message : String(e);
  return new AwsxError(
    "E_CONFIG",
    `cannot parse ${path}: ${why}; fix the file (the AWS CLI rejects it too)`,
    { cause: e },
  );
};

function sourceOf(path: string, read: ReadText, indexer = indexOnly): IniSource {
  const readAt = Date.now();
  const text = read(path);
  const index = text === undefined ? undefined : indexer(path, text, readAt);
  if (index) {
    const parsed: IniSection[] = [];
    const section = (i: number): IniSection => {
      try {
        return sectionOf(index, i) ?? {};
      } catch (e) {
        if (!(e instanceof IndexMismatch)) throw parseError(path, e);
        const fix = "delete the config-index-*.json files in awsx's cache folder";
        throw new AwsxError(
          "E_CACHE",
          `awsx's stored index of ${path} is wrong (${e.message}); ${fix}`,
        );
      }
    };
    const { headers, numbers, unplain } = index;
    return { headers, numbers, unplain, section: (i) => (parsed[i] ??= section(i)) };
  }
  let ini: IniFile;
  try {
    ini = text === undefined ? new Map() : parseIni(text);
  } catch (e) {
    throw parseError(path, e);
  }
  const headers = [...ini.keys()];
  const sections = [...ini.values()];
  const numbers = new Map(headers.map((h, i) => [h, i]));
  return { headers, numbers, section: (i) => sections[i]! };
}

const SHLEX_SPECIAL = /["'\\]/;
const TWO_WORDS = /^[^ \t\r\n]+[ \t\r\n]+([^ \t\r\n]+)[ \t\r\n]*$/;

// The profile name a config-file section header names, or undefined when it names none
// (botocore: "profile X" split shell-style into exactly two words, or "default").
export function profileNameOf(header: string, prefix = "profile"): string | undefined {
  if (!header.startsWith(prefix)) return undefined;
  // Without a quote or a backslash shlex only splits at " \t\r\n": the common header, read
  // without shlexSplit's word building.
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
  if (name === "") return '""';
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

// The sections of the config file that botocore reads, by what they name (a section's number
// in the file). A later section naming the same profile, sso-session or services replaces the
// earlier one whole.
// `numbers`: the headers to read, by number in ascending order (default all).
function namesOf(headers: string[], numbers: Iterable<number> = headers.keys()) {
  const profiles = new Map<string, number>();
  const services = new Map<string, number>();
  const ssoSessions = new Map<string, number>();
  const unread: string[] = [];
  for (const i of numbers) {
    const header = headers[i]!;
    let name: string | undefined;
    if (header.startsWith("profile")) name = profileNameOf(header);
    else if (header.startsWith("services")) {
      const s = profileNameOf(header, "services");
      if (s !== undefined) services.set(s, i);
      continue;
    } else if (header.startsWith("sso-session")) {
      const s = profileNameOf(header, "sso-session");
      if (s !== undefined) ssoSessions.set(s, i);
      continue;
    } else if (header === "default") name = "default";
    if (name === undefined) unread.push(header);
    else profiles.set(name, i);
  }
  return { profiles, services, ssoSessions, unread };
}

// "profile NAME" as `aws configure` and `sso sync` write it, NAME a word shlex leaves alone
// (profileNameOf gives NAME).
const PLAIN_HEADER = /^profile [^\s"'\\]+$/;

// The numbers of the headers that are not plain, in order.
export function unplainOf(headers: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < headers.length; i++) if (!PLAIN_HEADER.test(headers[i]!)) out.push(i);
  return out;
}

// The config file's sections by what they name. Most headers are plain "profile NAME": a
// profile is looked up by that header first, so only the other headers are read here, and
// all of them only when the names are listed (a Map of 10,000 names cost a run 4-7 ms).
function configNames(config: IniSource) {
  const others = namesOf(config.headers, config.unplain ?? unplainOf(config.headers));
  // The later of the plain header and another naming the same profile.
  const lookup = (name: string): number | undefined => {
    const header = `profile ${name}`;
    const plain = PLAIN_HEADER.test(header) ? config.numbers.get(header) : undefined;
    const other = others.profiles.get(name);
    return plain === undefined || (other !== undefined && other > plain) ? other : plain;
  };
  let all: Map<string, number> | undefined;
  const list = () => (all ??= namesOf(config.headers).profiles);
  const profiles: Keys<number> = {
    has: (name) => lookup(name) !== undefined,
    get: lookup,
    get size() {
      return list().size;
    },
    keys: () => list().keys(),
  };
  return { ...others, profiles };
}

// The profile names: the config file's, then those only the credentials file has, each with
// its config section's number (undefined for the latter). Listed only when asked to be.
function profileNames(
  config: Keys<number>,
  credentials: ReadonlyMap<string, number>,
): Keys<number | undefined> {
  let all: Map<string, number | undefined> | undefined;
  const list = () => {
    if (all) return all;
    all = new Map<string, number | undefined>();
    for (const k of config.keys()) all.set(k, config.get(k));
    for (const k of credentials.keys()) if (!all.has(k)) all.set(k, undefined);
    return all;
  };
  return {
    has: (k) => config.has(k) || credentials.has(k),
    get: (k) => config.get(k),
    get size() {
      return list().size;
    },
    keys: () => list().keys(),
  };
}

// Reads both files. Only their headers are looked at now; a profile, sso-session or services
// section is parsed and merged when a map is first asked for it (LazyMap), with the same
// result as reading it all at once: the files' errors are found here, as the CLI finds them.
// `indexer` finds the config file's sections (the one an `sso sync` grows to thousands).
export function loadConfig(paths: ConfigPaths, read: ReadText, indexer?: Indexer): LoadedConfig {
  const config = sourceOf(paths.configFile, read, indexer);
  const credentials = sourceOf(paths.credentialsFile, read);
  const names = configNames(config);
  const inCredentials = new Map(credentials.headers.map((h, i) => [h, i]));
  const configOrigin = (i: number) => ({ file: paths.configFile, section: config.headers[i]! });

  // Config file first, then the credentials file key by key, as botocore's full_config.
  const profileOf = (i: number | undefined, name: string): Profile => {
    let profile: Profile | undefined;
    if (i !== undefined) {
      const section = config.section(i);
      const values = stringsOnly(section);
      const origins: Record<string, Origin> = {};
      for (const k of Object.keys(values)) origins[k] = configOrigin(i);
      const nested: Record<string, Origin> = {};
      for (const k of nestedKeys(section)) nested[k] = configOrigin(i);
      profile = { name, values, origins, nested };
    }
    const c = inCredentials.get(name);
    if (c === undefined) return profile!;
    const existing = profile ?? { name, values: {}, origins: {} };
    const nested = existing.nested ?? {};
    const origin = { file: paths.credentialsFile, section: name };
    const section = credentials.section(c);
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
    profiles: new LazyMap(profileNames(names.profiles, inCredentials), profileOf),
    configProfiles: new LazyMap(names.profiles, (i) => stringsOnly(config.section(i))),
    credentialsProfiles: new LazyMap(inCredentials, (i) => stringsOnly(credentials.section(i))),
    configNested: new LazyMap(names.profiles, (i) => nestedKeys(config.section(i))),
    credentialsNested: new LazyMap(inCredentials, (i) => nestedKeys(credentials.section(i))),
    services: new LazyMap(names.services, (i) => config.section(i)),
    ssoSessions: new LazyMap(names.ssoSessions, (i) => {
      const section = config.section(i);
      return { values: stringsOnly(section), origin: configOrigin(i), nested: nestedKeys(section) };
    }),
    unread: names.unread,
  };
}
