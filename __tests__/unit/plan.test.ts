// buildPlan over configs read through loadConfig: every profile shape the AWS CLI knows,
// with exact step lists and the CLI's own error phrases.
import { loadConfig, type LoadedConfig } from "../../src/config/load.js";
import { buildPlan, type PlanOptions } from "../../src/plan/build.js";
import { MAX_ROLES } from "../../src/plan/planner.js";
import type { AssumeRoleStep, Plan } from "../../src/plan/plan.js";
import { AwsxError, type AwsxErrorCode } from "../../src/errors.js";

const CFG = "/home/u/.aws/config";
const CREDS = "/home/u/.aws/credentials";

const load = (config: string, credentials?: string): LoadedConfig =>
  loadConfig({ configFile: CFG, credentialsFile: CREDS }, (p) =>
    p === CFG ? config : p === CREDS ? credentials : undefined,
  );

const plan = (
  config: string,
  profile: string,
  options: PlanOptions = {},
  credentials?: string,
): Plan => buildPlan(load(config, credentials), profile, options);

// Runs fn, expects an AwsxError with this code and a message matching every regex.
function expectAwsxError(fn: () => unknown, code: AwsxErrorCode, ...patterns: RegExp[]): AwsxError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AwsxError);
  const e = err as AwsxError;
  expect(e.code).toBe(code);
  for (const p of patterns) expect(e.message).toMatch(p);
  return e;
}

const KEY = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const KEY2 = "AKIAFAKECREDSFILE000";
const SECRET2 = "credsFileSecretFAKE";
const MFA = "arn:aws:iam::123456789012:mfa/alice";
const arn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const cfgOrigin = (p: string) => ({
  file: CFG,
  section: p === "default" ? "default" : `profile ${p}`,
});
const role = (profile: string, extra: Partial<AssumeRoleStep> = {}): AssumeRoleStep => ({
  kind: "assumeRole",
  profile,
  roleArn: arn(profile),
  origin: cfgOrigin(profile),
  ...extra,
});
const staticCfg = (profile: string, extra: Record<string, string> = {}) => ({
  kind: "static",
  profile,
  provider: "config-file",
  accessKeyId: KEY,
  secretAccessKey: SECRET,
  origin: cfgOrigin(profile),
  ...extra,
});
const staticCreds = (profile: string, extra: Record<string, string> = {}) => ({
  kind: "static",
  profile,
  provider: "shared-credentials-file",
  accessKeyId: KEY2,
  secretAccessKey: SECRET2,
  origin: { file: CREDS, section: profile },
  ...extra,
});

const BASE_CREDS = `[base]\naws_access_key_id = ${KEY2}\naws_secret_access_key = ${SECRET2}\n`;
const roleSection = (name: string, lines: string[] = []) =>
  [`[profile ${name}]`, `role_arn = ${arn(name)}`, ...lines, ""].join("\n");

