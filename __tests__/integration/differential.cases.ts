// The table for differential.test.ts: each case is a ~/.aws/config + ~/.aws/credentials pair
// (plus env and extra files) run through `aws --profile P sts get-caller-identity` and
// `awsx exec P -- aws sts get-caller-identity` against the same moto_server.
//
// Templates: {{alice.id}} {{alice.secret}} {{alice.arn}} (also bob, carol), {{role.NAME}}
// (deployer, auditor, hop2, hop3, long), {{home}} (the case's temp HOME), {{proc}} (node +
// the credential_process fixture, quoted for shlex), {{ecs}} {{ecsToken}} {{imds}}, and in
// an SSO case with endpointsInConfig {{sso.url}} (each side's fake IAM Identity Center).

import type { SsoSwitches } from "../helpers/fakeSso.js";
import { joinRegExp } from "../helpers/regex.js";

// What one side (or both) must end with.
export type Outcome =
  // Succeeds as this IAM user: alice, bob, carol, or dave (the keys the metadata fakes serve).
  | { user: string }
  // Succeeds as an assumed role; `session` set: the full ARN must end in /<session>,
  // otherwise each side's default session name (botocore-session-* / awsx-*).
  | { role: string; session?: string }
  // Fails. awsx: exit `fail` with one "awsx: " line naming the profile (matching `awsx` when
  // given; naming that file instead when `names` is set, for parse errors); the CLI: non-zero
  // exit, stderr matching `cli` when given.
  | { fail: number; cli?: RegExp; awsx?: RegExp; names?: "config" | "credentials" };

export interface DiffCase {
  name: string;
  profile: string;
  config?: string;
  credentials?: string;
  // Extra files, relative to the temp HOME (templated).
  files?: Record<string, string>;
  // Extra directories, relative to the temp HOME.
  dirs?: string[];
  // Merged over home.env({AWS_ENDPOINT_URL_STS, AWS_DEFAULT_REGION}) for
  // both runs; undefined deletes.
  env?: Record<string, string | undefined>;
  // Extra `awsx exec` flags, before "--".
  awsxArgs?: string[];
  // awsx's child is `aws sts get-caller-identity` (slow: Python) instead of `env`, whose
  // keys the test then sends to GetCallerIdentity itself.
  childAws?: boolean;
  // The CLI prompts for an MFA code on /dev/tty: run it under script(1) and type this code.
  cliMfaCode?: string;
  // What both sides must do; for a known difference, what awsx must do.
  expect: Outcome;
  // Each side ran the credential_process fixture this many times (its run counter).
  procRuns?: number;
  // awsx knowingly differs from the CLI here (docs/config.md): why, and what the CLI does.
  expectDifference?: string;
  cliExpect?: Outcome;
  comment?: string;
  // IAM Identity Center (the fake portal and OIDC, differential.test.ts): a token minted for
  // each side in turn is written where `aws sso login` leaves it, and both sides must make
  // exactly these calls to the fake, in this order.
  sso?: SsoSetup;
}

export interface SsoSetup {
  // The sso-session name, or the start URL of a legacy profile: sha1 of it names the file.
  tokenFor: string;
  // valid: an hour left; expiring: 10 minutes (inside the 15-minute refresh window);
  // expired: a minute ago, the access token dead at the portal too. Absent: no token file.
  token?: "valid" | "expiring" | "expired";
  // false: the token the legacy login leaves (no refresh token, no client registration).
  refresh?: boolean;
  // How the file writes its times: botocore's own form (default), the `...T18:00:00UTC` of its
  // and the CLI v2's fixtures, or with no zone at all.
  timeForm?: "utc-suffix" | "no-zone";
  switches?: Pick<
    SsoSwitches,
    "invalidGrantOnRefresh" | "unauthorized" | "refreshAnswerWithout" | "serverError"
  >;
  // The SSO endpoints are written in the config (its {{sso.url}}, the side's fake) instead of
  // AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC.
  endpointsInConfig?: boolean;
  calls: string[];
}

// Exit codes of awsx (src/errors.ts).
const EXIT = { config: 78, profileNotFound: 67, credentials: 79, mfa: 66, sts: 77 } as const;

// Strip the common indentation of a template literal (indented lines would be continuation lines).
function ini(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce(
    (acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ""),
    "",
  );
  const lines = raw
    .replace(/^\n/, "")
    .replace(/\n[ \t]*$/, "\n")
    .split("\n");
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n");
}

const ALICE_KEYS = ini`
  aws_access_key_id = {{alice.id}}
  aws_secret_access_key = {{alice.secret}}
`;
const aliceCreds = (section: string): string => `[${section}]\n${ALICE_KEYS}`;
const BASE = aliceCreds("base");

const MFA_CODE = "987123";
const MFA_SERIAL = "arn:aws:iam::123456789012:mfa/diff-alice";

const PROFILE_NOT_FOUND = /The config profile \(.*\) could not be found/;
const NO_CREDENTIALS = /Unable to locate credentials/;

