import { nestedBlockError } from "../config/nestedBlock.js";
import { headerWord, type LoadedConfig, type Origin, type Profile, where } from "../config/load.js";
import { AwsxError } from "../errors.js";
import { ssoRoleFor } from "../sso/ssoConfig.js";
import { pythonInt } from "../util/pythonInt.js";
import type { AssumeRoleStep, CredentialSourceName, SourceStep, StsStep } from "./plan.js";

// The source and role steps of a profile, found as botocore's provider chain finds them:
// the hop-by-hop half of buildPlan (src/plan/build.ts), which adds the sessions around them.

// A key pair of awsx's store (`awsx add`), read by the CLI before planning.
export interface StoredKeyPair {
  accessKeyId: string;
  secretAccessKey: string;
  // The store it came from, as explain names it: "keychain" or "file"; its name there.
  store: string;
  item: string;
}

const CREDENTIAL_SOURCES: readonly CredentialSourceName[] = [
  "Environment",
  "Ec2InstanceMetadata",
  "EcsContainer",
];
// The longest source_profile chain awsx follows (docs/config.md); real ones have 2 or 3 roles.
export const MAX_ROLES = 64;

const configError = (message: string, profile: string): AwsxError =>
  new AwsxError("E_CONFIG", message, { profile });

// A profile that only awsx's store knows (`awsx add` of a name in neither file): a bare
// section, as aws-vault resolves one.
export function storedOnly(
  name: string,
  stored: ReadonlyMap<string, StoredKeyPair>,
): Profile | undefined {
  return stored.has(name) ? { name, values: {}, origins: {} } : undefined;
}

// A cycle's message names every profile up to this many, else the two ends of it.
const LISTED = 100;
const shortList = (names: string[]): string => {
  if (names.length <= LISTED) return names.join(" -> ");
  const more = `… ${names.length - 40} more …`;
  return [...names.slice(0, 20), more, ...names.slice(-20)].join(" -> ");
};

export class Planner {
  private readonly visited: string[];
  private readonly seen: Set<string>;

  constructor(
    private readonly config: LoadedConfig,
    private readonly env: Record<string, string | undefined>,
    target: string,
    private readonly stored: ReadonlyMap<string, StoredKeyPair>,
  ) {
    this.visited = [target];
    this.seen = new Set([target]);
  }

  private profile(name: string): Profile {
    return this.find(name)!;
  }

  private find(name: string): Profile | undefined {
    return this.config.profiles.get(name) ?? storedOnly(name, this.stored);
  }

  private hasKeys(p: Profile): boolean {
    return hasStaticKeys(p) || isBlock(p, "aws_access_key_id") || this.stored.has(p.name);
  }

  // botocore tests a key with `in`, so a nested block counts as written; it then fails using
  // it as a string. These say so first, for the keys that choose or make credentials.
  private flat(p: Profile, ...keys: string[]): void {
    for (const key of keys) {
      const o = p.nested?.[key];
      if (o) throw this.blockError(p.name, key, o);
    }
  }

  private blockError(name: string, key: string, o: Origin): AwsxError {
    return nestedBlockError(name, key, o, {
      usedBy: this.usedBy(name),
      profile: this.visited[0]!,
    });
  }

  private isRole(p: Profile): boolean {
    return isAssumeRoleProfile(p, true) && !isBlock(p, "web_identity_token_file");
  }

  resolveTarget(target: Profile): { source: SourceStep; steps: StsStep[] } {
    if (this.isRole(target)) return this.assumeRoleChain(target.name);
    const source = this.profileProviders(target);
    if (source) return { source, steps: [] };
    const envSource = this.envWebIdentity(target.name);
    if (envSource) return { source: envSource, steps: [] };
    throw new AwsxError(
      "E_CREDENTIALS",
      `Unable to locate credentials for profile "${target.name}": ` +
        "it has no aws_access_key_id/aws_secret_access_key, " +
        "role_arn with source_profile or credential_source, " +
        "web_identity_token_file, credential_process " +
        "or sso_account_id/sso_role_name (IAM Identity Center); add one of them",
      { profile: target.name },
    );
  }