describe("profile names and static keys", () => {
  it("reads static keys from the config file", () => {
    const p = plan(
      `[profile dev]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\nregion ` +
        `= eu-west-1\n`,
      "dev",
    );
    expect(p).toEqual({
      profile: "dev",
      source: staticCfg("dev"),
      steps: [],
      region: "eu-west-1",
      regionOrigin: `${CFG} [profile dev]`,
      notes: [],
    });
  });

  it("reads static keys (and a session token) from the credentials file", () => {
    const p = plan("", "base", {}, `${BASE_CREDS}aws_session_token = tokFAKE\n`);
    expect(p.source).toEqual(staticCreds("base", { sessionToken: "tokFAKE" }));
    expect(p.steps).toEqual([]);
    expect(p.region).toBeUndefined();
  });

  it("accepts aws_security_token as the session token", () => {
    expect(plan("", "base", {}, `${BASE_CREDS}aws_security_token = legacyFAKE\n`).source).toEqual(
      staticCreds("base", { sessionToken: "legacyFAKE" }),
    );
  });

  it("reads upper-case keys as the CLI does", () => {
    const p = plan(
      `[profile up]\nAWS_ACCESS_KEY_ID = ${KEY}\nAws_Secret_Access_Key: ${SECRET}\n`,
      "up",
    );
    expect(p.source).toEqual(staticCfg("up"));
  });

  it("credentials-file keys win over config-file keys, key by key", () => {
    const config =
      `[profile both]\n` +
      `aws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\nregion = eu-west-1\n` +
      `output = json\n`;
    const creds =
      `[both]\naws_access_key_id = ${KEY2}\n` +
      `aws_secret_access_key = ${SECRET2}\nregion = us-west-2\n`;
    const cfg = load(config, creds);
    expect(cfg.profiles.get("both")!.values).toEqual({
      aws_access_key_id: KEY2,
      aws_secret_access_key: SECRET2,
      region: "us-west-2",
      output: "json",
    });
    expect(cfg.profiles.get("both")!.origins.output).toEqual({
      file: CFG,
      section: "profile both",
    });
    expect(cfg.profiles.get("both")!.origins.region).toEqual({ file: CREDS, section: "both" });
    const p = buildPlan(cfg, "both");
    expect(p.source).toEqual(staticCreds("both"));
    expect(p.region).toBe("us-west-2");
    expect(p.regionOrigin).toBe(`${CREDS} [both]`);
  });

  it("a secret alone in the credentials file does not hide complete config-file keys", () => {
    const p = plan(
      `[profile p]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`,
      "p",
      {},
      `[p]\naws_secret_access_key = ${SECRET2}\n`,
    );
    expect(p.source).toEqual(staticCfg("p"));
  });

  it('[profile "ops prod"] names the profile "ops prod"', () => {
    const p = plan(
      `[profile "ops prod"]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`,
      "ops prod",
    );
    expect(p.source).toEqual({
      ...staticCfg("ops prod"),
      origin: { file: CFG, section: 'profile "ops prod"' },
    });
  });

  it("[profile a b] names no profile at all", () => {
    const cfg = load(
      `[profile a b]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`,
    );
    expect([...cfg.profiles.keys()]).toEqual([]);
    for (const name of ["a", "b", "a b", "profile a b"]) {
      expectAwsxError(
        () => buildPlan(cfg, name),
        "E_PROFILE_NOT_FOUND",
        new RegExp(`\\(${name}\\) could not be found`),
      );
    }
  });

  it("a bare [name] in the config file is not a profile", () => {
    const cfg = load(`[bare]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`);
    expect(cfg.profiles.has("bare")).toBe(false);
    const e = expectAwsxError(
      () => buildPlan(cfg, "bare"),
      "E_PROFILE_NOT_FOUND",
      /bare/,
      new RegExp(CFG),
      new RegExp(CREDS),
    );
    expect(e.exitCode).toBe(67);
    expect(e.profile).toBe("bare");
  });

  it("[profile x] in the credentials file names the profile 'profile x'", () => {
    const cfg = load(
      "",
      `[profile x]\naws_access_key_id = ${KEY2}\naws_secret_access_key = ${SECRET2}\n`,
    );
    expect([...cfg.profiles.keys()]).toEqual(["profile x"]);
    expect(buildPlan(cfg, "profile x").source).toEqual(staticCreds("profile x"));
  });

  it("[default] and [profile default] both name default; the later section wins whole", () => {
    const a = load(
      "[default]\nregion = eu-west-1\noutput = json\n[profile default]\nregion = us-west-2\n",
    );
    expect(a.profiles.get("default")!.values).toEqual({ region: "us-west-2" });
    const b = load(
      "[profile default]\nregion = us-west-2\noutput = json\n[default]\nregion = eu-west-1\n",
    );
    expect(b.profiles.get("default")!.values).toEqual({ region: "eu-west-1" });
    const c = load(`[default]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`);
    expect(buildPlan(c, "default").source).toEqual(staticCfg("default"));
  });

  it("named profiles do not inherit from [default]", () => {
    const cfg = load(
      `[default]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\nregion = ` +
        `eu-west-1\n[profile empty]\noutput = json\n`,
    );
    expect(cfg.profiles.get("empty")!.values).toEqual({ output: "json" });
    expectAwsxError(
      () => buildPlan(cfg, "empty"),
      "E_CREDENTIALS",
      /Unable to locate credentials for profile "empty"/,
    );
  });

  it("a missing target profile is E_PROFILE_NOT_FOUND (exit 67)", () => {
    const e = expectAwsxError(
      () => plan("[profile other]\nregion = x\n", "nope", {}, BASE_CREDS),
      "E_PROFILE_NOT_FOUND",
      /The config profile \(nope\) could not be found/,
    );
    expect(e.exitCode).toBe(67);
  });

  it("a missing profile's fix writes a header botocore reads back as that name", () => {
    const dev = "[profile dev]\nregion = x\n";
    const fix = (name: string) =>
      /add \[profile (.*)\] to the config file/.exec(
        expectAwsxError(() => plan(dev, name), "E_PROFILE_NOT_FOUND").message,
      )?.[1];
    expect(fix("nope")).toBe("nope");
    expect(fix(" profile dev ")).toBe("' profile dev '");
    expect(fix("it's")).toBe(`"it's"`);
    // Each header names the profile it was written for.
    for (const name of ["a b", " profile dev ", "it's", 'say "hi"\\']) {
      const config = load(`[profile ${fix(name)}]\nregion = x\n`);
      expect([...config.profiles.keys()]).toEqual([name]);
    }
    // A name pasted from a header, or with spaces around it: the profile it names.
    expectAwsxError(() => plan(dev, "profile dev"), "E_PROFILE_NOT_FOUND", /did you mean dev\?/);
    expectAwsxError(() => plan(dev, " dev"), "E_PROFILE_NOT_FOUND", /did you mean dev\?/);
  });

  it(
    "[dev] in the config file (not [profile dev]): not found, " + "naming the section and its fix",
    () => {
      const e = expectAwsxError(
        () => plan("[dev]\nregion = eu-west-1\n[profile other]\nregion = x\n", "dev"),
        "E_PROFILE_NOT_FOUND",
      );
      expect(e.message).toBe(
        `The config profile (dev) could not be found in ${CFG} or ${CREDS}: the config file ` +
          "has [dev], which names no profile there; rename it [profile dev] (only [default] is " +
          "written without `profile `; the credentials file takes [NAME])",
      );
      expect(e.exitCode).toBe(67);
      // The same name as a real profile elsewhere is found, as the AWS CLI finds it.
      expect(
        plan(
          "[dev]\nregion = x\n",
          "dev",
          {},
          `[dev]\naws_access_key_id = ${KEY2}\naws_secret_access_key = s\n`,
        ).steps,
      ).toBeDefined();
    },
  );

  it("an empty profile name is E_PROFILE_NOT_FOUND, said as such", () => {
    expectAwsxError(
      () => plan("[default]\nregion = x\n", ""),
      "E_PROFILE_NOT_FOUND",
      /^the profile name is empty \(an unset variable\?\)/,
    );
  });

  it("an unparsable config file is E_CONFIG naming the file", () => {
    const e = expectAwsxError(
      () => load("region = x\n[profile p]\n"),
      "E_CONFIG",
      new RegExp(`cannot parse ${CFG}`),
      /before any \[section\]/,
    );
    expect(e.exitCode).toBe(78);
  });

  it("partial keys in the credentials file name shared-credentials-file", () => {
    expectAwsxError(
      () => plan("", "p", {}, `[p]\naws_access_key_id = ${KEY2}\n`),
      "E_CONFIG",
      /Partial credentials found in shared-credentials-file, missing: aws_secret_access_key/,
      /"p"/,
    );
  });

  it("partial keys in the config file name config-file", () => {
    expectAwsxError(
      () => plan(`[profile p]\naws_access_key_id = ${KEY}\n`, "p"),
      "E_CONFIG",
      /Partial credentials found in config-file, missing: aws_secret_access_key/,
      /"p"/,
    );
  });

  // Parity round 2, B: a key written with no value is present to the CLI, which signs with it.
  it("an empty aws_access_key_id or secret is E_CONFIG naming profile, file and key", () => {
    expectAwsxError(
      () => plan("", "p", {}, `[p]\naws_access_key_id =\naws_secret_access_key = ${SECRET2}\n`),
      "E_CONFIG",
      /aws_access_key_id is empty in profile "p" \(\/home\/u\/\.aws\/credentials \[p\]\)/,
    );
    expectAwsxError(
      () => plan(`[profile p]\naws_access_key_id = ${KEY}\naws_secret_access_key =\n`, "p"),
      "E_CONFIG",
      /aws_secret_access_key is empty in profile "p" \(\/home\/u\/\.aws\/config \[profile p\]\)/,
    );
  });

  it("empty keys on a source_profile hop fail too", () => {
    expectAwsxError(
      () =>
        plan(
          roleSection("r", ["source_profile = base"]),
          "r",
          {},
          `[base]\naws_access_key_id = ${KEY2}\naws_secret_access_key =\n`,
        ),
      "E_CONFIG",
      /aws_secret_access_key is empty in profile "base"/,
    );
  });

  it("an empty session token is no token; aws_security_token wins when written", () => {
    expect(plan("", "base", {}, `${BASE_CREDS}aws_session_token =\n`).source).toEqual(
      staticCreds("base"),
    );
    const both = `${BASE_CREDS}aws_session_token = newFAKE\naws_security_token = oldFAKE\n`;
    expect(plan("", "base", {}, both).source).toEqual(
      staticCreds("base", { sessionToken: "oldFAKE" }),
    );
  });

  it("a secret key without an access key is no credentials", () => {
    expectAwsxError(
      () => plan(`[profile p]\naws_secret_access_key = ${SECRET}\n`, "p"),
      "E_CREDENTIALS",
      /Unable to locate credentials/,
    );
  });

  it("a profile with nothing usable is E_CREDENTIALS", () => {
    const e = expectAwsxError(
      () => plan("[profile p]\nregion = eu-west-1\n", "p"),
      "E_CREDENTIALS",
      /Unable to locate credentials for profile "p"/,
    );
    expect(e.exitCode).toBe(79);
  });
});