export const cases: DiffCase[] = [
  // ---- files, sections and syntax -------------------------------------------------
  {
    name: "static keys in the credentials file",
    childAws: true,
    profile: "dev",
    credentials: aliceCreds("dev"),
    expect: { user: "alice" },
  },
  {
    name: "static keys in the config file",
    profile: "dev",
    config: `[profile dev]\n${ALICE_KEYS}`,
    expect: { user: "alice" },
  },
  {
    name: "same profile in both files: the credentials file's keys win",
    profile: "dev",
    config: ini`
      [profile dev]
      aws_access_key_id = {{bob.id}}
      aws_secret_access_key = {{bob.secret}}
    `,
    credentials: aliceCreds("dev"),
    expect: { user: "alice" },
  },
  {
    name:
      "same profile in both files merged key by key (role_arn in config, " +
      "source_profile in credentials)",
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\n",
    credentials: `[ops]\nsource_profile = base\n\n${BASE}`,
    expect: { role: "deployer" },
  },
  {
    name: "role_arn in both files: the credentials file wins",
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n",
    credentials: `[ops]\nrole_arn = {{role.auditor}}\n\n${BASE}`,
    expect: { role: "auditor" },
  },
  {
    name: "static keys split across the files are partial credentials",
    profile: "dev",
    config: "[profile dev]\naws_access_key_id = {{alice.id}}\n",
    credentials: "[dev]\naws_secret_access_key = {{alice.secret}}\n",
    expect: { fail: EXIT.config, cli: /Partial credentials found in config-file/ },
  },
  {
    name: 'quoted profile name with a space: [profile "ops prod"]',
    profile: "ops prod",
    config: '[profile "ops prod"]\nrole_arn = {{role.deployer}}\nsource_profile = base\n',
    credentials: BASE,
    expect: { role: "deployer" },
  },
  {
    name: "[profile a b] names no profile",
    profile: "a b",
    config: `[profile a b]\n${ALICE_KEYS}`,
    expect: { fail: EXIT.profileNotFound, cli: PROFILE_NOT_FOUND },
  },
  {
    name: "a bare [name] in the config file is not a profile",
    profile: "dev",
    config: aliceCreds("dev"),
    expect: { fail: EXIT.profileNotFound, cli: PROFILE_NOT_FOUND },
  },
  {
    name: "extra spaces in the section header",
    profile: "dev",
    config: `[profile    dev  ]\n${ALICE_KEYS}`,
    expect: { user: "alice" },
  },
  {
    name: "[profilex dev] names dev (the CLI only checks the prefix, then splits in two)",
    profile: "dev",
    config: `[profilex dev]\n${ALICE_KEYS}`,
    expect: { user: "alice" },
  },
  {
    name: "upper-case keys",
    profile: "dev",
    credentials:
      "[dev]\nAWS_ACCESS_KEY_ID = {{alice.id}}\nAws_Secret_Access_Key = {{alice.secret}}\n",
    expect: { user: "alice" },
  },
  {
    name: "# and ; comment lines, blank lines, no spaces around =",
    profile: "dev",
    credentials: ini`
      # a comment
      ; another comment
      [dev]
      # aws_access_key_id = {{bob.id}}
      aws_access_key_id={{alice.id}}

        ; indented comment
      aws_secret_access_key={{alice.secret}}
    `,
    expect: { user: "alice" },
  },
  {
    name: "':' as the key/value delimiter",
    profile: "dev",
    credentials:
      "[dev]\naws_access_key_id: {{alice.id}}\naws_secret_access_key : {{alice.secret}}\n",
    expect: { user: "alice" },
  },
  {
    name: "inline # comment on source_profile is part of the value",
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base # my keys\n",
    credentials: BASE,
    expect: { fail: EXIT.config, cli: /source_profile "base # my keys".*does not exist/ },
  },
  {
    name: "inline # comment on region is harmless when AWS_DEFAULT_REGION is set",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n" +
      "region = us-east-1 # N. Virginia\n",
    credentials: BASE,
    expect: { role: "deployer" },
  },
  {
    name: "inline # comment on region, no region in the env: an invalid region",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n" +
      "region = us-east-1 # N. Virginia\n",
    credentials: BASE,
    env: { AWS_DEFAULT_REGION: undefined },
    expect: {
      fail: EXIT.config,
      cli: /region_name 'us-east-1 # N\. Virginia' doesn't match a supported format/,
    },
    comment: "a bad region in the config is a configuration error (78), not an answer from STS",
  },
  {
    name: "[default] in the config file",
    profile: "default",
    config: `[default]\n${ALICE_KEYS}`,
    expect: { user: "alice" },
  },
  {
    name: "[profile default] in the config file",
    profile: "default",
    config: `[profile default]\n${ALICE_KEYS}`,
    expect: { user: "alice" },
  },
  {
    name: "[profile default] then [default]: the later section wins whole",
    profile: "default",
    config: ini`
      [profile default]
      aws_access_key_id = {{bob.id}}
      aws_secret_access_key = {{bob.secret}}
      [default]
      aws_access_key_id = {{alice.id}}
      aws_secret_access_key = {{alice.secret}}
    `,
    expect: { user: "alice" },
  },
  {
    name: "named profiles do not inherit from [default]",
    profile: "dev",
    config: `[default]\n${ALICE_KEYS}\n[profile dev]\nregion = us-east-1\n`,
    expect: { fail: EXIT.credentials, cli: NO_CREDENTIALS },
  },
  {
    name: "AWS_PROFILE / AWS_DEFAULT_PROFILE in the env do not override the explicit profile",
    childAws: true,
    profile: "dev",
    credentials:
      `${aliceCreds("dev")}\n[other]\naws_access_key_id = {{bob.id}}\n` +
      `aws_secret_access_key = {{bob.secret}}\n`,
    env: { AWS_PROFILE: "other", AWS_DEFAULT_PROFILE: "other" },
    expect: { user: "alice" },
  },
  {
    name: "AWS_CONFIG_FILE pointing elsewhere",
    profile: "dev",
    config:
      "[profile dev]\naws_access_key_id = {{bob.id}}\naws_secret_access_key = {{bob.secret}}\n",
    files: { "elsewhere/config": `[profile dev]\n${ALICE_KEYS}` },
    env: { AWS_CONFIG_FILE: "{{home}}/elsewhere/config" },
    expect: { user: "alice" },
  },
  {
    name: "AWS_SHARED_CREDENTIALS_FILE pointing elsewhere",
    profile: "dev",
    credentials: "[dev]\naws_access_key_id = {{bob.id}}\naws_secret_access_key = {{bob.secret}}\n",
    files: { "elsewhere/credentials": aliceCreds("dev") },
    env: { AWS_SHARED_CREDENTIALS_FILE: "{{home}}/elsewhere/credentials" },
    expect: { user: "alice" },
  },
  {
    name: "AWS_CONFIG_FILE with ~",
    profile: "dev",
    files: { "elsewhere/config": `[profile dev]\n${ALICE_KEYS}` },
    env: { AWS_CONFIG_FILE: "~/elsewhere/config" },
    expect: { user: "alice" },
  },
  {
    name: "AWS_SHARED_CREDENTIALS_FILE with $HOME (the CLI expands variables in both paths)",
    profile: "dev",
    files: { "elsewhere/credentials": aliceCreds("dev") },
    env: { AWS_SHARED_CREDENTIALS_FILE: "$HOME/elsewhere/credentials" },
    expect: { user: "alice" },
  },
  {
    name: "AWS_CONFIG_FILE with ${HOME}",
    profile: "ops",
    credentials: BASE,
    files: {
      "elsewhere/config": "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n",
    },
    env: { AWS_CONFIG_FILE: "${HOME}/elsewhere/config" },
    expect: { role: "deployer" },
  },
  {
    name: "a config file that is a directory reads as empty",
    profile: "dev",
    credentials: aliceCreds("dev"),
    dirs: ["cfgdir"],
    env: { AWS_CONFIG_FILE: "{{home}}/cfgdir" },
    expect: { user: "alice" },
  },
  {
    name: "a missing config file reads as empty",
    profile: "dev",
    credentials: aliceCreds("dev"),
    env: { AWS_CONFIG_FILE: "{{home}}/no-such-config" },
    expect: { user: "alice" },
  },
  {
    name: "an unparsable config file (a line before any section)",
    profile: "dev",
    config: `region = us-east-1\n[profile dev]\n${ALICE_KEYS}`,
    expect: { fail: EXIT.config, cli: /Unable to parse config file/, names: "config" },
  },
  {
    name: "an unparsable credentials file (a line that is not key = value)",
    profile: "dev",
    credentials: `[dev]\n${ALICE_KEYS}this line has no delimiter\n`,
    expect: { fail: EXIT.config, cli: /Unable to parse config file/, names: "credentials" },
  },
  {
    name: "a duplicate section is a parse error",
    profile: "dev",
    config: `[profile dev]\n${ALICE_KEYS}\n[profile dev]\nregion = us-east-1\n`,
    expect: { fail: EXIT.config, cli: /Unable to parse config file/, names: "config" },
  },
  {
    name: "a duplicate key is a parse error",
    profile: "dev",
    credentials: `[dev]\n${ALICE_KEYS}aws_access_key_id = {{bob.id}}\n`,
    expect: { fail: EXIT.config, cli: /Unable to parse config file/, names: "credentials" },
  },
  {
    name: "a UTF-8 byte-order mark before the first section is a parse error",
    profile: "dev",
    config: `\ufeff[profile dev]\n${ALICE_KEYS}`,
    expect: { fail: EXIT.config, cli: /Unable to parse config file/, names: "config" },
    comment: "configparser reads the BOM as text, so the first line is no section header",
  },
  {
    name: "[ profile dev] (space after the bracket) is not a profile",
    profile: "dev",
    config: `[ profile dev]\n${ALICE_KEYS}`,
    expect: { fail: EXIT.profileNotFound, cli: PROFILE_NOT_FOUND },
  },
  {
    name: "static keys with a session token",
    profile: "dev",
    credentials: `${aliceCreds("dev")}aws_session_token = FAKE-SESSION-TOKEN-FOR-TEST\n`,
    expect: { user: "alice" },
    comment: "moto identifies the caller by access key id and ignores the token",
  },
  {
    name: "partial static keys in the credentials file",
    profile: "dev",
    credentials: "[dev]\naws_access_key_id = {{alice.id}}\n",
    expect: {
      fail: EXIT.config,
      cli: /Partial credentials found in shared-credentials-file, missing: aws_secret_access_key/,
    },
  },
  {
    name: "partial static keys in the config file",
    profile: "dev",
    config: "[profile dev]\naws_access_key_id = {{alice.id}}\n",
    expect: {
      fail: EXIT.config,
      cli: /Partial credentials found in config-file, missing: aws_secret_access_key/,
    },
  },
  {
    name: "a secret key without an access key id is no credentials",
    profile: "dev",
    credentials: "[dev]\naws_secret_access_key = {{alice.secret}}\n",
    expect: { fail: EXIT.credentials, cli: NO_CREDENTIALS },
  },
  {
    name: "a profile with no credentials at all",
    profile: "dev",
    config: "[profile dev]\nregion = us-east-1\n",
    expect: { fail: EXIT.credentials, cli: NO_CREDENTIALS },
  },
  {
    name: "a profile that does not exist",
    profile: "nope",
    credentials: BASE,
    expect: { fail: EXIT.profileNotFound, cli: PROFILE_NOT_FOUND },
  },
  {
    name: 'an empty profile name, with a [profile ""] section',
    profile: "",
    config: `[profile ""]\n${ALICE_KEYS}`,
    credentials:
      "[default]\naws_access_key_id = {{bob.id}}\naws_secret_access_key = {{bob.secret}}\n",
    expectDifference:
      '`--profile ""` is no profile to the CLI, which uses [default]; awsx refuses an empty ' +
      'name (an unset variable?) even when [profile ""] exists, which neither side would run',
    cliExpect: { user: "bob" },
    expect: { fail: EXIT.profileNotFound, awsx: /the profile name is empty/ },
  },

  // ---- roles and source_profile chains --------------------------------------------
  {
    name: "role from a source profile",
    childAws: true,
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n",
    credentials: BASE,
    expect: { role: "deployer" },
  },
  {
    name: "source_profile = default",
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = default\n",
    credentials: aliceCreds("default"),
    expect: { role: "deployer" },
  },
  {
    name: "chain of 2 hops",
    profile: "b",
    config: ini`
      [profile a]
      role_arn = {{role.deployer}}
      source_profile = base
      [profile b]
      role_arn = {{role.hop2}}
      source_profile = a
    `,
    credentials: BASE,
    expect: { role: "hop2" },
  },
  {
    name: "chain of 3 hops",
    childAws: true,
    profile: "c",
    config: ini`
      [profile a]
      role_arn = {{role.deployer}}
      source_profile = base
      [profile b]
      role_arn = {{role.hop2}}
      source_profile = a
      [profile c]
      role_arn = {{role.hop3}}
      source_profile = b
    `,
    credentials: BASE,
    expect: { role: "hop3" },
  },
  {
    name: "on a source hop, static keys win over that profile's own role_arn",
    profile: "ops",
    config: ini`
      [profile ops]
      role_arn = {{role.deployer}}
      source_profile = src
      [profile src]
      role_arn = {{role.auditor}}
      source_profile = no-such-profile
    `,
    credentials: aliceCreds("src"),
    expect: { role: "deployer" },
    comment: "src's role (with its missing source) would fail if it were followed",
  },
  {
    name: "self-reference with static keys: the keys are the source",
    profile: "self",
    config: "[profile self]\nrole_arn = {{role.deployer}}\nsource_profile = self\n",
    credentials: aliceCreds("self"),
    expect: { role: "deployer" },
  },
  {
    name: "self-reference without static keys is a loop",
    profile: "self",
    config: "[profile self]\nrole_arn = {{role.deployer}}\nsource_profile = self\n",
    expect: { fail: EXIT.config, cli: /Infinite loop in credential configuration detected/ },
  },
  {
    name: "a cycle A -> B -> A",
    profile: "a",
    config: ini`
      [profile a]
      role_arn = {{role.deployer}}
      source_profile = b
      [profile b]
      role_arn = {{role.auditor}}
      source_profile = a
    `,
    expect: {
      fail: EXIT.config,
      cli: /Infinite loop in credential configuration detected/,
      awsx: /a -> b/,
    },
  },
  {
    name: "a missing source_profile",
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = ghost\n",
    expect: {
      fail: EXIT.config,
      cli: /The source_profile "ghost" referenced in the profile "ops" does not exist/,
    },
  },
  {
    name: "a source profile without credentials",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = empty\n[profile empty]\n" +
      "region = us-east-1\n",
    expect: { fail: EXIT.config, cli: /The source profile "empty" must have credentials/ },
  },
  {
    name: "role_arn with neither source_profile nor credential_source",
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\n",
    expect: {
      fail: EXIT.config,
      cli: /Partial credentials found in assume-role, missing: source_profile or credential_source/,
    },
  },
  {
    name: "both source_profile and credential_source",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n" +
      "credential_source = Environment\n",
    credentials: BASE,
    expect: { fail: EXIT.config, cli: /contains both source_profile and credential_source/ },
  },
  {
    name: "an unknown credential_source",
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\ncredential_source = Foo\n",
    expect: {
      fail: EXIT.config,
      cli: /The credential source "Foo" referenced in profile "ops" is not valid/,
    },
  },
  {
    name: "credential_source = Environment",
    childAws: true,
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\ncredential_source = Environment\n",
    env: { AWS_ACCESS_KEY_ID: "{{carol.id}}", AWS_SECRET_ACCESS_KEY: "{{carol.secret}}" },
    expect: { role: "deployer" },
  },
  {
    name: "credential_source = Environment with no keys in the env",
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\ncredential_source = Environment\n",
    expect: {
      fail: EXIT.credentials,
      cli: /No credentials found in credential_source referenced in profile ops/,
    },
  },
  {
    name: "credential_source = EcsContainer (loopback full URI with an authorization token)",
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\ncredential_source = EcsContainer\n",
    env: {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "{{ecs}}",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "{{ecsToken}}",
    },
    expect: { role: "deployer" },
  },
  {
    name: "credential_source = EcsContainer with a wrong authorization token",
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\ncredential_source = EcsContainer\n",
    env: {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "{{ecs}}",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "wrong-token",
    },
    expect: { fail: EXIT.credentials, cli: /container-role|container metadata|401/i },
  },
  {
    name: "credential_source = Ec2InstanceMetadata (loopback IMDSv2)",
    childAws: true,
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\ncredential_source = Ec2InstanceMetadata\n",
    // Never 169.254.169.254: the endpoint is the loopback fake. The 1 s default timeout would
    // let a busy machine turn a slow token PUT into an IMDSv1 fallback (401) on either side.
    env: {
      AWS_EC2_METADATA_DISABLED: "false",
      AWS_EC2_METADATA_SERVICE_ENDPOINT: "{{imds}}/",
      AWS_METADATA_SERVICE_TIMEOUT: "10",
    },
    expect: { role: "deployer" },
  },

  // ---- credential_process ---------------------------------------------------------
  {
    name: "credential_process as the profile's credentials",
    profile: "dev",
    config: "[profile dev]\ncredential_process = {{proc}} v1 {{alice.id}} {{alice.secret}}\n",
    expect: { user: "alice" },
  },
  {
    name: "credential_process with an Expiration",
    profile: "dev",
    config: "[profile dev]\ncredential_process = {{proc}} v1-exp {{alice.id}} {{alice.secret}}\n",
    expect: { user: "alice" },
  },
  {
    name: "credential_process as the source of a role",
    childAws: true,
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = src\n[profile src]\n" +
      "credential_process = {{proc}} v1 {{alice.id}} {{alice.secret}}\n",
    expect: { role: "deployer" },
  },
  {
    name: "static keys in the credentials file win over credential_process",
    profile: "dev",
    config: "[profile dev]\ncredential_process = {{proc}} v1 {{bob.id}} {{bob.secret}}\n",
    credentials: aliceCreds("dev"),
    expect: { user: "alice" },
  },
  {
    name: "credential_process wins over static keys in the config file",
    profile: "dev",
    config:
      `[profile dev]\ncredential_process = {{proc}} v1 {{alice.id}} {{alice.secret}}\n` +
      `aws_access_key_id = {{bob.id}}\naws_secret_access_key = {{bob.secret}}\n`,
    expect: { user: "alice" },
  },
  {
    name: "credential_process exits 1",
    profile: "dev",
    config: "[profile dev]\ncredential_process = {{proc}} fail x y\n",
    expect: { fail: EXIT.credentials, cli: /refusing on purpose/ },
  },
  {
    name: "credential_process prints bad JSON",
    profile: "dev",
    config: "[profile dev]\ncredential_process = {{proc}} badjson x y\n",
    expect: { fail: EXIT.credentials, cli: /Expecting value|JSON/i },
  },
  {
    name: "credential_process prints Version 2",
    profile: "dev",
    config: "[profile dev]\ncredential_process = {{proc}} v2 {{alice.id}} {{alice.secret}}\n",
    expect: { fail: EXIT.credentials, cli: /Unsupported version '2'/ },
  },
  {
    name: "credential_process without SecretAccessKey",
    profile: "dev",
    config: "[profile dev]\ncredential_process = {{proc}} nosecret {{alice.id}} x\n",
    expect: { fail: EXIT.credentials, cli: /Missing required key in response: 'SecretAccessKey'/ },
  },
  {
    name: "credential_process with an expired Expiration",
    profile: "dev",
    config: "[profile dev]\ncredential_process = {{proc}} expired {{alice.id}} {{alice.secret}}\n",
    expect: { fail: EXIT.credentials, cli: /expired/i },
    procRuns: 2,
  },
  // The CLI's RefreshableCredentials: keys within 15 minutes of their Expiration run the
  // process once more (the fixture's modes, one per run); a failed second run fails within 10.
  ...[
    ["expired, then fresh: the second run's keys serve", "expired,v1-exp", { user: "alice" }],
    ["12 minutes left, second run fails: the first keys serve", "exp12m,fail", { user: "alice" }],
    ["20 minutes left, second run would fail: one run", "exp20m,fail", { user: "alice" }],
    ["5 minutes left, second run fails", "exp5m,fail", { fail: EXIT.credentials, cli: /refusing/ }],
    ["5 minutes left twice: the second keys serve", "exp5m", { user: "alice" }],
  ].map(([what, modes, expect]) => ({
    name: `credential_process ${what}`,
    profile: "dev",
    config: `[profile dev]\ncredential_process = {{proc}} ${modes} {{alice.id}} {{alice.secret}}\n`,
    expect: expect as Outcome,
    procRuns: (modes as string).startsWith("exp20m") ? 1 : 2,
  })),
  {
    name: "credential_process source of a role, 5 minutes left, second run fails",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = src\n" +
      "[profile src]\ncredential_process = {{proc}} exp5m,fail {{alice.id}} {{alice.secret}}\n",
    expect: { fail: EXIT.credentials, cli: /refusing/ },
    procRuns: 2,
  },

  // ---- web identity ---------------------------------------------------------------
  {
    name: "role_arn + web_identity_token_file",
    childAws: true,
    profile: "wi",
    config:
      "[profile wi]\nrole_arn = {{role.deployer}}\nweb_identity_token_file = {{home}}/token.jwt\n",
    files: { "token.jwt": "header.payload.signature\n" },
    expect: { role: "deployer" },
  },
  {
    name: "web identity with role_session_name",
    profile: "wi",
    config:
      "[profile wi]\nrole_arn = {{role.deployer}}\nweb_identity_token_file = {{home}}/token.jwt\n" +
      "role_session_name = ci-job-42\n",
    files: { "token.jwt": "header.payload.signature\n" },
    expect: { role: "deployer", session: "ci-job-42" },
  },
  {
    name: "web identity wins over static keys in the same profile",
    profile: "wi",
    config:
      "[profile wi]\nrole_arn = {{role.deployer}}\nweb_identity_token_file = {{home}}/token.jwt\n",
    credentials: aliceCreds("wi"),
    files: { "token.jwt": "header.payload.signature\n" },
    expect: { role: "deployer" },
  },
  {
    name: "web_identity_token_file that does not exist",
    profile: "wi",
    config:
      "[profile wi]\nrole_arn = {{role.deployer}}\n" +
      "web_identity_token_file = {{home}}/missing.jwt\n",
    expect: { fail: EXIT.credentials, cli: /No such file|missing\.jwt/ },
  },

  // ---- AssumeRole parameters ------------------------------------------------------
  {
    name: "duration_seconds = 3600",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n" +
      "duration_seconds = 3600\n",
    credentials: BASE,
    expect: { role: "deployer" },
  },
  {
    name: "duration_seconds under 900",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n" +
      "duration_seconds = 100\n",
    credentials: BASE,
    expect: {
      fail: EXIT.config,
      cli: /DurationSeconds, value: 100, valid min value: 900/,
      awsx: /outside 900-43200/,
    },
    comment: "the CLI's parameter validation catches it before STS, as awsx does",
  },
  {
    name: "role_session_name of one character",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\nrole_session_name = x\n",
    credentials: BASE,
    expect: { fail: EXIT.config, cli: /RoleSessionName, value: 1, valid min length: 2/ },
  },
  {
    name: "role_session_name of 65 characters",
    profile: "ops",
    config:
      `[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n` +
      `role_session_name = ${"s".repeat(65)}\n`,
    credentials: BASE,
    // No client-side maximum in the CLI: moto refuses it (as AWS does).
    expect: {
      fail: EXIT.config,
      cli: joinRegExp(
        /roleSessionName' failed to satisfy constraint: Member must have length /,
        /less than or\s+equal to 64/,
      ),
    },
  },
  {
    name: "external_id",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n" +
      "external_id = partner-4711\n",
    credentials: BASE,
    expect: { role: "deployer" },
  },
  {
    name: "role_session_name",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n" +
      "role_session_name = alice@example.com\n",
    credentials: BASE,
    expect: { role: "deployer", session: "alice@example.com" },
  },
  {
    name: "mfa_serial, code from AWSX_MFA_TOKEN (the CLI's code typed at its prompt)",
    childAws: true,
    profile: "ops",
    config:
      `[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n` +
      `mfa_serial = ${MFA_SERIAL}\n`,
    credentials: BASE,
    env: { AWSX_MFA_TOKEN: MFA_CODE },
    cliMfaCode: MFA_CODE,
    expect: { role: "deployer" },
    comment: "moto does not check MFA codes: this compares the plumbing, not the check",
  },
  {
    name: "mfa_serial with role_session_name, code from --mfa-token",
    profile: "ops",
    config:
      `[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n` +
      `mfa_serial = ${MFA_SERIAL}\nrole_session_name = mfa-sess\n`,
    credentials: BASE,
    awsxArgs: ["--mfa-token", MFA_CODE],
    cliMfaCode: MFA_CODE,
    expect: { role: "deployer", session: "mfa-sess" },
  },
  {
    name: "mfa_serial with no code and no terminal",
    profile: "ops",
    config:
      `[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n` +
      `mfa_serial = ${MFA_SERIAL}\n`,
    credentials: BASE,
    expect: { fail: EXIT.mfa, cli: /EOF|Enter MFA code/ },
  },

  // ---- known differences (docs/config.md) -----------------------------------------
  {
    name: "duration_seconds that is not an integer",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\nduration_seconds = 1h\n",
    credentials: BASE,
    expectDifference: "the CLI silently ignores a non-integer duration_seconds; awsx rejects it",
    cliExpect: { role: "deployer" },
    expect: { fail: EXIT.config, awsx: /duration_seconds = 1h .* not a whole number/ },
  },
  {
    name: "duration_seconds over 43200",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.long}}\nsource_profile = base\nduration_seconds = 50000\n",
    credentials: BASE,
    expectDifference:
      "awsx checks 900-43200 before calling STS (AWS would refuse it); " +
      "the CLI sends it and moto does not check",
    cliExpect: { role: "long" },
    expect: { fail: EXIT.config, awsx: /outside 900-43200/ },
  },
  {
    name: "chained role with duration_seconds over one hour",
    profile: "b",
    config: ini`
      [profile a]
      role_arn = {{role.deployer}}
      source_profile = base
      [profile b]
      role_arn = {{role.long}}
      source_profile = a
      duration_seconds = 7200
    `,
    credentials: BASE,
    expectDifference:
      "AWS caps chained roles at 1 hour; awsx says so before STS, moto does not enforce the cap",
    cliExpect: { role: "long" },
    expect: { fail: EXIT.config, awsx: /role chaining/ },
  },
  {
    name: "invalid role_session_name",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n" +
      "role_session_name = not valid!\n",
    credentials: BASE,
    expectDifference:
      "awsx validates [\\w+=,.@-]{2,64} before STS; moto accepts any name, so the CLI succeeds",
    cliExpect: { role: "deployer", session: "not valid!" },
    expect: { fail: EXIT.config, awsx: /role_session_name "not valid!" .* is invalid/ },
  },
  {
    name: "inline # comment on role_session_name makes the name invalid",
    profile: "ops",
    config:
      "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n" +
      "role_session_name = deploy # who\n",
    credentials: BASE,
    expectDifference:
      "the comment is part of the value (both agree), which makes the name invalid: " +
      "awsx rejects it, moto accepts it",
    cliExpect: { role: "deployer", session: "deploy # who" },
    expect: { fail: EXIT.config, awsx: /role_session_name "deploy # who"/ },
  },
  {
    name: "a profile without credentials, container credentials in the env",
    profile: "dev",
    config: "[profile dev]\nregion = us-east-1\n",
    env: {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "{{ecs}}",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "{{ecsToken}}",
    },
    expectDifference:
      "the CLI falls through to the rest of its chain (container credentials); awsx does not",
    cliExpect: { user: "dave" },
    expect: { fail: EXIT.credentials, awsx: /Unable to locate credentials/ },
  },
  {
    name: "AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE with a profile without credentials",
    profile: "dev",
    config: "[profile dev]\nregion = us-east-1\n",
    files: { "token.jwt": "header.payload.signature\n" },
    env: { AWS_ROLE_ARN: "{{role.deployer}}", AWS_WEB_IDENTITY_TOKEN_FILE: "{{home}}/token.jwt" },
    expectDifference:
      "`aws --profile P` ignores the web identity env vars; " +
      "awsx uses them for a profile with no credentials",
    cliExpect: { fail: EXIT.credentials, cli: NO_CREDENTIALS },
    expect: { role: "deployer" },
  },

  // Parity round 2, B: empty static keys, credential_process output, Expiration, nested keys.
  // The CLI signs with an empty key and moto answers anyone (its default user), so these
  // differences check awsx's side only; real STS refuses the CLI's request.
  {
    name: "B: empty aws_access_key_id, [default] holding other keys",
    profile: "dev",
    credentials: `${aliceCreds("default")}[dev]\naws_access_key_id =\naws_secret_access_key = x\n`,
    expectDifference: "the CLI signs with an empty key (STS refuses it); awsx fails first",
    expect: {
      fail: EXIT.config,
      awsx: /aws_access_key_id is empty in profile "dev" \(.*credentials \[dev\]\)/,
    },
  },
  {
    name: "B: empty aws_secret_access_key in the config file",
    profile: "dev",
    config: "[profile dev]\naws_access_key_id = {{bob.id}}\naws_secret_access_key =\n",
    expectDifference: "the CLI signs with an empty secret (STS refuses it); awsx fails first",
    expect: {
      fail: EXIT.config,
      awsx: /aws_secret_access_key is empty in profile "dev" \(.*config \[profile dev\]\)/,
    },
  },
  {
    name: "B: empty key on a source_profile hop",
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n",
    credentials: "[base]\naws_access_key_id =\naws_secret_access_key = {{alice.secret}}\n",
    expectDifference: "the CLI calls AssumeRole signed with an empty key; awsx fails first",
    expect: { fail: EXIT.config, awsx: /aws_access_key_id is empty in profile "base"/ },
  },
  {
    name: "B: an empty aws_session_token is no token",
    profile: "dev",
    credentials: `${aliceCreds("dev")}aws_session_token =\n`,
    expect: { user: "alice" },
  },
  {
    name: "B: credential_source = Environment with an empty secret",
    profile: "ops",
    config: "[profile ops]\nrole_arn = {{role.deployer}}\ncredential_source = Environment\n",
    env: { AWS_ACCESS_KEY_ID: "{{alice.id}}", AWS_SECRET_ACCESS_KEY: "" },
    expect: { fail: EXIT.credentials, cli: /Partial credentials found in env/ },
  },

  ...processOutputCases(),
  ...nestedKeyCases(),

  // ---- IAM Identity Center (SSO) ---------------------------------------------------
  ...ssoCases(),

  // Parity round 2, A: an empty role_session_name is the default name; values shorter than
  // the STS model's minimum fail before any request (the CLI's ParamValidator); duration_seconds
  // read as Python's int().
  ...parityRound2A(),

  // Parity round 2, C: client settings and the named profile's sso_session, checked by the
  // CLI whenever it creates a client (before any request), and empty file variables.
  ...clientSettingCases(),
];

