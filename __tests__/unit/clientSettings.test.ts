// The client settings and the sso_session the AWS CLI checks whenever it creates a client
// (botocore 1.43.11: session.create_client, args.py, config.py, tokens.py), through
// buildPlan: each value here was run through `aws sts get-caller-identity` and the CLI
// refused (exit 255) or accepted it as listed.
import { loadConfig, type LoadedConfig } from "../../src/config/load.js";
import { buildPlan } from "../../src/plan/build.js";
import { AwsxError } from "../../src/errors.js";
import { joinRegExp } from "../helpers/regex.js";

const CFG = "/home/u/.aws/config";
const CREDS = "/home/u/.aws/credentials";
const KEYS = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = fakeSecret\n";

const load = (config: string, credentials = ""): LoadedConfig =>
  loadConfig({ configFile: CFG, credentialsFile: CREDS }, (p) =>
    p === CFG ? config : p === CREDS ? credentials : undefined,
  );

// A role profile over static keys, with extra lines in the role's section.
const roleConfig = (extra = "") =>
  `[profile base]\n${KEYS}[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/r\n` +
  `source_profile = base\n${extra}`;

const errorOf = (fn: () => unknown): AwsxError | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AwsxError) return e;
    throw e;
  }
  return undefined;
};

const viaEnv = (name: string, value: string) =>
  errorOf(() => buildPlan(load(roleConfig()), "dev", { env: { [name]: value } }));
const viaKey = (key: string, value: string) =>
  errorOf(() => buildPlan(load(roleConfig(`${key} = ${value}\n`)), "dev"));

// [variable, key, values the CLI refuses, values it accepts]
const TABLE: [string, string, string[], string[]][] = [
  [
    "AWS_RETRY_MODE",
    "retry_mode",
    ["bogus", "Standard", "ADAPTIVE"],
    ["legacy", "standard", "adaptive"],
  ],
  ["AWS_MAX_ATTEMPTS", "max_attempts", ["abc", "0", "-1", "2.5", "1__0"], ["1", "+2", "1_0", "99"]],
  [
    "AWS_DEFAULTS_MODE",
    "defaults_mode",
    ["bogus", "in_region"],
    ["legacy", "STANDARD", "auto", "in-region", "cross-region", "mobile"],
  ],
  [
    "AWS_REQUEST_CHECKSUM_CALCULATION",
    "request_checksum_calculation",
    ["bogus", "always"],
    ["when_supported", "WHEN_REQUIRED"],
  ],
  [
    "AWS_RESPONSE_CHECKSUM_VALIDATION",
    "response_checksum_validation",
    ["x"],
    ["When_Supported", "when_required"],
  ],
  [
    "AWS_ACCOUNT_ID_ENDPOINT_MODE",
    "account_id_endpoint_mode",
    ["x", "enabled"],
    ["preferred", "disabled", "Required"],
  ],
  [
    "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
    "request_min_compression_size_bytes",
    ["abc", "0", "1048577", "2.5"],
    ["1", "1048576", "1_0", "10240"],
  ],
  [
    "AWS_S3_DISABLE_EXPRESS_SESSION_AUTH",
    "s3_disable_express_session_auth",
    ["yes", "1"],
    ["true", "FALSE"],
  ],
];