describe("credential_process", () => {
  it("as the profile's own credentials", () => {
    const p = plan("[profile p]\ncredential_process = /usr/bin/get-creds --json\n", "p");
    expect(p.source).toEqual({
      kind: "process",
      profile: "p",
      command: "/usr/bin/get-creds --json",
      origin: cfgOrigin("p"),
    });
    expect(p.steps).toEqual([]);
  });

  it(
    "credentials-file keys come before credential_process, " +
      "which comes before config-file keys",
    () => {
      const config =
        `[profile p]\ncredential_process = get-creds\n` +
        `aws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`;
      expect(plan(config, "p").source).toMatchObject({ kind: "process", command: "get-creds" });
      expect(
        plan(
          config,
          "p",
          {},
          `[p]\naws_access_key_id = ${KEY2}\naws_secret_access_key = ${SECRET2}\n`,
        ).source,
      ).toEqual(staticCreds("p"));
    },
  );

  it("as the source of a role", () => {
    const p = plan(
      roleSection("r", ["source_profile = src"]) +
        "[profile src]\ncredential_process = get-creds\n",
      "r",
    );
    expect(p.source).toEqual({
      kind: "process",
      profile: "src",
      command: "get-creds",
      origin: cfgOrigin("src"),
    });
    expect(p.steps).toEqual([role("r")]);
  });

  it("role_arn outranks credential_process on the target (assume-role comes first)", () => {
    expectAwsxError(
      () => plan(roleSection("r", ["credential_process = get-creds"]), "r"),
      "E_CONFIG",
      /Partial credentials found in assume-role, missing: source_profile or credential_source/,
    );
  });

  it("on a source hop, role_arn outranks credential_process when there are no static keys", () => {
    const p = plan(
      roleSection("r", ["source_profile = mid"]) +
        roleSection("mid", ["source_profile = base", "credential_process = ignored"]),
      "r",
      {},
      BASE_CREDS,
    );
    expect(p.source).toEqual(staticCreds("base"));
    expect(p.steps).toEqual([role("mid"), role("r")]);
  });
});