// A hoisted function with its helpers inside: `cases` above calls it while the module loads.
function parityRound2A(): DiffCase[] {
  // The role profile "ops" (source: alice's keys) with these extra lines.
  const opsWith = (lines: string): string =>
    `[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n${lines}`;
  // The web identity profile "wi" (token in {{home}}/token.jwt) with this role ARN and extra lines.
  const wiWith = (lines: string, roleArn = "{{role.deployer}}"): string =>
    `[profile wi]\nrole_arn = ${roleArn}\nweb_identity_token_file = {{home}}/token.jwt\n${lines}`;
  const tooShort = (param: string, n: number, min: number): RegExp =>
    new RegExp(`Invalid length for parameter ${param}, value: ${n}, valid min length: ${min}`);
  const ops = (name: string, lines: string, expect: Outcome, more: Partial<DiffCase> = {}) => ({
    name,
    profile: "ops",
    config: opsWith(lines),
    credentials: BASE,
    expect,
    ...more,
  });
  const wi = (name: string, lines: string, token: string, expect: Outcome, roleArn?: string) => ({
    name,
    profile: "wi",
    config: wiWith(lines, roleArn),
    files: { "token.jwt": token },
    expect,
  });
  const JWT = "header.payload.signature\n";
  const config = (cli: RegExp, awsx: RegExp) => ({ fail: EXIT.config, cli, awsx });
  return [
    ops("an empty role_session_name: the default session name", "role_session_name =\n", {
      role: "deployer",
    }),
    wi(
      "web identity with an empty role_session_name: the default session name",
      "role_session_name =\n",
      JWT,
      {
        role: "deployer",
      },
    ),
    ops(
      "external_id of one character",
      "external_id = x\n",
      config(tooShort("ExternalId", 1, 2), /external_id .* has 1 character/),
    ),
    ops(
      "an empty external_id",
      "external_id =\n",
      config(tooShort("ExternalId", 0, 2), /external_id .* is empty/),
    ),
    ops(
      "role_arn of 19 characters",
      "",
      config(tooShort("RoleArn", 19, 20), /role_arn .* has 19 characters/),
      {
        config: "[profile ops]\nrole_arn = arn:aws:iam::1:role\nsource_profile = base\n",
      },
    ),
    ops(
      "an empty role_arn with source_profile",
      "",
      config(tooShort("RoleArn", 0, 20), /role_arn .* is empty/),
      {
        config: "[profile ops]\nrole_arn =\nsource_profile = base\n",
      },
    ),
    wi(
      "web identity role_arn of 19 characters",
      "",
      JWT,
      config(tooShort("RoleArn", 19, 20), /role_arn .* has 19/),
      "arn:aws:iam::1:role",
    ),
    wi(
      "web identity role_session_name of one character",
      "role_session_name = x\n",
      JWT,
      config(tooShort("RoleSessionName", 1, 2), /role_session_name "x" .* is invalid/),
    ),
    {
      ...wi(
        "web identity with an invalid role_session_name",
        "role_session_name = not valid!\n",
        JWT,
        { fail: EXIT.config, awsx: /role_session_name "not valid!" .* is invalid/ },
      ),
      expectDifference:
        "awsx validates [\\w+=,.@-]{2,64} before STS on the web identity path too; " +
        "moto accepts any name",
      cliExpect: { role: "deployer", session: "not valid!" },
    },
    wi("a web identity token of 3 characters", "", "ab\n", {
      fail: EXIT.credentials,
      cli: tooShort("WebIdentityToken", 3, 4),
      awsx: /token .* has 2 characters/,
    }),
    // The CLI asks for a code (typed here), then refuses the serial; awsx has no code and no
    // terminal, so 78 rather than 66 shows it failed before asking.
    ops(
      "an empty mfa_serial: refused before the MFA prompt",
      "mfa_serial =\n",
      config(tooShort("SerialNumber", 0, 9), /mfa_serial .* is empty/),
      { cliMfaCode: MFA_CODE },
    ),
    ops(
      "mfa_serial of 8 characters: refused before the MFA prompt",
      "mfa_serial = GAHT1234\n",
      config(tooShort("SerialNumber", 8, 9), /mfa_serial .* has 8 characters/),
      { cliMfaCode: MFA_CODE },
    ),
    ops("duration_seconds = +3_600 (Python's int())", "duration_seconds = +3_600\n", {
      role: "deployer",
    }),
    ops("duration_seconds in full-width digits (Python's int())", "duration_seconds = ３６００\n", {
      role: "deployer",
    }),
    ops(
      "duration_seconds = 3__600: not an int for Python either",
      "duration_seconds = 3__600\n",
      {
        fail: EXIT.config,
        awsx: /duration_seconds = 3__600 .* not a whole number/,
      },
      {
        expectDifference:
          "the CLI silently ignores a non-integer duration_seconds; awsx rejects it",
        cliExpect: { role: "deployer" },
      },
    ),
  ];
}