describe("client settings the AWS CLI refuses for every command", () => {
  for (const [envName, key, bad, good] of TABLE) {
    it(`${envName} / ${key}: refused ${bad.join(" ")}; accepted ${good.join(" ")}`, () => {
      for (const v of bad) {
        for (const e of [viaEnv(envName, v), viaKey(key, v)]) {
          expect(e?.code).toBe("E_CONFIG");
          expect(e?.exitCode).toBe(78);
          expect(e?.message).toContain('profile "dev"');
        }
        expect(viaEnv(envName, v)?.message).toContain(`fix or unset ${envName}`);
        expect(viaKey(key, v)?.message).toContain(`fix or remove ${key}`);
        expect(viaKey(key, v)?.message).toContain(`${CFG} [profile dev]`);
      }
      for (const v of good) {
        expect(viaEnv(envName, v)).toBeUndefined();
        expect(viaKey(key, v)).toBeUndefined();
      }
    });
  }

  it("an empty variable is set, and refused where an empty value is", () => {
    for (const name of ["AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_DEFAULTS_MODE"]) {
      expect(viaEnv(name, "")?.code).toBe("E_CONFIG");
    }
  });

  it("the variable beats the profile's key, both ways", () => {
    const config = load(roleConfig("retry_mode = bogus\n"));
    expect(buildPlan(config, "dev", { env: { AWS_RETRY_MODE: "standard" } }).profile).toBe("dev");
    const bad = errorOf(() =>
      buildPlan(load(roleConfig("retry_mode = standard\n")), "dev", {
        env: { AWS_RETRY_MODE: "x" },
      }),
    );
    expect(bad?.message).toMatch(/^AWS_RETRY_MODE="x" \(profile "dev"\) is invalid/);
  });

  it("only the named profile is read: not [default], not the source profile", () => {
    const config = load(
      `[default]\nretry_mode = bogus\n[profile base]\n${KEYS}max_attempts = abc\n` +
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n",
    );
    expect(buildPlan(config, "dev").steps).toHaveLength(1);
    expect(errorOf(() => buildPlan(config, "base"))?.message).toContain("max_attempts");
  });

  it("a key in the credentials file counts (botocore merges it into the profile)", () => {
    const config = load(roleConfig(), "[dev]\nmax_attempts = abc\n");
    expect(errorOf(() => buildPlan(config, "dev"))?.message).toContain(`${CREDS} [dev]`);
  });

  it("a bad setting fails a profile without credentials first (the CLI signs last)", () => {
    const e = errorOf(() => buildPlan(load("[profile dev]\nretry_mode = x\n"), "dev"));
    expect(e?.code).toBe("E_CONFIG");
    const none = errorOf(() => buildPlan(load("[profile dev]\nregion = us-east-1\n"), "dev"));
    expect(none?.code).toBe("E_CREDENTIALS");
  });

  it("a credentials config error still comes first", () => {
    const config = load("[profile dev]\nrole_arn = arn:aws:iam::1:role/r\nretry_mode = x\n");
    expect(errorOf(() => buildPlan(config, "dev"))?.message).toMatch(/source_profile/);
  });

  it("csm_port is read only with client-side monitoring on", () => {
    expect(viaEnv("AWS_CSM_PORT", "abc")).toBeUndefined();
    const on = errorOf(() =>
      buildPlan(load(roleConfig("csm_enabled = TRUE\ncsm_port = 1x\n")), "dev"),
    );
    expect(on?.message).toContain("csm_port");
    const env = { AWS_CSM_ENABLED: "true", AWS_CSM_PORT: "31000" };
    expect(buildPlan(load(roleConfig()), "dev", { env }).profile).toBe("dev");
  });

  it("settings botocore never refuses stay ignored", () => {
    for (const [k, v] of [
      ["AWS_DISABLE_REQUEST_COMPRESSION", "bogus"],
      ["AWS_SIGV4A_SIGNING_REGION_SET", "bogus"],
      ["AWS_AUTH_SCHEME_PREFERENCE", "bogus"],
      ["AWS_ENDPOINT_DISCOVERY_ENABLED", "bogus"],
      ["BOTOCORE_TCP_KEEPALIVE", "bogus"],
      ["AWS_DISABLE_HOST_PREFIX_INJECTION", "bogus"],
    ] as const) {
      expect(viaEnv(k, v)).toBeUndefined();
    }
  });
});

describe("sso_session of the named profile (botocore's SSOTokenProvider)", () => {
  const withSso = (session: string) => load(`${session}[profile dev]\n${KEYS}sso_session = corp\n`);

  it("a missing or empty [sso-session] fails even a profile with static keys", () => {
    for (const section of ["", "[sso-session corp]\n", "[sso-session other]\nsso_region = x\n"]) {
      const e = errorOf(() => buildPlan(withSso(section), "dev"));
      expect(e?.code).toBe("E_CONFIG");
      expect(e?.message).toMatch(/"corp" sso_session configuration does not exist/);
      expect(e?.message).toContain('profile "dev"');
    }
  });

  it("the section it says to add is one the CLI reads back as that name", () => {
    for (const [name, header] of [
      ["", '[sso-session ""]'],
      ["my corp", "[sso-session 'my corp']"],
    ]) {
      const cfg = load(`[profile dev]\n${KEYS}sso_session = ${name}\n`);
      expect(errorOf(() => buildPlan(cfg, "dev"))?.message).toContain(`add ${header} with`);
    }
  });

  it("an sso-session without sso_start_url or sso_region fails", () => {
    const e = errorOf(() =>
      buildPlan(withSso("[sso-session corp]\nsso_region = us-east-1\n"), "dev"),
    );
    expect(e?.message).toMatch(/missing the following configuration: sso_start_url/);
    const ok = "[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://x/start\n";
    expect(buildPlan(withSso(ok), "dev").source.kind).toBe("static");
    // Present counts, empty or not (the CLI then uses the static keys).
    const blank = "[sso-session corp]\nsso_region =\nsso_start_url =\n";
    expect(buildPlan(withSso(blank), "dev").source.kind).toBe("static");
  });

  it("nested sso_region / sso_start_url: present for this check, refused where read", () => {
    // Checked against the CLI: it only tests the keys with `in` here (static keys are used),
    // and crashes on a nested sso_region when the SSO profile resolves its role.
    const nested = "[sso-session corp]\nsso_region =\n  x = y\nsso_start_url =\n  x = y\n";
    expect(buildPlan(withSso(nested), "dev").source.kind).toBe("static");
    const sso = load(
      `${nested}[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n` +
        "sso_role_name = r\n",
    );
    const e = errorOf(() => buildPlan(sso, "dev"));
    expect(e?.code).toBe("E_CONFIG");
    expect(e?.message).toMatch(
      joinRegExp(
        /^sso_start_url in \[sso-session corp\] \(\/home\/u\/\.aws\/config\) is /,
        /a nested block, not a value \(sso_session of profile "dev"\)/,
      ),
    );
  });

  it("a source profile's sso_session is not read when it is not an SSO profile", () => {
    const config = load(
      `[profile base]\n${KEYS}sso_session = nope\n` +
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n",
    );
    expect(buildPlan(config, "dev").steps).toHaveLength(1);
  });
});