describe("source_profile chains", () => {
  it("one hop", () => {
    const p = plan(
      roleSection("r1", ["source_profile = base", "region = eu-west-1"]),
      "r1",
      {},
      BASE_CREDS,
    );
    expect(p).toEqual({
      profile: "r1",
      source: staticCreds("base"),
      steps: [role("r1")],
      region: "eu-west-1",
      regionOrigin: `${CFG} [profile r1]`,
      notes: [],
    });
  });

  it("two hops", () => {
    const config =
      roleSection("r2", ["source_profile = r1"]) + roleSection("r1", ["source_profile = base"]);
    const p = plan(config, "r2", {}, BASE_CREDS);
    expect(p.source).toEqual(staticCreds("base"));
    expect(p.steps).toEqual([role("r1"), role("r2")]);
  });

  it("three hops, with the source keys in the config file", () => {
    const config =
      roleSection("r3", ["source_profile = r2"]) +
      roleSection("r2", ["source_profile = r1"]) +
      roleSection("r1", ["source_profile = base"]) +
      `[profile base]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`;
    const p = plan(config, "r3");
    expect(p.source).toEqual(staticCfg("base"));
    expect(p.steps).toEqual([role("r1"), role("r2"), role("r3")]);
  });

  it("static keys win on a source hop over that profile's own role_arn", () => {
    const config =
      roleSection("r", ["source_profile = both"]) +
      roleSection("both", [
        "source_profile = base",
        `aws_access_key_id = ${KEY}`,
        `aws_secret_access_key = ${SECRET}`,
      ]);
    const p = plan(config, "r", {}, BASE_CREDS);
    expect(p.source).toEqual(staticCfg("both"));
    expect(p.steps).toEqual([role("r")]);
  });

  it("but on the target, role_arn wins over the profile's static keys", () => {
    const config = roleSection("both", [
      "source_profile = base",
      `aws_access_key_id = ${KEY}`,
      `aws_secret_access_key = ${SECRET}`,
    ]);
    const p = plan(config, "both", {}, BASE_CREDS);
    expect(p.source).toEqual(staticCreds("base"));
    expect(p.steps).toEqual([role("both")]);
  });

  it("a secret key alone on a source hop still blocks its role and is no credentials", () => {
    const config =
      roleSection("r", ["source_profile = half"]) +
      roleSection("half", ["source_profile = base", `aws_secret_access_key = ${SECRET}`]);
    expectAwsxError(
      () => plan(config, "r", {}, BASE_CREDS),
      "E_CONFIG",
      /The source profile "half" must have credentials/,
    );
  });

  it("a source profile without any credentials", () => {
    expectAwsxError(
      () =>
        plan(`${roleSection("r", ["source_profile = empty"])}[profile empty]\nregion = x\n`, "r"),
      "E_CONFIG",
      /The source profile "empty" must have credentials/,
      /"r"/,
    );
  });

  it("self-reference with static keys is allowed: the keys are the source", () => {
    const config = roleSection("self", [
      "source_profile = self",
      `aws_access_key_id = ${KEY}`,
      `aws_secret_access_key = ${SECRET}`,
    ]);
    const p = plan(config, "self");
    expect(p.source).toEqual(staticCfg("self"));
    expect(p.steps).toEqual([role("self")]);
  });

  it("self-reference without static keys is a loop", () => {
    expectAwsxError(
      () => plan(roleSection("self", ["source_profile = self"]), "self"),
      "E_CONFIG",
      /Infinite loop in credential configuration detected/,
      /profile self which has already been visited/,
      /Visited profiles: self\b/,
    );
  });

  it("a cycle A -> B -> A lists the visited profiles", () => {
    const config =
      roleSection("A", ["source_profile = B"]) + roleSection("B", ["source_profile = A"]);
    expectAwsxError(
      () => plan(config, "A"),
      "E_CONFIG",
      /Infinite loop in credential configuration detected/,
      /Attempting to load from profile A/,
      /Visited profiles: A -> B/,
    );
  });

  it("a longer cycle into the middle of the chain", () => {
    const config =
      roleSection("A", ["source_profile = B"]) +
      roleSection("B", ["source_profile = C"]) +
      roleSection("C", ["source_profile = B"]);
    expectAwsxError(
      () => plan(config, "A"),
      "E_CONFIG",
      /Infinite loop/,
      /profile B which has already been visited/,
      /Visited profiles: A -> B -> C/,
    );
  });

  it(
    "a self-reference deeper in the chain is never followed: " + "static keys win on a source hop",
    () => {
      const config =
        roleSection("A", ["source_profile = B"]) +
        roleSection("B", [
          "source_profile = B",
          `aws_access_key_id = ${KEY}`,
          `aws_secret_access_key = ${SECRET}`,
        ]);
      const p = plan(config, "A");
      expect(p.source).toEqual(staticCfg("B"));
      expect(p.steps).toEqual([role("A")]);
    },
  );

  it("a missing source profile names both profiles", () => {
    expectAwsxError(
      () => plan(roleSection("r", ["source_profile = ghost"]), "r"),
      "E_CONFIG",
      /The source_profile "ghost" referenced in the profile "r" does not exist/,
      /add \[profile ghost\] with credentials to the config file \(or \[ghost\] to the credentials/,
    );
    expectAwsxError(
      () => plan(roleSection("r", ["source_profile ="]), "r"),
      "E_CONFIG",
      /The source_profile "" .* does not exist; set source_profile to the name of a profile/,
    );
  });

  it("a source profile named only by a bare config section does not exist", () => {
    expectAwsxError(
      () =>
        plan(
          roleSection("r", ["source_profile = bare"]) +
            `[bare]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`,
          "r",
        ),
      "E_CONFIG",
      /The source_profile "bare" referenced in the profile "r" does not exist/,
    );
  });

  it("role_arn in the credentials file counts (files merge key by key)", () => {
    const p = plan(
      "[profile r]\nsource_profile = base\n",
      "r",
      {},
      `${BASE_CREDS}[r]\nrole_arn = ${arn("r")}\n`,
    );
    expect(p.steps).toEqual([role("r", { origin: { file: CREDS, section: "r" } })]);
  });
});

describe("role_arn without exactly one source", () => {
  it("both source_profile and credential_source", () => {
    expectAwsxError(
      () =>
        plan(
          roleSection("r", ["source_profile = base", "credential_source = Environment"]),
          "r",
          {},
          BASE_CREDS,
        ),
      "E_CONFIG",
      /The profile "r" contains both source_profile and credential_source/,
    );
  });

  it("neither", () => {
    const e = expectAwsxError(
      () => plan(roleSection("r"), "r"),
      "E_CONFIG",
      /Partial credentials found in assume-role, missing: source_profile or credential_source/,
      /"r"/,
    );
    expect(e.exitCode).toBe(78);
  });

  it.each(["environment", "Ec2", "Ec2instancemetadata", "", "ENVIRONMENT"])(
    "invalid credential_source %j",
    (source) => {
      expectAwsxError(
        () => plan(`[profile r]\nrole_arn = ${arn("r")}\ncredential_source = ${source}\n`, "r"),
        "E_CONFIG",
        new RegExp(`The credential source "${source}" referenced in profile "r" is not valid`),
      );
    },
  );

  it.each(["Environment", "Ec2InstanceMetadata", "EcsContainer"] as const)(
    "credential_source = %s",
    (source) => {
      const p = plan(roleSection("r", [`credential_source = ${source}`]), "r");
      expect(p.source).toEqual({
        kind: "credentialSource",
        profile: "r",
        source,
        origin: cfgOrigin("r"),
      });
      expect(p.steps).toEqual([role("r")]);
    },
  );

  it("credential_source at the start of a chain", () => {
    const p = plan(
      roleSection("top", ["source_profile = r"]) +
        roleSection("r", ["credential_source = EcsContainer"]),
      "top",
    );
    expect(p.source).toEqual({
      kind: "credentialSource",
      profile: "r",
      source: "EcsContainer",
      origin: cfgOrigin("r"),
    });
    expect(p.steps).toEqual([role("r"), role("top")]);
  });
});

describe("web identity", () => {
  it("web_identity_token_file + role_arn in the profile", () => {
    const p = plan(
      roleSection("wi", ["web_identity_token_file = /var/run/token", "role_session_name = ci-run"]),
      "wi",
    );
    expect(p.source).toEqual({
      kind: "webIdentity",
      profile: "wi",
      roleArn: arn("wi"),
      tokenFile: "/var/run/token",
      sessionName: "ci-run",
      from: "profile",
      origin: cfgOrigin("wi"),
    });
    expect(p.steps).toEqual([]);
  });

  it("web_identity_token_file without role_arn", () => {
    expectAwsxError(
      () => plan("[profile wi]\nweb_identity_token_file = /t\n", "wi"),
      "E_CONFIG",
      /"wi" is configured to assume role with web identity but has no role ARN/,
    );
  });

  it("as the source of a role; the chained role is capped at 3600 s", () => {
    const config =
      roleSection("r", ["source_profile = wi"]) +
      roleSection("wi", ["web_identity_token_file = /t"]);
    const p = plan(config, "r");
    expect(p.source).toMatchObject({
      kind: "webIdentity",
      profile: "wi",
      roleArn: arn("wi"),
      from: "profile",
    });
    expect(p.steps).toEqual([role("r")]);
    expect(plan(config, "r", { durationSeconds: 3600 }).steps).toEqual([
      role("r", { durationSeconds: 3600 }),
    ]);
    expectAwsxError(
      () => plan(config, "r", { durationSeconds: 3601 }),
      "E_CONFIG",
      /"r" asks for 3601s/,
      /role chaining/,
    );
  });

  const ENV = {
    AWS_ROLE_ARN: arn("ci"),
    AWS_WEB_IDENTITY_TOKEN_FILE: "/run/ci-token",
    AWS_ROLE_SESSION_NAME: "gh-actions",
  };

  it("AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE for a profile without credentials", () => {
    const p = plan("[profile ci]\nregion = eu-central-1\n", "ci", { env: ENV });
    expect(p.source).toEqual({
      kind: "webIdentity",
      profile: "ci",
      roleArn: arn("ci"),
      tokenFile: "/run/ci-token",
      sessionName: "gh-actions",
      from: "env",
    });
    expect(p.steps).toEqual([]);
    expect(p.region).toBe("eu-central-1");
  });

  it("the environment is not used when the profile has credentials of its own", () => {
    expect(plan("", "base", { env: ENV }, BASE_CREDS).source).toEqual(staticCreds("base"));
    expect(
      plan(roleSection("r", ["source_profile = base"]), "r", { env: ENV }, BASE_CREDS).source,
    ).toEqual(staticCreds("base"));
    expect(
      plan("[profile p]\ncredential_process = get-creds\n", "p", { env: ENV }).source.kind,
    ).toBe("process");
  });

  it("AWS_WEB_IDENTITY_TOKEN_FILE without a role ARN anywhere", () => {
    expectAwsxError(
      () =>
        plan("[profile ci]\nregion = x\n", "ci", { env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/t" } }),
      "E_CONFIG",
      /AWS_WEB_IDENTITY_TOKEN_FILE is set for profile "ci" but AWS_ROLE_ARN is not/,
    );
  });

  it("AWS_ROLE_ARN alone does nothing", () => {
    expectAwsxError(
      () => plan("[profile ci]\nregion = x\n", "ci", { env: { AWS_ROLE_ARN: arn("ci") } }),
      "E_CREDENTIALS",
      /Unable to locate credentials/,
    );
  });
});

describe("duration_seconds, role_session_name, external_id", () => {
  const one = (lines: string[]) => roleSection("r", ["source_profile = base", ...lines]);

  it.each(["1h", "3600.0", "36 00", "0x100", "", "1e3"])("non-integer duration_seconds %j", (d) => {
    expectAwsxError(
      () => plan(one([`duration_seconds = ${d}`]), "r", {}, BASE_CREDS),
      "E_CONFIG",
      /duration_seconds = .* in profile "r" is not a whole number/,
    );
  });

  // Python's int() as botocore applies it (the CLI sends DurationSeconds=3600 for each).
  it.each(["3_600", "+3600", "\u3000 3600", "３６００", "٣٦٠٠", "0003600"])(
    "duration_seconds %j is read as Python's int() reads it",
    (d) => {
      expect(plan(one([`duration_seconds = ${d}`]), "r", {}, BASE_CREDS).steps).toEqual([
        role("r", { durationSeconds: 3600 }),
      ]);
    },
  );

  it.each(["3__600", "_3600", "3600_", "+_3600", "- 3600", "²"])(
    "duration_seconds %j is not a whole number for Python either",
    (d) => {
      expectAwsxError(
        () => plan(one([`duration_seconds = ${d}`]), "r", {}, BASE_CREDS),
        "E_CONFIG",
        /duration_seconds = .* in profile "r" is not a whole number/,
      );
    },
  );

  it.each([0, 899, 43201, -900])("duration_seconds %d is out of range", (d) => {
    expectAwsxError(
      () => plan(one([`duration_seconds = ${d}`]), "r", {}, BASE_CREDS),
      "E_CONFIG",
      new RegExp(`duration_seconds = ${d} in profile "r" is outside 900-43200`),
    );
  });

  it.each([900, 3600, 43200])("duration_seconds %d on a first hop is kept", (d) => {
    expect(plan(one([`duration_seconds = ${d}`]), "r", {}, BASE_CREDS).steps).toEqual([
      role("r", { durationSeconds: d }),
    ]);
  });

  it("a chained role asking for more than 3600 s", () => {
    const config =
      roleSection("top", ["source_profile = r", "duration_seconds = 7200"]) +
      one(["duration_seconds = 43200"]);
    expectAwsxError(
      () => plan(config, "top", {}, BASE_CREDS),
      "E_CONFIG",
      /profile "top" asks for 7200s/,
      /capped by AWS at 3600s/,
    );
  });

  it("--duration overrides the target role's duration_seconds", () => {
    const config =
      roleSection("top", ["source_profile = r", "duration_seconds = 7200"]) +
      one(["duration_seconds = 43200"]);
    const p = plan(config, "top", { durationSeconds: 1800 }, BASE_CREDS);
    expect(p.steps).toEqual([
      role("r", { durationSeconds: 43200 }),
      role("top", { durationSeconds: 1800 }),
    ]);
    expect(
      plan(one(["duration_seconds = 900"]), "r", { durationSeconds: 43200 }, BASE_CREDS).steps,
    ).toEqual([role("r", { durationSeconds: 43200 })]);
  });

  const RANGE = "out of range: a role session lasts 900 s (15m) to 43200 s (12h)";
  it.each([
    [100, `is 100 s, ${RANGE}`],
    [300, `is 300 s, ${RANGE}`], // --duration 5m
    [899, `is 899 s, ${RANGE}`],
    [43201, `is 43201 s, ${RANGE}`],
    [3600.5, "is 3600.5 s, not a whole number of seconds"],
  ])("--duration %d is a usage error saying what is wrong", (d, what) => {
    const e = expectAwsxError(
      () => plan(one([]), "r", { durationSeconds: d }, BASE_CREDS),
      "E_USAGE",
      /"r"/,
    );
    expect(e.message).toBe(`--duration for profile "r" ${what}; pass e.g. --duration 1h`);
    expect(e.exitCode).toBe(64);
  });

  it("--duration that is not a number says so", () => {
    const e = expectAwsxError(
      () => plan(one([]), "r", { durationSeconds: Number.NaN }, BASE_CREDS),
      "E_USAGE",
      /--duration for profile "r" is not a number/,
      /"r"/,
    );
    expect(e.exitCode).toBe(64);
  });

  it("--duration on a profile that assumes no role is a usage error", () => {
    const e = expectAwsxError(
      () => plan("", "base", { durationSeconds: 3600 }, BASE_CREDS),
      "E_USAGE",
      /--duration applies to a role/,
      /"base"/,
    );
    expect(e.exitCode).toBe(64);
  });

  it.each(["a", "has space", "x".repeat(65), "bad/slash", "ünï"])(
    "role_session_name %j is invalid",
    (name) => {
      expectAwsxError(
        () => plan(one([`role_session_name = ${name}`]), "r", {}, BASE_CREDS),
        "E_CONFIG",
        /role_session_name ".*" in profile "r" is invalid/,
      );
    },
  );

  it(
    "valid role_session_name and external_id pass through; " +
      "source_identity is ignored (as botocore)",
    () => {
      const name = `awsx_test+a=b,c.d@e-${"x".repeat(44)}`;
      expect(name).toHaveLength(64);
      const p = plan(
        one([
          `role_session_name = ${name}`,
          "external_id = ext-123 456",
          "source_identity = alice",
        ]),
        "r",
        {},
        BASE_CREDS,
      );
      expect(p.steps).toEqual([role("r", { sessionName: name, externalId: "ext-123 456" })]);
    },
  );
});

describe(
  "an empty region is set, and invalid (botocore: " + "Invalid endpoint sts..amazonaws.com)",
  () => {
    const cfg = `[profile s]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`;
    it.each([
      ["AWS_DEFAULT_REGION=''", `${cfg}region = eu-west-2\n`, { AWS_DEFAULT_REGION: "" }],
      ["region = (empty)", `${cfg}region =\n`, {}],
    ])("%s is an error before any call", (_n, config, env) => {
      expectAwsxError(
        () => plan(config, "s", { env }),
        "E_CONFIG",
        /region "" .* is not a valid region/,
      );
    });

    it("an empty --region is a usage error (the CLI: Invalid endpoint)", () => {
      const options = { region: "", env: { AWS_DEFAULT_REGION: "eu-north-1" } };
      expectAwsxError(() => plan(cfg, "s", options), "E_USAGE", /region "" \(from --region\)/);
    });

    it("a line break in AWS_DEFAULT_REGION is shown, and no # comment is blamed", () => {
      const e = expectAwsxError(
        () => plan(cfg, "s", { env: { AWS_DEFAULT_REGION: "us-east-1\n" } }),
        "E_CONFIG",
        /region "us-east-1\\n" \(from AWS_DEFAULT_REGION\)/,
        /has a space, tab or line break/,
      );
      expect(e.message).not.toContain("#");
    });

    it("an empty AWS_REGION (awsx's last resort) is no region", () => {
      expect(plan(cfg, "s", { env: { AWS_REGION: "" } }).region).toBeUndefined();
    });
  },
);

describe("login_session (aws login)", () => {
  it("is an error before credential_process, in botocore's provider order", () => {
    const config =
      "[profile l]\nlogin_session = arn:aws:iam::123456789012:user/x\ncredential_process = x\n";
    expectAwsxError(() => plan(config, "l"), "E_CONFIG", /uses login_session .* does not support/);
  });

  it("comes after keys in the credentials file", () => {
    const config = "[profile l]\nlogin_session = arn:aws:iam::123456789012:user/x\n";
    const creds = `[l]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`;
    expect(plan(config, "l", {}, creds).source.kind).toBe("static");
  });
});

describe("MFA session (GetSessionToken before an MFA role)", () => {
  const mfaRole = (lines: string[] = []) =>
    roleSection("admin", ["source_profile = base", `mfa_serial = ${MFA}`, ...lines]);

  it("is inserted by default when the source has long-term keys", () => {
    const p = plan(mfaRole(), "admin", {}, BASE_CREDS);
    expect(p.source).toEqual(staticCreds("base"));
    expect(p.steps).toEqual([
      {
        kind: "sessionToken",
        profile: "admin",
        mfaSerial: MFA,
        durationSeconds: 43200,
        reason: "mfa_serial on a role whose source has long-term keys",
      },
      role("admin"),
    ]);
    expect(p.notes).toHaveLength(1);
    expect(p.notes[0]).toMatch(/MFA session: GetSessionToken with .*mfa\/alice for 43200s/);
  });

  it("uses mfaSessionSeconds and keeps later hops unchanged", () => {
    const config =
      roleSection("top", ["source_profile = admin"]) + mfaRole(["duration_seconds = 3600"]);
    const p = plan(config, "top", { mfaSessionSeconds: 7200 }, BASE_CREDS);
    expect(p.steps).toEqual([
      {
        kind: "sessionToken",
        profile: "admin",
        mfaSerial: MFA,
        durationSeconds: 7200,
        reason: "mfa_serial on a role whose source has long-term keys",
      },
      role("admin", { durationSeconds: 3600 }),
      role("top"),
    ]);
  });

  it("is not inserted when the role wants more than 3600 s", () => {
    const p = plan(mfaRole(["duration_seconds = 3601"]), "admin", {}, BASE_CREDS);
    expect(p.steps).toEqual([role("admin", { mfaSerial: MFA, durationSeconds: 3601 })]);
    expect(p.notes).toHaveLength(1);
    expect(p.notes[0]).toMatch(/wants 3601s, over the 1-hour cap/);
  });

  it("is not inserted when --duration asks for more than 3600 s", () => {
    const p = plan(mfaRole(), "admin", { durationSeconds: 7200 }, BASE_CREDS);
    expect(p.steps).toEqual([role("admin", { mfaSerial: MFA, durationSeconds: 7200 })]);
    expect(p.notes[0]).toMatch(/wants 7200s/);
  });

  it("is not inserted when the source already has a session token", () => {
    const p = plan(mfaRole(), "admin", {}, `${BASE_CREDS}aws_session_token = tokFAKE\n`);
    expect(p.steps).toEqual([role("admin", { mfaSerial: MFA })]);
    expect(p.notes[0]).toMatch(/assumed directly with the code/);
  });

  it("is not inserted when the source is credential_process or a credential_source", () => {
    const viaProcess = plan(
      roleSection("admin", ["source_profile = pr", `mfa_serial = ${MFA}`]) +
        "[profile pr]\ncredential_process = get-creds\n",
      "admin",
    );
    expect(viaProcess.steps).toEqual([role("admin", { mfaSerial: MFA })]);
    const viaEnv = plan(
      roleSection("admin", ["credential_source = Environment", `mfa_serial = ${MFA}`]),
      "admin",
    );
    expect(viaEnv.steps).toEqual([role("admin", { mfaSerial: MFA })]);
  });

  it("is not inserted with mfaSession: false", () => {
    const p = plan(mfaRole(), "admin", { mfaSession: false }, BASE_CREDS);
    expect(p.steps).toEqual([role("admin", { mfaSerial: MFA })]);
    expect(p.notes).toEqual([]);
  });

  it("is not inserted for an MFA role later in the chain", () => {
    const config =
      roleSection("top", ["source_profile = r1", `mfa_serial = ${MFA}`]) +
      roleSection("r1", ["source_profile = base"]);
    const p = plan(config, "top", {}, BASE_CREDS);
    expect(p.steps).toEqual([role("r1"), role("top", { mfaSerial: MFA })]);
    expect(p.notes).toEqual([]);
  });
});

describe(
  "region precedence (the CLI's: --region, AWS_DEFAULT_REGION, the profile; " + "AWS_REGION last)",
  () => {
    const config =
      `[profile p]\n` +
      `aws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\nregion = ap-south-1\n`;
    const noRegion = `[profile q]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`;
    const env = { AWS_REGION: "eu-west-3", AWS_DEFAULT_REGION: "eu-north-1" };

    it.each([
      [
        "--region beats everything",
        config,
        "p",
        { region: "us-east-2", env },
        "us-east-2",
        "--region",
      ],
      [
        "AWS_DEFAULT_REGION beats the profile and AWS_REGION",
        config,
        "p",
        { env },
        "eu-north-1",
        "AWS_DEFAULT_REGION",
      ],
      [
        "the profile's region beats AWS_REGION",
        config,
        "p",
        { env: { AWS_REGION: "eu-west-3" } },
        "ap-south-1",
        `${CFG} [profile p]`,
      ],
      [
        "AWS_REGION when nothing else names one",
        noRegion,
        "q",
        { env: { AWS_REGION: "eu-west-3" } },
        "eu-west-3",
        "AWS_REGION",
      ],
      [
        "an empty AWS_REGION is ignored",
        config,
        "p",
        { env: { AWS_REGION: "" } },
        "ap-south-1",
        `${CFG} [profile p]`,
      ],
      ["the profile's region alone", config, "p", {}, "ap-south-1", `${CFG} [profile p]`],
    ] as Array<[string, string, string, PlanOptions, string, string]>)(
      "%s",
      (_name, text, profile, options, region, origin) => {
        const p = plan(text, profile, options);
        expect(p.region).toBe(region);
        expect(p.regionOrigin).toBe(origin);
      },
    );

    it("no region anywhere", () => {
      const p = plan(noRegion, "q", { env: { AWS_REGION: "" } });
      expect(p.region).toBeUndefined();
      expect(p.regionOrigin).toBeUndefined();
    });

    it("the target's region, not the source's", () => {
      const p = plan(
        roleSection("r", ["source_profile = src"]) +
          `[profile ` +
          `src]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\nregion = ` +
          `ap-south-1\n`,
        "r",
      );
      expect(p.region).toBeUndefined();
      expect(p.regionOrigin).toBeUndefined();
    });
  },
);

describe("long chains and cycles (planned in a loop, not by recursion)", () => {
  const chain = (n: number, last: string) =>
    `${Array.from(
      { length: n },
      (_, i) =>
        `[profile c${i}]\nrole_arn = ${arn(`r${i}`)}\n` +
        `source_profile = ${i + 1 < n ? `c${i + 1}` : last}\n`,
    ).join("")}[profile base]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`;

  it(`a chain of MAX_ROLES roles plans; one more is a config error naming the bound`, () => {
    expect(plan(chain(MAX_ROLES, "base"), "c0").steps).toHaveLength(MAX_ROLES);
    expectAwsxError(
      () => plan(chain(MAX_ROLES + 1, "base"), "c0"),
      "E_CONFIG",
      /chains more than 64 roles/,
      /role 65 is profile "c64"/,
      /at most 64/,
    );
  });

  it("a 20,000-hop chain is a config error, not a stack overflow", () => {
    expectAwsxError(
      () => plan(chain(20_000, "base"), "c0"),
      "E_CONFIG",
      /^profile "c0" chains more than 64 roles through source_profile \(role 65 is profile "c64"\)/,
    );
  });

  it("a cycle of MAX_ROLES profiles is the CLI's infinite-loop error, naming the cycle", () => {
    const e = expectAwsxError(
      () => plan(chain(MAX_ROLES, "c0"), "c0"),
      "E_CONFIG",
      /Infinite loop/,
      /profile c0 which has already been visited/,
      /Visited profiles: c0 -> c1 -> /,
      /c62 -> c63; break the source_profile cycle/,
    );
    expect(e.message.length).toBeLessThan(2_000);
  });

  it("a 20,000-profile cycle stops at the bound, as a chain that long does", () => {
    expectAwsxError(() => plan(chain(20_000, "c0"), "c0"), "E_CONFIG", /more than 64 roles/);
  });
});

// Parity round 2, B: botocore keeps "key =" followed by indented "x = y" lines as a dict; the
// key counts as written (it chooses the provider) and then fails. awsx names it first.
describe("credential keys written as nested blocks", () => {
  const BLOCK = "\n  x = y";
  const NESTED = /is a nested block, not a value; write it on one line/;
  const fails = (config: string, profile: string, key: string, credentials = BASE_CREDS) => {
    const e = expectAwsxError(
      () => plan(config, profile, {}, credentials),
      "E_CONFIG",
      new RegExp(`^${key} in profile "`),
      NESTED,
    );
    expect(e.exitCode).toBe(78);
  };
  const keys = `aws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`;

  it("role_arn as a block with static keys is a role profile, and fails", () => {
    fails(`[profile p]\nrole_arn =${BLOCK}\n${keys}`, "p", "role_arn");
  });
  it("credential_process as a block with config-file keys fails", () => {
    fails(`[profile p]\ncredential_process =${BLOCK}\n${keys}`, "p", "credential_process");
  });
  it("web_identity_token_file as a block next to role_arn + source_profile fails", () => {
    fails(
      `[profile ` +
        `p]\nweb_identity_token_file =${BLOCK}\nrole_arn = ${arn("p")}\nsource_profile = base\n`,
      "p",
      "web_identity_token_file",
    );
  });
  it("every role key, source_profile and credential_source as a block fail", () => {
    for (const key of ["role_session_name", "external_id", "mfa_serial", "duration_seconds"])
      fails(roleSection("p", ["source_profile = base", `${key} =${BLOCK}`]), "p", key);
    fails(roleSection("p", [`source_profile =${BLOCK}`]), "p", "source_profile");
    fails(roleSection("p", [`credential_source =${BLOCK}`]), "p", "credential_source");
  });
  it("static keys and the chosen token as blocks fail, in either file", () => {
    fails(
      `[profile p]\naws_access_key_id =${BLOCK}\naws_secret_access_key = s\n`,
      "p",
      "aws_access_key_id",
    );
    fails(
      "",
      "p",
      "aws_secret_access_key",
      `[p]\naws_access_key_id = ${KEY2}\naws_secret_access_key =${BLOCK}\n`,
    );
    fails("", "base", "aws_session_token", `${BASE_CREDS}aws_session_token =${BLOCK}\n`);
  });
  it("sso_account_id as a block makes the profile SSO, and fails", () => {
    fails(`[profile p]\nsso_account_id =${BLOCK}\n${keys}`, "p", "sso_account_id");
  });
  it("a block on a source_profile hop names the target too", () => {
    const e = expectAwsxError(
      () =>
        plan(
          `${roleSection("r", ["source_profile = src"])}[profile src]\n` +
            `credential_process =${BLOCK}\n`,
          "r",
        ),
      "E_CONFIG",
      /credential_process in profile "src" .* in the source_profile chain of "r"/,
    );
    expect(e.exitCode).toBe(78);
  });
  it(
    "a block the CLI never reads is no error: credential_process under role_arn, " +
      "a token not chosen, s3",
    () => {
      const p = plan(
        roleSection("r", ["source_profile = base", `credential_process =${BLOCK}`]),
        "r",
        {},
        BASE_CREDS,
      );
      expect(p.steps).toEqual([role("r")]);
      const both = `${BASE_CREDS}aws_security_token = oldFAKE\naws_session_token =${BLOCK}\n`;
      expect(plan("", "base", {}, both).source).toEqual(
        staticCreds("base", { sessionToken: "oldFAKE" }),
      );
      expect(plan(`[profile base]\ns3 =${BLOCK}\n`, "base", {}, BASE_CREDS).source).toEqual(
        staticCreds("base"),
      );
    },
  );
  it(
    "the credentials file's value replaces the config file's block, " + "and the other way round",
    () => {
      const cfg = `[profile base]\ncredential_process =${BLOCK}\n`;
      expect(plan(cfg, "base", {}, `${BASE_CREDS}credential_process = x\n`).source).toEqual(
        staticCreds("base"),
      );
      fails(
        `[profile p]\nrole_arn = ${arn("p")}\n`,
        "p",
        "role_arn",
        `[p]\nrole_arn =${BLOCK}\n${BASE_CREDS.slice(7)}`,
      );
    },
  );
});
