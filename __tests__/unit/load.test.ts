// loadConfig builds a profile, sso-session or services section only when it is asked for
// (LazyMap over iniIndex.ts). Here it is compared with the loader as it was before that, which
// parsed both files whole and merged every profile at once: same maps, same order, same
// values and origins, same errors, on random configs and credentials files.
import fc from "fast-check";
import { AwsxError } from "../../src/errors.js";
import { type IniSection, IniParseError, parseIni } from "../../src/config/ini.js";
import {
  type LoadedConfig,
  loadConfig,
  type Origin,
  type Profile,
  profileNameOf,
} from "../../src/config/load.js";
import { ShlexError, shlexSplit } from "../../src/util/shlex.js";

const SEED = Number(process.env.AWSX_FC_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.AWSX_LOAD_RUNS ?? 2000);
const CFG = "/h/.aws/config";
const CREDS = "/h/.aws/credentials";

// The profile name of a header through shlexSplit alone, as botocore reads it.
function nameByShlex(header: string, prefix = "profile"): string | undefined {
  if (!header.startsWith(prefix)) return undefined;
  try {
    const parts = shlexSplit(header);
    return parts.length === 2 ? parts[1] : undefined;
  } catch (e) {
    if (e instanceof ShlexError) return undefined;
    throw e;
  }
}