  // botocore's AssumeRoleProvider._load_creds_via_assume_role, unrolled into steps: a loop,
  // not recursion, so a chain of any length or a cycle of any length ends in a clear error.
  // The walk stops at the first role past MAX_ROLES: planning any profile costs at most that
  // many hops, so `awsx doctor`, which plans every profile, stays linear in their number.
  private assumeRoleChain(target: string): { source: SourceStep; steps: StsStep[] } {
    const steps: AssumeRoleStep[] = [];
    let name = target;
    for (;;) {
      const profile = this.profile(name);
      if (steps.length === MAX_ROLES) throw this.tooLong(target, name);
      steps.push(this.roleStep(profile));
      const next = this.sourceOf(profile);
      if (typeof next !== "string") return { source: next, steps: steps.reverse() };
      name = next;
    }
  }

  // What a role profile assumes from: a finished source, or the next role profile's name.
  private sourceOf(profile: Profile): SourceStep | string {
    const { name, values: v } = profile;
    this.flat(profile, "source_profile", "credential_source");
    const sourceProfile = v.source_profile;
    const credentialSource = v.credential_source;
    if (credentialSource !== undefined && sourceProfile !== undefined) {
      throw configError(
        `The profile "${name}" contains both source_profile and credential_source; ` +
          "keep only one of them",
        name,
      );
    }
    if (credentialSource === undefined && sourceProfile === undefined) {
      throw configError(
        "Partial credentials found in assume-role, " +
          "missing: source_profile or credential_source " +
          `(profile "${name}"${where(profile.origins.role_arn)}); add one of them`,
        name,
      );
    }
    if (credentialSource !== undefined) {
      if (!(CREDENTIAL_SOURCES as readonly string[]).includes(credentialSource)) {
        throw configError(
          `The credential source "${credentialSource}" referenced in profile "${name}" ` +
            `is not valid; use one of ${CREDENTIAL_SOURCES.join(", ")}`,
          name,
        );
      }
      return {
        kind: "credentialSource",
        profile: name,
        source: credentialSource as CredentialSourceName,
        origin: profile.origins.credential_source!,
      };
    }
    this.validateSourceProfile(name, sourceProfile!);
    this.visit(sourceProfile!);
    const source = this.profile(sourceProfile!);
    // botocore's _resolve_credentials_from_profile: static keys win on a source hop.
    if (this.hasKeys(source) || !this.isRole(source)) {
      const found = this.profileProviders(source);
      if (!found) {
        throw configError(
          `The source profile "${source.name}" must have credentials ` +
            `(it is the source_profile of "${name}"); ` +
            "give it aws_access_key_id/aws_secret_access_key, credential_process or role_arn",
          name,
        );
      }
      return found;
    }
    return source.name;
  }

  // A chain (or a cycle) longer than MAX_ROLES, named by its two ends as awsx walked it.
  private tooLong(target: string, next: string): AwsxError {
    return configError(
      `profile "${target}" chains more than ${MAX_ROLES} roles through source_profile ` +
        `(role ${MAX_ROLES + 1} is profile "${next}"); awsx follows at most ${MAX_ROLES}: ` +
        "shorten the chain",
      target,
    );
  }

  private visit(name: string): void {
    this.visited.push(name);
    this.seen.add(name);
  }

  private validateSourceProfile(parent: string, source: string): void {
    const profile = this.find(source);
    if (!profile) {
      const fix =
        source === ""
          ? "set source_profile to the name of a profile with credentials"
          : `add [profile ${headerWord(source)}] with credentials to the config file ` +
            `(or [${source}] to the credentials file), or fix source_profile`;
      throw configError(
        `The source_profile "${source}" referenced in the profile "${parent}" does not exist; ` +
          fix,
        parent,
      );
    }
    if (!this.seen.has(source)) return;
    if (source !== parent || !this.hasKeys(profile)) {
      throw configError(
        "Infinite loop in credential configuration detected. " +
          `Attempting to load from profile ${source} which has already been visited. ` +
          `Visited profiles: ${shortList(this.visited)}; break the source_profile cycle`,
        parent,
      );
    }
  }