// Parity round 2, B: credential_process output as botocore's ProcessProvider reads it, and
// Expiration times (credential_process, AWS_CREDENTIAL_EXPIRATION) as dateutil reads them.
function processOutputCases(): DiffCase[] {
  const KEYS = '"AccessKeyId": "{{alice.id}}", "SecretAccessKey": "{{alice.secret}}"';
  const CAT = "[profile dev]\ncredential_process = cat {{home}}/out.json\n";
  const printing = (json: string) => ({ config: CAT, files: { "out.json": json } });
  const ENV_ROLE = "[profile ops]\nrole_arn = {{role.deployer}}\ncredential_source = Environment\n";
  const envKeys = (expiration: string) => ({
    AWS_ACCESS_KEY_ID: "{{alice.id}}",
    AWS_SECRET_ACCESS_KEY: "{{alice.secret}}",
    AWS_CREDENTIAL_EXPIRATION: expiration,
  });
  const NAIVE = /can't (subtract|compare) offset-naive and offset-aware datetimes/;
  return [
    {
      name: 'B: credential_process "Version": true is Version 1',
      profile: "dev",
      ...printing(`{"Version": true, ${KEYS}}`),
      expect: { user: "alice" },
    },
    {
      name: "B: credential_process output with NaN and Infinity is JSON to Python",
      profile: "dev",
      ...printing(`{"Version": 1, ${KEYS}, "X": NaN, "Y": [Infinity, -Infinity]}`),
      expect: { user: "alice" },
    },
    {
      name: "B: credential_process SessionToken null is no token",
      profile: "dev",
      ...printing(`{"Version": 1, ${KEYS}, "SessionToken": null}`),
      expect: { user: "alice" },
    },
    {
      name: "B: credential_process SessionToken that is a number",
      profile: "dev",
      ...printing(`{"Version": 1, ${KEYS}, "SessionToken": 5}`),
      expect: {
        fail: EXIT.credentials,
        cli: /'int' object has no attribute/,
        awsx: /SessionToken that is not a string/,
      },
    },
    {
      name: "B: credential_process output with a byte that is not UTF-8",
      profile: "dev",
      config: `[profile dev]\ncredential_process = printf '{"Version": 1, ${KEYS}}\\377'\n`,
      expect: { fail: EXIT.credentials, cli: /codec can't decode/, awsx: /not UTF-8/ },
    },
    {
      name: 'B: credential_process "AccessKeyId": ""',
      profile: "dev",
      ...printing('{"Version": 1, "AccessKeyId": "", "SecretAccessKey": "{{alice.secret}}"}'),
      expectDifference: "the CLI signs with an empty key (STS refuses it); awsx fails first",
      expect: { fail: EXIT.credentials, awsx: /AccessKeyId that is not a non-empty string/ },
    },
    {
      name: 'B: credential_process "SecretAccessKey": null',
      profile: "dev",
      ...printing('{"Version": 1, "AccessKeyId": "{{alice.id}}", "SecretAccessKey": null}'),
      expectDifference: "the CLI signs with a null secret (STS refuses it); awsx fails first",
      expect: { fail: EXIT.credentials, awsx: /SecretAccessKey that is not a non-empty string/ },
    },
    {
      name: "B: credential_process Expiration without a zone",
      profile: "dev",
      ...printing(`{"Version": 1, ${KEYS}, "Expiration": "2031-01-01T00:00:00"}`),
      expect: { fail: EXIT.credentials, cli: NAIVE, awsx: /not a time with a zone/ },
    },
    {
      name: "B: credential_process Expiration that is a date only",
      profile: "dev",
      ...printing(`{"Version": 1, ${KEYS}, "Expiration": "2031-01-01"}`),
      expect: { fail: EXIT.credentials, cli: NAIVE, awsx: /not a time with a zone/ },
    },
    {
      name: "B: credential_process Expiration in ISO 8601's basic format",
      profile: "dev",
      ...printing(`{"Version": 1, ${KEYS}, "Expiration": "20310101T000000Z"}`),
      expect: { user: "alice" },
    },
    {
      name: "B: AWS_CREDENTIAL_EXPIRATION without a zone (credential_source = Environment)",
      profile: "ops",
      config: ENV_ROLE,
      env: envKeys("2031-01-01T00:00:00"),
      expect: { fail: EXIT.credentials, cli: NAIVE, awsx: /not a time with a zone/ },
    },
    {
      name: "B: AWS_CREDENTIAL_EXPIRATION in ISO 8601's basic format",
      profile: "ops",
      config: ENV_ROLE,
      env: envKeys("20310101T000000Z"),
      expect: { role: "deployer" },
    },
  ];
}

function clientSettingCases(): DiffCase[] {
  // A role profile over alice's keys, with extra lines in the role's section.
  const ROLE_DEV = (extra = "") =>
    `[profile dev]\nrole_arn = {{role.deployer}}\nsource_profile = base\n${extra}`;
  const bad = (
    name: string,
    cli: RegExp,
    setting: { env?: Record<string, string>; key?: string },
  ): DiffCase => ({
    name: `client setting refused: ${name}`,
    profile: "dev",
    config: ROLE_DEV(setting.key ? `${setting.key}\n` : ""),
    credentials: BASE,
    ...(setting.env ? { env: setting.env } : {}),
    expect: { fail: EXIT.config, cli },
  });
  const NOT_INT = /invalid literal for int\(\)/;
  return [
    bad("retry_mode = bogus", /Invalid value provided to "mode": "bogus"/, {
      key: "retry_mode = bogus",
    }),
    bad("AWS_RETRY_MODE=Standard (case matters)", /Invalid value provided to "mode"/, {
      env: { AWS_RETRY_MODE: "Standard" },
    }),
    bad("AWS_MAX_ATTEMPTS=abc", NOT_INT, { env: { AWS_MAX_ATTEMPTS: "abc" } }),
    bad("AWS_MAX_ATTEMPTS set but empty", NOT_INT, { env: { AWS_MAX_ATTEMPTS: "" } }),
    bad("max_attempts = 0", /"max_attempts": 0 must be an integer greater than or equal to 1/, {
      key: "max_attempts = 0",
    }),
    bad("AWS_DEFAULTS_MODE=bogus", /invalid defaults mode: bogus/, {
      env: { AWS_DEFAULTS_MODE: "bogus" },
    }),
    bad("defaults_mode = in_region", /invalid defaults mode: in_region/, {
      key: "defaults_mode = in_region",
    }),
    bad("request_checksum_calculation = always", /request_checksum_calculation/, {
      key: "request_checksum_calculation = always",
    }),
    bad("AWS_RESPONSE_CHECKSUM_VALIDATION=x", /response_checksum_validation/, {
      env: { AWS_RESPONSE_CHECKSUM_VALIDATION: "x" },
    }),
    bad("account_id_endpoint_mode = enabled", /'account_id_endpoint_mode' is invalid/, {
      key: "account_id_endpoint_mode = enabled",
    }),
    bad("request_min_compression_size_bytes = abc", /Value must be an integer/, {
      key: "request_min_compression_size_bytes = abc",
    }),
    bad("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES=1048577", /Value must be between 1 and 1048576/, {
      env: { AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES: "1048577" },
    }),
    bad("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH=yes", /s3_disable_express_session_auth/, {
      env: { AWS_S3_DISABLE_EXPRESS_SESSION_AUTH: "yes" },
    }),
    bad("csm_port = 1x with csm_enabled = true", NOT_INT, {
      key: "csm_enabled = true\ncsm_port = 1x",
    }),
    {
      name: "client settings the CLI accepts, in any accepted spelling",
      profile: "dev",
      config: ROLE_DEV(
        "retry_mode = adaptive\nmax_attempts = +2\ndefaults_mode = STANDARD\n" +
          "request_checksum_calculation = WHEN_REQUIRED\naccount_id_endpoint_mode = Disabled\n" +
          "request_min_compression_size_bytes = 1_0\ns3_disable_express_session_auth = False\n",
      ),
      credentials: BASE,
      env: {
        AWS_DISABLE_REQUEST_COMPRESSION: "bogus",
        AWS_SIGV4A_SIGNING_REGION_SET: "bogus",
        AWS_CSM_PORT: "abc",
      },
      expect: { role: "deployer" },
    },
    {
      name: "client settings of [default] and of the source profile are not read",
      profile: "dev",
      config: `[default]\nretry_mode = bogus\n${ROLE_DEV()}`,
      credentials: `${BASE}max_attempts = abc\n`,
      expect: { role: "deployer" },
    },
    {
      name: "sso_session naming a missing [sso-session], on a profile with static keys",
      profile: "dev",
      config: `[profile dev]\n${ALICE_KEYS}sso_session = corp\n`,
      expect: { fail: EXIT.config, cli: /"corp" sso_session configuration does not exist/ },
    },
    {
      name: "sso_session naming an empty [sso-session], on a role profile",
      profile: "dev",
      config: `[sso-session corp]\n\n${ROLE_DEV("sso_session = corp\n")}`,
      credentials: BASE,
      expect: { fail: EXIT.config, cli: /"corp" sso_session configuration does not exist/ },
    },
    {
      name: "sso_session whose section has no sso_region, on a credential_process profile",
      profile: "dev",
      config: ini`
        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start

        [profile dev]
        credential_process = {{proc}} v1 {{alice.id}} {{alice.secret}}
        sso_session = corp
      `,
      expect: { fail: EXIT.config, cli: /missing the following configuration: \['sso_region'\]/ },
    },
    {
      name: "sso_session with empty sso_start_url and sso_region: present, so accepted",
      profile: "dev",
      config:
        "[sso-session corp]\nsso_start_url =\nsso_region =\n" +
        `[profile dev]\n${ALICE_KEYS}sso_session = corp\n`,
      expect: { user: "alice" },
    },
    {
      name: "AWS_CONFIG_FILE set but empty: no config file",
      profile: "dev",
      config: `[profile dev]\n${ALICE_KEYS}`,
      env: { AWS_CONFIG_FILE: "" },
      expect: { fail: EXIT.profileNotFound, cli: PROFILE_NOT_FOUND, awsx: /AWS_CONFIG_FILE/ },
    },
    {
      name: "AWS_SHARED_CREDENTIALS_FILE set but empty: no credentials file",
      profile: "dev",
      credentials: aliceCreds("dev"),
      env: { AWS_SHARED_CREDENTIALS_FILE: "" },
      expect: {
        fail: EXIT.profileNotFound,
        cli: PROFILE_NOT_FOUND,
        awsx: /AWS_SHARED_CREDENTIALS_FILE/,
      },
    },
  ];
}

// Issue 28 (IAM Identity Center, round 2): each row checked against the CLI on the same fake.
function ssoRound2Cases(
  SSO_SESSION: string,
  ssoProfile: (name: string) => string,
  LEGACY: string,
): DiffCase[] {
  const LEGACY_URL = "https://example.awsapps.com/start";
  const GRC = "GetRoleCredentials";
  const sso = (setup: Partial<SsoSetup>): SsoSetup => ({ tokenFor: "corp", calls: [], ...setup });
  const dev = SSO_SESSION + ssoProfile("dev");
  const services = (name: string, url: string) =>
    `[services ${name}]\nsso =\n  endpoint_url = ${url}\nsso_oidc =\n  endpoint_url = ${url}\n`;
  // A second session with corp's start URL, and dev on it.
  const twin =
    SSO_SESSION +
    SSO_SESSION.replace("[sso-session corp]", "[sso-session twin]") +
    ssoProfile("dev").replace("sso_session = corp", "sso_session = twin");
  return [
    // 1. A legacy profile's token is never refreshed (SSOCredentialFetcher, no token provider).
    {
      name: "legacy SSO profile, refreshable token 10 minutes from expiry: used, no CreateToken",
      profile: "sso",
      config: LEGACY,
      sso: sso({ tokenFor: LEGACY_URL, token: "expiring", calls: [GRC] }),
      expect: { user: "alice" },
    },
    {
      name: "legacy SSO profile, expired refreshable token: not refreshed, fails",
      profile: "sso",
      config: LEGACY,
      sso: sso({ tokenFor: LEGACY_URL, token: "expired" }),
      expect: {
        fail: EXIT.credentials,
        cli: /The SSO session associated with this profile has expired/,
        awsx: /without sso_session is never refreshed/,
      },
    },
    // 2. Token times in every form the CLI reads.
    {
      name: "token times written as botocore's fixtures write them (...T18:00:00UTC)",
      profile: "dev",
      config: dev,
      sso: sso({ token: "valid", timeForm: "utc-suffix", calls: [GRC] }),
      expect: { user: "alice" },
    },
    {
      name: "...UTC times, 10 minutes left: refreshed (registrationExpiresAt read too)",
      profile: "dev",
      config: dev,
      sso: sso({ token: "expiring", timeForm: "utc-suffix", calls: ["CreateToken", GRC] }),
      expect: { user: "alice" },
    },
    {
      name: "legacy SSO profile with a ...UTC expiresAt",
      profile: "sso",
      config: LEGACY,
      sso: sso({
        tokenFor: LEGACY_URL,
        token: "valid",
        refresh: false,
        timeForm: "utc-suffix",
        calls: [GRC],
      }),
      expect: { user: "alice" },
    },
    {
      name: "a token time without a zone: refused by both",
      profile: "dev",
      config: dev,
      sso: sso({ token: "valid", timeForm: "no-zone" }),
      expect: {
        fail: EXIT.credentials,
        cli: /can't subtract offset-naive and offset-aware datetimes/,
        awsx: /not signed in/,
      },
    },
    // 3. FIPS and dual-stack: with an endpoint URL botocore leaves both off (args.py).
    {
      name:
        "use_fips_endpoint and use_dualstack_endpoint with an SSO endpoint URL: " +
        "the URL is called",
      profile: "dev",
      config: `${dev}use_fips_endpoint = true\nuse_dualstack_endpoint = true\n`,
      sso: sso({ token: "expiring", calls: ["CreateToken", GRC] }),
      expect: { user: "alice" },
    },
    // 4. A role chain on an SSO profile: the SSO clients are the named profile's.
    {
      name:
        "role chain on an SSO profile: the SSO endpoints of the profile named, " +
        "not the source's",
      profile: "ops",
      config:
        `${dev}services = dead\n${services("dead", "http://127.0.0.1:9")}` +
        `[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = dev\nservices = fake\n` +
        services("fake", "{{sso.url}}"),
      sso: sso({ token: "expiring", endpointsInConfig: true, calls: ["CreateToken", GRC] }),
      expect: { role: "deployer" },
    },
    {
      name: "an SSO profile's own [services] sso endpoint, named directly",
      profile: "dev",
      config: `${dev}services = fake\n${services("fake", "{{sso.url}}")}`,
      sso: sso({ token: "expiring", endpointsInConfig: true, calls: ["CreateToken", GRC] }),
      expect: { user: "alice" },
    },
    // 5. Keys botocore takes from the [sso-session] section.
    {
      name: "sso_role_name in the [sso-session] section only",
      profile: "dev",
      config:
        `${SSO_SESSION}sso_role_name = ReadOnly\n[profile dev]\nsso_session = corp\n` +
        `sso_account_id = 123456789012\n`,
      sso: sso({ token: "valid", calls: [GRC] }),
      expect: { user: "alice" },
    },
    {
      name: "sso_account_id in the [sso-session] section only",
      profile: "dev",
      config:
        `${SSO_SESSION}sso_account_id = 123456789012\n[profile dev]\nsso_session = corp\n` +
        `sso_role_name = ReadOnly\n`,
      sso: sso({ token: "valid", calls: [GRC] }),
      expect: { user: "alice" },
    },
    {
      name: "both in the [sso-session] section, neither in the profile: not an SSO profile",
      profile: "dev",
      config:
        `${SSO_SESSION}sso_account_id = 123456789012\nsso_role_name = ReadOnly\n` +
        `[profile dev]\nsso_session = corp\n`,
      sso: sso({ token: "valid" }),
      expect: { fail: EXIT.credentials, cli: /Unable to locate credentials/ },
    },
    // Where awsx knowingly differs (docs/sso.md): a refresh that cannot reach the OIDC service.
    {
      name: "refresh with the OIDC endpoint unreachable, 10 minutes left",
      profile: "dev",
      config:
        `${dev}services = split\n[services split]\nsso =\n  endpoint_url = {{sso.url}}\n` +
        "sso_oidc =\n  endpoint_url = http://127.0.0.1:9\n",
      sso: sso({ token: "expiring", endpointsInConfig: true, calls: [GRC] }),
      expectDifference:
        "botocore lets only a refusal (ClientError) of a token refresh pass, and fails the " +
        "command on a network error; awsx uses the token while it has time left in both cases",
      cliExpect: { fail: EXIT.credentials, cli: /Could not connect to the endpoint URL/ },
      expect: { user: "alice" },
    },
    // 6. CreateToken answering 200 without accessToken or expiresIn: botocore's KeyError.
    {
      name: "refresh answered without accessToken: fails, the old token is not used",
      profile: "dev",
      config: dev,
      sso: sso({
        token: "expiring",
        switches: { refreshAnswerWithout: "accessToken" },
        calls: ["CreateToken"],
      }),
      expect: { fail: EXIT.sts, cli: /accessToken/, awsx: /without accessToken/ },
    },
    {
      name: "refresh answered without expiresIn: fails, the old token is not used",
      profile: "dev",
      config: dev,
      sso: sso({
        token: "expiring",
        switches: { refreshAnswerWithout: "expiresIn" },
        calls: ["CreateToken"],
      }),
      expect: { fail: EXIT.sts, cli: /expiresIn/, awsx: /without expiresIn/ },
    },
    // 7. Two [sso-session]s with one start URL: the token file is named by the session name
    // (botocore's SSOTokenLoader._generate_cache_key), so each session has a sign-in of its own.
    {
      name: "two sso-sessions with one start URL: the other session's token is not used",
      profile: "dev",
      config: twin,
      sso: sso({ tokenFor: "corp", token: "valid" }),
      expect: {
        fail: EXIT.credentials,
        cli: /Token for twin does not exist/,
        awsx: /not signed in/,
      },
    },
    {
      name: "two sso-sessions with one start URL: the token of the profile's own session",
      profile: "dev",
      config: twin,
      sso: sso({ tokenFor: "twin", token: "valid", calls: [GRC] }),
      expect: { user: "alice" },
    },
    {
      name: "an sso-session profile never reads the token filed under its start URL",
      profile: "dev",
      config: dev,
      sso: sso({ tokenFor: "https://corp.awsapps.com/start", token: "valid" }),
      expect: {
        fail: EXIT.credentials,
        cli: /Token for corp does not exist/,
        awsx: /not signed in/,
      },
    },
  ];
}

// The fake portal hands out alice's keys for ReadOnly in 123456789012 (differential.test.ts).
function ssoCases(): DiffCase[] {
  const SSO_SESSION = ini`
    [sso-session corp]
    sso_start_url = https://corp.awsapps.com/start
    sso_region = us-east-1
    sso_registration_scopes = sso:account:access
  `;
  const ssoProfile = (name: string, role = "ReadOnly") => ini`
    [profile ${name}]
    sso_session = corp
    sso_account_id = 123456789012
    sso_role_name = ${role}
  `;
  const LEGACY = ini`
    [profile sso]
    sso_start_url = https://example.awsapps.com/start
    sso_region = us-east-1
    sso_account_id = 123456789012
    sso_role_name = ReadOnly
  `;
  const LEGACY_URL = "https://example.awsapps.com/start";
  const GRC = "GetRoleCredentials";
  const TOKEN_EXPIRED = /The SSO session associated with this profile has expired/;
  const sso = (setup: Partial<SsoSetup>): SsoSetup => ({ tokenFor: "corp", calls: [], ...setup });
  return [
    {
      name: "sso-session profile, valid token in the CLI's cache",
      childAws: true,
      profile: "dev",
      config: SSO_SESSION + ssoProfile("dev"),
      sso: sso({ token: "valid", calls: [GRC] }),
      expect: { user: "alice" },
    },
    {
      name: "legacy SSO profile, valid token",
      profile: "sso",
      config: LEGACY,
      sso: sso({ tokenFor: LEGACY_URL, token: "valid", refresh: false, calls: [GRC] }),
      expect: { user: "alice" },
    },
    {
      name: "sso-session, expired access token: refreshed, then GetRoleCredentials",
      profile: "dev",
      config: SSO_SESSION + ssoProfile("dev"),
      sso: sso({ token: "expired", calls: ["CreateToken", GRC] }),
      expect: { user: "alice" },
    },
    {
      name: "sso-session, 10 minutes left: inside the 15-minute window, refreshed",
      profile: "dev",
      config: SSO_SESSION + ssoProfile("dev"),
      sso: sso({ token: "expiring", calls: ["CreateToken", GRC] }),
      expect: { user: "alice" },
    },
    {
      name: "sso-session, expired and the refresh refused",
      profile: "dev",
      config: SSO_SESSION + ssoProfile("dev"),
      sso: sso({
        token: "expired",
        switches: { invalidGrantOnRefresh: true },
        calls: ["CreateToken"],
      }),
      expect: { fail: EXIT.credentials, cli: /Token has expired and refresh failed/ },
    },
    {
      name: "legacy SSO profile, expired token: never refreshed, no call",
      profile: "sso",
      config: LEGACY,
      sso: sso({ tokenFor: LEGACY_URL, token: "expired", refresh: false }),
      expect: { fail: EXIT.credentials, cli: TOKEN_EXPIRED, awsx: /awsx sso login sso/ },
    },
    {
      name: "an SSO profile with no cached SSO token",
      profile: "sso",
      config: LEGACY,
      sso: sso({ tokenFor: LEGACY_URL }),
      expect: { fail: EXIT.credentials, cli: /Error loading SSO Token/ },
    },
    {
      name: "sso-session profile with no token",
      profile: "dev",
      config: SSO_SESSION + ssoProfile("dev"),
      sso: sso({}),
      expect: { fail: EXIT.credentials, cli: /Token for corp does not exist/ },
    },
    {
      name: "the portal rejects the token (signed out elsewhere)",
      profile: "dev",
      config: SSO_SESSION + ssoProfile("dev"),
      sso: sso({ token: "valid", switches: { unauthorized: true }, calls: [GRC] }),
      expect: { fail: EXIT.credentials, cli: TOKEN_EXPIRED, awsx: /rejected the SSO token/ },
    },
    {
      name: "a role the user is not assigned",
      profile: "dev",
      config: SSO_SESSION + ssoProfile("dev", "Admin"),
      sso: sso({ token: "valid", calls: [GRC] }),
      expect: { fail: EXIT.sts, cli: /ForbiddenException/, awsx: /ForbiddenException/ },
    },
    {
      name: "role chain with an SSO profile as source_profile",
      profile: "ops",
      config:
        `${SSO_SESSION}${ssoProfile("dev")}\n[profile ops]\nrole_arn = {{role.deployer}}\n` +
        `source_profile = dev\n`,
      sso: sso({ token: "valid", calls: [GRC] }),
      expect: { role: "deployer" },
    },
    {
      name: "role_arn wins over sso_* keys in the same profile",
      profile: "ops",
      config:
        `${SSO_SESSION}[profile ops]\nrole_arn = {{role.deployer}}\nsource_profile = base\n` +
        `sso_session = corp\nsso_account_id = 1\nsso_role_name = X\n`,
      credentials: BASE,
      sso: sso({ token: "valid" }),
      expect: { role: "deployer" },
    },
    {
      name: "sso_role_name beats static keys in the same profile (SSO first, then half-configured)",
      profile: "dev",
      config: `[profile dev]\nsso_role_name = ReadOnly\n${ALICE_KEYS}`,
      sso: sso({}),
      expect: {
        fail: EXIT.config,
        cli: /missing required configuration: sso_account_id, sso_start_url, sso_region/,
      },
    },
    {
      name: "sso_session without account or role is no SSO: the keys are used",
      profile: "dev",
      config: `${SSO_SESSION}[profile dev]\nsso_session = corp\n${ALICE_KEYS}`,
      sso: sso({ token: "valid" }),
      expect: { user: "alice" },
    },
    {
      name: "sso_session naming a missing [sso-session]",
      profile: "dev",
      config: ini`
        [profile dev]
        sso_session = nope
        sso_account_id = 123456789012
        sso_role_name = ReadOnly
      `,
      sso: sso({}),
      expect: { fail: EXIT.config, cli: /The specified sso-session does not exist: "nope"/ },
    },
    {
      name: "sso_region in the profile and the sso-session disagree",
      profile: "dev",
      config: `${SSO_SESSION}${ssoProfile("dev")}sso_region = eu-west-1\n`,
      sso: sso({}),
      expect: {
        fail: EXIT.config,
        cli: joinRegExp(
          /The value for sso_region is inconsistent between profile \(eu-west-1\) /,
          /and sso-session \(us-east-1\)/,
        ),
      },
    },
    {
      name: "sso-session profile missing sso_role_name",
      profile: "dev",
      config: `${SSO_SESSION}[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n`,
      sso: sso({}),
      expect: { fail: EXIT.config, cli: /missing required configuration: sso_role_name/ },
    },
    {
      name: "sso_region only in the profile: the token provider needs it in the sso-session",
      profile: "dev",
      config: ini`
        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start

        [profile dev]
        sso_session = corp
        sso_region = us-east-1
        sso_account_id = 123456789012
        sso_role_name = ReadOnly
      `,
      sso: sso({}),
      expect: {
        fail: EXIT.config,
        cli: /SSO token provider but is missing the following configuration: \['sso_region'\]/,
      },
    },
    ...ssoRound2Cases(SSO_SESSION, ssoProfile, LEGACY),
  ];
}

// Parity round 2, B: a credential key written as a nested block ("key =" then indented lines)
// is present to botocore, which then fails using it; awsx fails first, naming it.
function nestedKeyCases(): DiffCase[] {
  const BLOCK = "\n  x = y\n";
  const KEYS = "aws_access_key_id = {{bob.id}}\naws_secret_access_key = {{bob.secret}}\n";
  const NESTED = /is a nested block, not a value/;
  const nested = (cli: RegExp) => ({ fail: EXIT.config, cli, awsx: NESTED });
  const ROLE = "role_arn = {{role.deployer}}\n";
  return [
    {
      name: "B: role_arn as a nested block, with static keys",
      profile: "dev",
      config: `[profile dev]\nrole_arn =${BLOCK}${KEYS}`,
      expect: nested(/Partial credentials found in assume-role/),
    },
    {
      name: "B: credential_process as a nested block, with static keys",
      profile: "dev",
      config: `[profile dev]\ncredential_process =${BLOCK}${KEYS}`,
      expect: nested(/'dict' object/),
    },
    {
      name: "B: web_identity_token_file as a nested block, with role_arn and source_profile",
      profile: "dev",
      config: `[profile dev]\nweb_identity_token_file =${BLOCK}${ROLE}source_profile = base\n`,
      credentials: BASE,
      expect: nested(/not dict/),
    },
    {
      name: "B: aws_access_key_id as a nested block",
      profile: "dev",
      credentials: `[dev]\naws_access_key_id =${BLOCK}aws_secret_access_key = {{bob.secret}}\n`,
      expect: nested(/dict found/),
    },
    {
      name: "B: aws_session_token as a nested block",
      profile: "dev",
      credentials: `${aliceCreds("dev")}aws_session_token =${BLOCK}`,
      expect: nested(/'dict' object has no attribute/),
    },
    {
      name: "B: source_profile as a nested block",
      profile: "dev",
      config: `[profile dev]\n${ROLE}source_profile =${BLOCK}`,
      credentials: BASE,
      expect: nested(/unhashable type: 'dict'/),
    },
    {
      name: "B: credential_source as a nested block",
      profile: "dev",
      config: `[profile dev]\n${ROLE}credential_source =${BLOCK}`,
      expect: nested(
        /The credential source "\{'x': 'y'\}" referenced in profile "dev" is not valid/,
      ),
    },
    {
      name: "B: credential_process as a nested block under role_arn is never read",
      profile: "dev",
      config: `[profile dev]\n${ROLE}source_profile = base\ncredential_process =${BLOCK}`,
      credentials: BASE,
      expect: { role: "deployer" },
    },
  ];
}