const stringsOnly = (s: IniSection): Record<string, string> =>
  Object.fromEntries(Object.entries(s).filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
const blocks = (s: IniSection) => new Set(Object.keys(s).filter((k) => typeof s[k] !== "string"));

// The loader before sections were built on demand (commit 69e0c9a's load.ts, condensed).
function eagerLoad(config: string | undefined, credentials: string | undefined) {
  const parse = (path: string, text: string | undefined) => {
    try {
      return text === undefined ? new Map<string, IniSection>() : parseIni(text);
    } catch (e) {
      const why = e instanceof IniParseError ? e.message : String(e);
      throw new AwsxError(
        "E_CONFIG",
        `cannot parse ${path}: ${why}; fix the file (the AWS CLI rejects it too)`,
      );
    }
  };
  const configIni = parse(CFG, config);
  const credentialsIni = parse(CREDS, credentials);
  const profiles = new Map<string, Profile>();
  const configProfiles = new Map<string, Record<string, string>>();
  const configNested = new Map<string, Set<string>>();
  const services = new Map<string, IniSection>();
  const ssoSessions = new Map<string, unknown>();
  const unread: string[] = [];
  for (const [header, section] of configIni) {
    let name: string | undefined;
    if (header.startsWith("profile")) name = nameByShlex(header);
    else if (header.startsWith("services")) {
      const s = nameByShlex(header, "services");
      if (s !== undefined) services.set(s, section);
      continue;
    } else if (header.startsWith("sso-session")) {
      const s = nameByShlex(header, "sso-session");
      const origin = { file: CFG, section: header };
      if (s !== undefined)
        ssoSessions.set(s, { values: stringsOnly(section), origin, nested: blocks(section) });
      continue;
    } else if (header === "default") name = "default";
    if (name === undefined) {
      unread.push(header);
      continue;
    }
    const values = stringsOnly(section);
    configProfiles.set(name, values);
    const origins: Record<string, Origin> = {};
    for (const k of Object.keys(values)) origins[k] = { file: CFG, section: header };
    const nested: Record<string, Origin> = {};
    configNested.set(name, blocks(section));
    for (const k of blocks(section)) nested[k] = { file: CFG, section: header };
    profiles.set(name, { name, values: { ...values }, origins, nested });
  }
  const credentialsProfiles = new Map<string, Record<string, string>>();
  const credentialsNested = new Map<string, Set<string>>();
  for (const [header, section] of credentialsIni) {
    const values = stringsOnly(section);
    credentialsProfiles.set(header, values);
    const existing = profiles.get(header) ?? { name: header, values: {}, origins: {} };
    const nested = existing.nested ?? {};
    const origin = { file: CREDS, section: header };
    for (const [k, v] of Object.entries(values)) {
      existing.values[k] = v;
      existing.origins[k] = origin;
      delete nested[k];
    }
    credentialsNested.set(header, blocks(section));
    for (const k of blocks(section)) {
      nested[k] = origin;
      delete existing.values[k];
      delete existing.origins[k];
    }
    existing.nested = nested;
    profiles.set(header, existing);
  }
  return {
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

// Every map of a loaded config as plain entries, in order: iterating builds them all.
const entries = (c: LoadedConfig) => ({
  profiles: [...c.profiles],
  configProfiles: [...c.configProfiles],
  credentialsProfiles: [...c.credentialsProfiles],
  configNested: [...(c.configNested ?? [])],
  credentialsNested: [...(c.credentialsNested ?? [])],
  services: [...c.services],
  ssoSessions: [...c.ssoSessions],
  unread: c.unread,
});

const outcome = (f: () => unknown) => {
  try {
    return f();
  } catch (e) {
    if (e instanceof AwsxError) return { error: e.message };
    throw e;
  }
};

const load = (config: string | undefined, credentials: string | undefined) =>
  loadConfig({ configFile: CFG, credentialsFile: CREDS }, (p) =>
    p === CFG ? config : p === CREDS ? credentials : undefined,
  );

describe("loadConfig", () => {
  // Headers naming the same profile several ways, sso-sessions, services, near misses.
  const configHeader = fc.constantFrom(
    "default",
    "profile default",
    "profile a",
    "profile  a",
    "profile 'a'",
    'profile "b c"',
    "profile b c",
    "profilea b",
    "profile a ",
    "profile\ta",
    "profile a\tb",
    "profile a\xa0",
    "a",
    "sso-session s",
    "sso-session 's'",
    "services x",
    "services",
    "DEFAULT",
  );
  const credentialsHeader = fc.constantFrom("a", "b c", "default", "z", "DEFAULT");
  const key = fc.constantFrom("region", "role_arn", "source_profile", "aws_access_key_id", "s3");
  const value = fc.constantFrom("x", "y", "", "\n  a = b", "\n  nope");
  // Mostly distinct keys in a section: a repeated key is an error, which ends the comparison.
  const options = fc.oneof(
    {
      arbitrary: fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 3 }),
      weight: 5,
    },
    { arbitrary: fc.array(fc.tuple(key, value), { maxLength: 3 }), weight: 1 },
  );
  const file = (header: fc.Arbitrary<string>) =>
    fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 1 },
      {
        arbitrary: fc
          .array(fc.tuple(header, options), { maxLength: 5 })
          .map((sections) =>
            sections
              .map(([h, kvs]) => `[${h}]\n${kvs.map(([k, v]) => `${k} = ${v}\n`).join("")}`)
              .join(""),
          ),
        weight: 6,
      },
    );

  it(`builds what the eager loader built, on ${RUNS} random pairs of files`, () => {
    fc.assert(
      fc.property(file(configHeader), file(credentialsHeader), (config, credentials) => {
        const lazy = outcome(() => entries(load(config, credentials)));
        const eager = outcome(() => eagerLoad(config, credentials));
        const asEntries = (e: unknown) =>
          e && typeof e === "object" && "error" in e
            ? e
            : Object.fromEntries(
                Object.entries(e as object).map(([k, v]) => [k, v instanceof Map ? [...v] : v]),
              );
        expect(lazy).toEqual(asEntries(eager));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("builds a profile once, and knows the names without building any", () => {
    const config = Array.from(
      { length: 1000 },
      (_, i) => `[profile p${i}]\nrole_arn = arn:aws:iam::123456789012:role/r${i}\n`,
    ).join("\n");
    const loaded = load(config, "[p7]\naws_access_key_id = AKIDEXAMPLE\n[solo]\n");
    expect(loaded.profiles.size).toBe(1001);
    expect([...loaded.profiles.keys()].slice(-2)).toEqual(["p999", "solo"]);
    const p7 = loaded.profiles.get("p7");
    expect(p7?.values).toEqual({
      role_arn: "arn:aws:iam::123456789012:role/r7",
      aws_access_key_id: "AKIDEXAMPLE",
    });
    expect(loaded.profiles.get("p7")).toBe(p7);
    expect(loaded.profiles.get("nope")).toBeUndefined();
    expect(loaded.profiles.has("nope")).toBe(false);
  });
});

describe("profileNameOf", () => {
  const header = fc
    .array(fc.constantFrom("profile", " ", "\t", "\x0b", "\xa0", "a", "b", "'", '"', "\\", "é"), {
      maxLength: 8,
    })
    .map((parts) => parts.join(""));

  it("names what shlex.split names, for random headers", () => {
    fc.assert(
      fc.property(header, fc.constantFrom("profile", "services", "sso-session"), (h, prefix) => {
        expect(profileNameOf(h, prefix)).toBe(nameByShlex(h, prefix));
      }),
      { seed: SEED, numRuns: RUNS * 5 },
    );
  });
});