  // ProfileProviderBuilder order: web identity, SSO, credentials file, process, config file.
  private profileProviders(profile: Profile): SourceStep | undefined {
    const v = profile.values;
    const name = profile.name;
    this.flat(profile, "web_identity_token_file");
    if (v.web_identity_token_file) {
      this.flat(profile, "role_arn", "role_session_name");
      if (!v.role_arn) {
        throw configError(
          `The profile "${name}" is configured to assume role with web identity ` +
            "but has no role ARN configured; add role_arn to it",
          name,
        );
      }
      return {
        kind: "webIdentity",
        profile: name,
        roleArn: v.role_arn,
        tokenFile: v.web_identity_token_file,
        // Empty is unset: botocore's fetcher gives it the default name.
        sessionName: v.role_session_name || undefined,
        from: "profile",
        origin: profile.origins.web_identity_token_file,
      };
    }
    // botocore's SSOProvider: a profile naming sso_account_id or sso_role_name.
    if (["sso_account_id", "sso_role_name"].some((k) => v[k] !== undefined || isBlock(profile, k)))
      this.flat(profile, ...SSO_KEYS);
    const sso = ssoRoleFor(profile, this.config);
    if (sso) return { kind: "sso", profile: name, ...sso };
    const fromStore = this.storedKeysOf(name);
    if (fromStore) return fromStore;
    const fromFile = this.keysFrom(
      name,
      this.config.credentialsNested?.get(name),
      this.config.credentialsProfiles.get(name),
      "shared-credentials-file",
      this.config.credentialsFile,
    );
    if (fromFile) return fromFile;
    // botocore's LoginProvider (`aws login`) comes before credential_process.
    this.flat(profile, "login_session", "credential_process");
    if (v.login_session !== undefined) {
      throw configError(
        `The profile "${name}" uses login_session (aws login), which awsx does not support; ` +
          `use credential_process = aws configure export-credentials --profile ${name}`,
        name,
      );
    }
    if (v.credential_process !== undefined) {
      return {
        kind: "process",
        profile: name,
        command: v.credential_process,
        origin: profile.origins.credential_process!,
      };
    }
    const fromConfig = this.keysFrom(
      name,
      this.config.configNested?.get(name),
      this.config.configProfiles.get(name),
      "config-file",
      this.config.configFile,
    );
    if (fromConfig) return fromConfig;
    return undefined;
  }

  private keysFrom(
    name: string,
    blocks: ReadonlySet<string> | undefined,
    values: Record<string, string> | undefined,
    provider: "shared-credentials-file" | "config-file",
    file: string,
  ): SourceStep | undefined {
    if (!values) return undefined;
    // Chosen when aws_access_key_id is written, as a value or a block.
    if (values.aws_access_key_id === undefined && !blocks?.has("aws_access_key_id"))
      return undefined;
    if (blocks?.has("aws_access_key_id") || blocks?.has("aws_secret_access_key"))
      this.nestedIn(name, file, blocks);
    if (values.aws_secret_access_key === undefined) {
      throw configError(
        `Partial credentials found in ${provider}, missing: aws_secret_access_key ` +
          `(profile "${name}" in ${file}); add the secret key or remove aws_access_key_id`,
        name,
      );
    }
    const section = provider === "config-file" ? this.configSectionOf(name) : name;
    // The CLI counts a key written with no value as present and signs with it (STS refuses);
    // a child given it empty would fall back to its own chain: fail first, naming it.
    for (const key of ["aws_access_key_id", "aws_secret_access_key"] as const) {
      if (values[key] === "") {
        throw configError(
          `${key} is empty in profile "${name}" (${file} [${section}])${this.usedBy(name)}; ` +
            "set it to the key, or remove the profile's keys",
          this.visited[0]!,
        );
      }
    }
    // botocore's order: aws_security_token first, when written; an empty token is no token.
    const tokenKey = ["aws_security_token", "aws_session_token"].find(
      (k) => values[k] !== undefined || blocks?.has(k),
    );
    if (tokenKey && blocks?.has(tokenKey)) this.nestedIn(name, file, new Set([tokenKey]));
    const token = tokenKey ? values[tokenKey] : undefined;
    return {
      kind: "static",
      profile: name,
      provider,
      accessKeyId: values.aws_access_key_id!, // a block has failed above
      secretAccessKey: values.aws_secret_access_key,
      ...(token ? { sessionToken: token } : {}),
      origin: { file, section },
    };
  }

  // Keys of awsx's store win over the files' keys of the same profile: the user moved them
  // there on purpose (docs/keys.md); explain and list show the plaintext copy as shadowed.
  private storedKeysOf(name: string): SourceStep | undefined {
    const keys = this.stored.get(name);
    if (!keys) return undefined;
    const fileKeys = this.config.credentialsProfiles.get(name)?.aws_access_key_id;
    const configKeys = this.config.configProfiles.get(name)?.aws_access_key_id;
    const shadows =
      fileKeys !== undefined
        ? { file: this.config.credentialsFile, section: name }
        : configKeys !== undefined
          ? { file: this.config.configFile, section: this.configSectionOf(name) }
          : undefined;
    return {
      kind: "static",
      profile: name,
      provider: "awsx-store",
      accessKeyId: keys.accessKeyId,
      secretAccessKey: keys.secretAccessKey,
      origin: { file: `awsx ${keys.store}`, section: keys.item },
      ...(shadows ? { shadows } : {}),
    };
  }

  // A key of this file's section that is a nested block: the same error as flat().
  private nestedIn(name: string, file: string, blocks: ReadonlySet<string>): never {
    const key = ["aws_access_key_id", "aws_secret_access_key", ...blocks].find((k) =>
      blocks.has(k),
    )!;
    const section = file === this.config.configFile ? this.configSectionOf(name) : name;
    throw this.blockError(name, key, { file, section });
  }

  // ", the source of profile T" when a hop of the chain fails, so the message names the
  // profile the user asked for.
  private usedBy(name: string): string {
    const target = this.visited[0]!;
    return name === target ? "" : `, in the source_profile chain of "${target}"`;
  }

  private configSectionOf(name: string): string {
    return (
      this.profile(name).origins.aws_access_key_id?.section ??
      (name === "default" ? "default" : `profile ${name}`)
    );
  }

  // AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, as CI systems set them, for a profile
  // that has no credentials of its own.
  private envWebIdentity(name: string): SourceStep | undefined {
    const tokenFile = this.env.AWS_WEB_IDENTITY_TOKEN_FILE;
    if (!tokenFile) return undefined;
    const roleArn = this.env.AWS_ROLE_ARN;
    if (!roleArn) {
      throw configError(
        `AWS_WEB_IDENTITY_TOKEN_FILE is set for profile "${name}" but AWS_ROLE_ARN is not; ` +
          "set AWS_ROLE_ARN to the role to assume",
        name,
      );
    }
    if (this.env.AWS_ROLE_SESSION_NAME === undefined)
      this.flat(this.profile(name), "role_session_name");
    const sessionName =
      this.env.AWS_ROLE_SESSION_NAME ?? this.profile(name).values.role_session_name;
    return {
      kind: "webIdentity",
      profile: name,
      roleArn,
      tokenFile,
      ...(sessionName ? { sessionName } : {}),
      from: "env",
    };
  }

  private roleStep(profile: Profile): AssumeRoleStep {
    const v = profile.values;
    this.flat(profile, ...ROLE_KEYS);
    const step: AssumeRoleStep = {
      kind: "assumeRole",
      profile: profile.name,
      roleArn: v.role_arn!,
      origin: profile.origins.role_arn!,
    };
    // Empty is unset: botocore's fetcher gives it the default name.
    if (v.role_session_name) step.sessionName = v.role_session_name;
    if (v.external_id !== undefined) step.externalId = v.external_id;
    if (v.mfa_serial !== undefined) step.mfaSerial = v.mfa_serial;
    // source_identity is not read: botocore's AssumeRoleProvider never sends SourceIdentity.
    if (v.duration_seconds !== undefined)
      step.durationSeconds = parseDuration(v.duration_seconds, profile);
    return step;
  }
}

// botocore reads duration_seconds with int(): `3_600`, ` +3600`, `３６００` are 3600.
function parseDuration(raw: string, profile: Profile): number {
  const seconds = pythonInt(raw);
  if (seconds === undefined) {
    throw configError(
      `duration_seconds = ${raw} in profile "${profile.name}" ` +
        `is not a whole number of seconds${where(profile.origins.duration_seconds)}; ` +
        "use e.g. 3600",
      profile.name,
    );
  }
  return seconds;
}

export const hasStaticKeys = (p: Profile): boolean =>
  p.values.aws_access_key_id !== undefined || p.values.aws_secret_access_key !== undefined;
// `roleAsBlock`: a role_arn written as a nested block counts (the planner then fails on it).
export const isAssumeRoleProfile = (p: Profile, roleAsBlock = false): boolean =>
  (p.values.role_arn !== undefined || (roleAsBlock && isBlock(p, "role_arn"))) &&
  p.values.web_identity_token_file === undefined;

const isBlock = (p: Profile, key: string): boolean => p.nested?.[key] !== undefined;
const ROLE_KEYS = [
  "role_arn",
  "role_session_name",
  "external_id",
  "mfa_serial",
  "duration_seconds",
];
const SSO_KEYS = ["sso_session", "sso_account_id", "sso_role_name", "sso_start_url", "sso_region"];
