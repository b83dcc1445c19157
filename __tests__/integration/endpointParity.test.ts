// Which STS host each tool would sign a request for, for the same config and environment:
// `aws --profile r sts get-caller-identity --debug` (CLI v1) and `awsx exec r -- true`, both
// run in a private network namespace (`unshare -n`, loopback up), so nothing can leave the
// machine: a public host fails its DNS lookup, a loopback URL is refused. The CLI's first
// request is read from its debug log (URL and signing region); awsx's from the error cause
// (`getaddrinfo EAI_AGAIN HOST` / `connect ECONNREFUSED HOST:PORT`). Fails are compared too.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { makeHome } from "../helpers/home.js";
import { commandRuns, needs } from "../helpers/requirements.js";
import { AWSX_BIN } from "../helpers/awsx.js";

const PARALLEL = 3;
const ROLE = "arn:aws:iam::123456789012:role/diff-endpoint";
const LOCAL = "http://127.0.0.1:9";
const LOCAL2 = "http://127.0.0.1:8";
const LOCAL3 = "http://127.0.0.1:7";
const KEYS = "aws_access_key_id = AKIAFAKEENDPOINT0000\naws_secret_access_key = fake-secret\n";

interface EpCase {
  name: string;
  // Lines of [profile r] (role_arn and source_profile = base are added), and extra sections.
  lines?: string;
  extra?: string;
  // undefined deletes a variable of the base environment.
  env?: Record<string, string | undefined>;
  // Both sides: this host (and the CLI signs for `signs`); or both fail.
  expect: { host: string; signs?: string } | { fail: RegExp; awsx: RegExp };
  // awsx knowingly differs (docs/config.md): what awsx does instead, and what the CLI does.
  awsx?: { host: string };
}

const cases: EpCase[] = [
  {
    name: "no region anywhere: the global endpoint",
    expect: { host: "sts.amazonaws.com", signs: "us-east-1" },
  },
  {
    name: "[default]'s region is not the role profile's",
    extra: "[default]\nregion = eu-west-1\n",
    expect: { host: "sts.amazonaws.com", signs: "us-east-1" },
  },
  {
    name: "the source profile's region is not the role profile's",
    extra: "[profile base]\nregion = ap-south-1\n",
    expect: { host: "sts.amazonaws.com", signs: "us-east-1" },
  },
  {
    name: "the role profile's region",
    lines: "region = eu-west-1",
    expect: { host: "sts.eu-west-1.amazonaws.com", signs: "eu-west-1" },
  },
  {
    name: "AWS_DEFAULT_REGION beats the profile's region",
    lines: "region = eu-west-1",
    env: { AWS_DEFAULT_REGION: "ap-southeast-2" },
    expect: { host: "sts.ap-southeast-2.amazonaws.com", signs: "ap-southeast-2" },
  },
  {
    name: "sts_regional_endpoints = legacy in a legacy-global region",
    lines: "region = eu-west-1\nsts_regional_endpoints = legacy",
    expect: { host: "sts.amazonaws.com", signs: "us-east-1" },
  },
  {
    name: "sts_regional_endpoints = legacy in a newer region stays regional",
    lines: "region = af-south-1\nsts_regional_endpoints = legacy",
    expect: { host: "sts.af-south-1.amazonaws.com", signs: "af-south-1" },
  },
  {
    name: "AWS_STS_REGIONAL_ENDPOINTS=regional beats legacy in the profile",
    lines: "region = us-east-1\nsts_regional_endpoints = legacy",
    env: { AWS_STS_REGIONAL_ENDPOINTS: "regional" },
    expect: { host: "sts.us-east-1.amazonaws.com", signs: "us-east-1" },
  },
  {
    name: "an invalid sts_regional_endpoints fails before any request",
    lines: "region = us-east-1",
    env: { AWS_STS_REGIONAL_ENDPOINTS: "global" },
    expect: { fail: /STS regional endpoints option global is invalid/, awsx: /is invalid/ },
  },
  {
    name: "an invalid sts_regional_endpoints fails even with an endpoint URL",
    lines: `region = us-east-1\nsts_regional_endpoints = Legacy\nendpoint_url = ${LOCAL}`,
    expect: { fail: /STS regional endpoints option Legacy is invalid/, awsx: /is invalid/ },
  },
  {
    name: "use_fips_endpoint",
    lines: "region = us-east-1\nuse_fips_endpoint = true",
    expect: { host: "sts-fips.us-east-1.amazonaws.com", signs: "us-east-1" },
  },
  {
    name: "AWS_USE_FIPS_ENDPOINT in GovCloud (its FIPS host is the regional one)",
    lines: "region = us-gov-west-1",
    env: { AWS_USE_FIPS_ENDPOINT: "true" },
    expect: { host: "sts.us-gov-west-1.amazonaws.com", signs: "us-gov-west-1" },
  },
  {
    name: "use_dualstack_endpoint",
    lines: "region = eu-west-1\nuse_dualstack_endpoint = true",
    expect: { host: "sts.eu-west-1.api.aws", signs: "eu-west-1" },
  },
  {
    name: "FIPS + dual-stack in China",
    lines: "region = cn-north-1\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true",
    expect: { host: "sts-fips.cn-north-1.api.amazonwebservices.com.cn", signs: "cn-north-1" },
  },
  {
    name: "FIPS with a configured endpoint: the endpoint, as given",
    lines: `region = us-east-1\nendpoint_url = ${LOCAL}`,
    env: { AWS_USE_FIPS_ENDPOINT: "true" },
    expect: { host: "127.0.0.1:9", signs: "us-east-1" },
  },
  {
    name: "a FIPS pseudo-region (us-east-1-fips): the FIPS host of its region",
    lines: "region = us-east-1-fips",
    expect: { host: "sts-fips.us-east-1.amazonaws.com", signs: "us-east-1" },
  },
  {
    name: "a FIPS pseudo-region in GovCloud (fips-us-gov-west-1)",
    lines: "region = fips-us-gov-west-1",
    expect: { host: "sts.us-gov-west-1.amazonaws.com", signs: "us-gov-west-1" },
  },
  {
    name: "a FIPS pseudo-region with a configured endpoint: the endpoint",
    lines: "region = us-east-1-fips",
    env: { AWS_ENDPOINT_URL_STS: LOCAL },
    expect: { host: "127.0.0.1:9", signs: "us-east-1" },
  },
  {
    name: "an ISO partition region: its own DNS suffix",
    lines: "region = us-iso-east-1",
    expect: { host: "sts.us-iso-east-1.c2s.ic.gov", signs: "us-iso-east-1" },
  },
  {
    name: "an all-digit region fails before any request",
    lines: "region = 1",
    env: { AWS_ENDPOINT_URL_STS: LOCAL },
    expect: { fail: /doesn't match a supported format/, awsx: /is not a valid region name/ },
  },
  {
    name: "AWS_ENDPOINT_URL_STS",
    lines: "region = eu-west-1",
    env: { AWS_ENDPOINT_URL_STS: LOCAL },
    expect: { host: "127.0.0.1:9", signs: "eu-west-1" },
  },
  {
    name: "AWS_ENDPOINT_URL",
    lines: "region = eu-west-1",
    env: { AWS_ENDPOINT_URL: LOCAL2 },
    expect: { host: "127.0.0.1:8" },
  },
  {
    name: "an empty AWS_ENDPOINT_URL_STS falls through to AWS_ENDPOINT_URL",
    lines: "region = eu-west-1",
    env: { AWS_ENDPOINT_URL_STS: "", AWS_ENDPOINT_URL: LOCAL2 },
    expect: { host: "127.0.0.1:8" },
  },
  {
    name: "ignore_configured_endpoint_urls in the profile ignores the env's endpoints",
    lines: "region = eu-west-1\nignore_configured_endpoint_urls = true",
    env: { AWS_ENDPOINT_URL_STS: LOCAL, AWS_ENDPOINT_URL: LOCAL2 },
    expect: { host: "sts.eu-west-1.amazonaws.com", signs: "eu-west-1" },
  },
  {
    name: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false beats the profile's true",
    lines: "region = eu-west-1\nignore_configured_endpoint_urls = true",
    env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false", AWS_ENDPOINT_URL_STS: LOCAL },
    expect: { host: "127.0.0.1:9" },
  },
  {
    name: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores the profile's endpoint_url",
    lines: `region = eu-west-1\nendpoint_url = ${LOCAL}`,
    env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" },
    expect: { host: "sts.eu-west-1.amazonaws.com" },
  },
  {
    name: "the services section's sts endpoint_url beats the profile's endpoint_url",
    lines: `region = eu-west-1\nservices = local\nendpoint_url = ${LOCAL3}`,
    extra: `[services local]\nsts =\n  endpoint_url = ${LOCAL2}\n`,
    expect: { host: "127.0.0.1:8" },
  },
  {
    name: "a services section without sts: the profile's endpoint_url",
    lines: `region = eu-west-1\nservices = local\nendpoint_url = ${LOCAL3}`,
    extra: `[services local]\niam =\n  endpoint_url = ${LOCAL2}\n`,
    expect: { host: "127.0.0.1:7" },
  },
  {
    name: "services naming a missing section fails before any request",
    lines: "region = eu-west-1\nservices = nope",
    expect: { fail: /"nope" services configuration does not exist/, awsx: /does not exist/ },
  },
  {
    name: "services naming a missing section is not read when AWS_ENDPOINT_URL is set",
    lines: "region = eu-west-1\nservices = nope",
    env: { AWS_ENDPOINT_URL: LOCAL },
    expect: { host: "127.0.0.1:9" },
  },
  {
    name: "an endpoint URL with a scheme other than http(s) fails before any request",
    lines: "region = eu-west-1",
    env: { AWS_ENDPOINT_URL_STS: "ftp://127.0.0.1:9" },
    expect: { fail: /Not supported URL scheme ftp/, awsx: /scheme other than http or https/ },
  },
  {
    name: "an endpoint_url with one slash (http:/host) fails before any request",
    lines: "region = eu-west-1\nendpoint_url = http:/127.0.0.1:9",
    expect: { fail: /Invalid endpoint: http:\/127/, awsx: /not a valid endpoint URL/ },
  },
  {
    name: "an endpoint URL without a scheme (host:port) fails before any request",
    lines: "region = eu-west-1",
    env: { AWS_ENDPOINT_URL: "127.0.0.1:9" },
    expect: { fail: /Invalid endpoint: 127/, awsx: /from AWS_ENDPOINT_URL\) "127.0.0.1:9" is not/ },
  },
  {
    name: "a services endpoint whose host has an underscore fails before any request",
    lines: "region = eu-west-1\nservices = local",
    extra: "[services local]\nsts =\n  endpoint_url = http://local_stack:9\n",
    expect: { fail: /Invalid endpoint: http:\/\/local_stack/, awsx: /\[services local\] sts/ },
  },
  {
    name: "an endpoint URL whose port is out of range fails before any request",
    lines: "region = eu-west-1",
    env: { AWS_ENDPOINT_URL_STS: "http://127.0.0.1:70000" },
    expect: { fail: /Port out of range/, awsx: /port that is not a number from 0 to 65535/ },
  },
  {
    name: "an endpoint URL with two ports fails before any request",
    lines: `region = eu-west-1\nendpoint_url = ${LOCAL}:1`,
    expect: { fail: /Port could not be cast/, awsx: /port that is not a number/ },
  },
  {
    name: "an endpoint URL without a scheme but with // is http",
    lines: "region = eu-west-1",
    env: { AWS_ENDPOINT_URL_STS: "//127.0.0.1:9" },
    expect: { host: "127.0.0.1:9", signs: "eu-west-1" },
  },
  {
    name: "an endpoint URL with a user and password in it: the host",
    lines: "region = eu-west-1\nendpoint_url = http://me:pw@127.0.0.1:9",
    expect: { host: "127.0.0.1:9", signs: "eu-west-1" },
  },
  {
    name: "a services section with sts on one line fails before any request",
    lines: "region = eu-west-1\nservices = local",
    extra: `[services local]\nsts = ${LOCAL}\n`,
    expect: { fail: /'str' object has no attribute 'get'/, awsx: /on one line/ },
  },
  {
    name: "endpoint_url of [default] or of the source profile is not the role profile's",
    lines: "region = eu-west-1",
    extra: `[default]\nendpoint_url = ${LOCAL}\n[profile base]\nendpoint_url = ${LOCAL2}\n`,
    expect: { host: "sts.eu-west-1.amazonaws.com" },
  },
  {
    name: "AWS_PROFILE's endpoint and FIPS settings do not apply to the profile named",
    lines: "region = eu-west-1",
    extra: `[profile other]\nendpoint_url = ${LOCAL}\nuse_fips_endpoint = true\n`,
    env: { AWS_PROFILE: "other" },
    expect: { host: "sts.eu-west-1.amazonaws.com" },
  },
  {
    name: "a configured endpoint with no region (known difference: the CLI wants a region)",
    lines: `endpoint_url = ${LOCAL}`,
    expect: { fail: /You must specify a region/, awsx: /unused/ },
    awsx: { host: "127.0.0.1:9" },
  },
  {
    name: "AWS_REGION alone (known difference: the CLI v1 does not read it)",
    env: { AWS_REGION: "eu-west-1" },
    expect: { host: "sts.amazonaws.com", signs: "us-east-1" },
    awsx: { host: "sts.eu-west-1.amazonaws.com" },
  },
  ...nestedBlockCases(),
];

// A key of [profile r] written as a nested block ("KEY =" then an indented "x = y"): botocore
// hands the reader a dict. Where it wants text the CLI fails before any request (its own
// error or a crash), and so does awsx (exit 78 naming the key); a boolean reads it as false.
function nestedBlockCases(): EpCase[] {
  const block = (key: string) => `${key} =\n  x = y`;
  const NESTED = /is a nested block, not a value/;
  const INT = /int\(\) argument must be/;
  const UNHASHABLE = /unhashable type: 'dict'/;
  const failing: Array<[string, RegExp, string?, Record<string, string | undefined>?]> = [
    ["region", /expected string or bytes-like object/],
    [
      "sts_regional_endpoints",
      /STS regional endpoints option \{'x': 'y'\} is invalid/,
      "region = eu-west-1",
    ],
    ["endpoint_url", UNHASHABLE, "region = eu-west-1"],
    ["services", UNHASHABLE, "region = eu-west-1"],
    ["sso_session", UNHASHABLE],
    ["retry_mode", /Invalid value provided to "mode"/],
    ["defaults_mode", /'dict' object has no attribute 'lower'/],
    ["max_attempts", INT, undefined, { AWS_MAX_ATTEMPTS: undefined }],
    ["ec2_metadata_service_endpoint", UNHASHABLE],
    ["ec2_metadata_service_endpoint_mode", /'dict' object has no attribute 'lower'/],
    ["metadata_service_timeout", INT],
    ["metadata_service_num_attempts", INT],
    ["request_checksum_calculation", /Unsupported configuration value/],
    ["response_checksum_validation", /Unsupported configuration value/],
    ["account_id_endpoint_mode", /'account_id_endpoint_mode' is invalid/],
    ["request_min_compression_size_bytes", /Value must be an integer/],
    ["s3_disable_express_session_auth", /Value must be a boolean/],
    ["auth_scheme_preference", /must be a comma-delimited string/],
    ["csm_port", INT, "csm_enabled = true"],
    // Opened for an https endpoint, before any connection.
    ["ca_bundle", /expected str, bytes or os.PathLike object, not dict/, "region = eu-west-1"],
  ];
  const fails = failing.map(
    ([key, cli, more, env]): EpCase => ({
      name: `${key} as a nested block fails before any request`,
      lines: `${more ? `${more}\n` : ""}${block(key)}`,
      ...(env ? { env } : {}),
      expect: { fail: cli, awsx: NESTED },
    }),
  );
  const sent = (name: string, lines: string, host: string, more: Partial<EpCase> = {}) => ({
    name: `${name}: sent as usual`,
    lines,
    ...more,
    expect: { host },
  });
  const EU = "sts.eu-west-1.amazonaws.com";
  const BOOLEANS = [
    "use_fips_endpoint",
    "use_dualstack_endpoint",
    "csm_enabled",
    "ec2_metadata_v1_disabled",
    "imds_use_ipv6",
    "parameter_validation",
    "tcp_keepalive",
  ];
  return [
    ...fails,
    {
      name: "region as a nested block fails with AWS_REGION set too (the CLI does not read it)",
      lines: block("region"),
      env: { AWS_REGION: "eu-west-1" },
      expect: { fail: /expected string or bytes-like object/, awsx: NESTED },
    },
    sent("region as a nested block, AWS_DEFAULT_REGION set", block("region"), EU, {
      env: { AWS_DEFAULT_REGION: "eu-west-1" },
    }),
    sent("max_attempts as a nested block, AWS_MAX_ATTEMPTS set", block("max_attempts"), EU, {
      env: { AWS_DEFAULT_REGION: "eu-west-1", AWS_MAX_ATTEMPTS: "1" },
    }),
    sent(
      "endpoint_url as a nested block, AWS_ENDPOINT_URL_STS set",
      block("endpoint_url"),
      "127.0.0.1:9",
      {
        env: { AWS_ENDPOINT_URL_STS: LOCAL, AWS_DEFAULT_REGION: "eu-west-1" },
      },
    ),
    sent(
      "endpoint_url as a nested block, configured endpoints ignored",
      `region = eu-west-1\nignore_configured_endpoint_urls = true\n${block("endpoint_url")}`,
      EU,
    ),
    sent("ca_bundle as a nested block, an http endpoint", block("ca_bundle"), "127.0.0.1:9", {
      env: { AWS_ENDPOINT_URL_STS: LOCAL, AWS_DEFAULT_REGION: "eu-west-1" },
    }),
    sent(
      "region and sso_session as nested blocks of the source profile",
      "region = eu-west-1",
      EU,
      {
        extra: `[profile base]\n${block("region")}\n${block("sso_session")}\n`,
      },
    ),
    sent(
      "nested sso_region and sso_start_url in the sso-session of a role profile",
      "region = eu-west-1\nsso_session = s",
      EU,
      { extra: `[sso-session s]\n${block("sso_region")}\n${block("sso_start_url")}\n` },
    ),
    ...BOOLEANS.map((key) =>
      sent(`${key} (read as false) as a nested block`, `region = eu-west-1\n${block(key)}`, EU),
    ),
    sent(
      "sigv4a_signing_region_set (not used for STS) as a nested block",
      `region = eu-west-1\n${block("sigv4a_signing_region_set")}`,
      EU,
    ),
    sent(
      "ignore_configured_endpoint_urls (read as false) as a nested block",
      `region = eu-west-1\nendpoint_url = ${LOCAL}\n${block("ignore_configured_endpoint_urls")}`,
      "127.0.0.1:9",
    ),
  ];
}

interface Seen {
  host?: string;
  signs?: string;
  error?: string;
  code: number | null;
}

// One command inside a fresh network namespace with only loopback up.
function isolated(
  argv: string[],
  env: Record<string, string>,
): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(
      "unshare",
      ["-n", "sh", "-c", 'ip link set lo up; exec "$@"', "sh", ...argv],
      {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (out += b.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ out, code });
    });
  });
}

// The CLI's first signed (or unsigned) request, from its --debug log; else its error line.
function cliSaw(out: string, code: number | null): Seen {
  const sent = /Sending http request: <AWSPreparedRequest [^>]*?url=(\S+?),[^\n]*/.exec(out);
  // urllib3 refuses some URLs, and a ca_bundle that is no path, only after botocore has
  // logged the request as sent: nothing left the process.
  const unsent =
    /urllib3\.exceptions\.(URLSchemeUnknown|LocationParseError)/.test(out) ||
    /An HTTP Client raised an unhandled exception: expected str, bytes or os.PathLike/.test(out);
  if (sent && !unsent) {
    const scope = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(sent[0]);
    // A URL without a scheme ("//host") goes out as http.
    return { host: new URL(sent[1]!, "http://base").host, signs: scope?.[1], code };
  }
  const lines = out.split("\n").filter((l) => l.trim() && !/^\d{4}-\d\d-\d\d /.test(l));
  return {
    error: lines.filter((l) => !l.startsWith(" ") && !l.startsWith("Traceback")).pop(),
    code,
  };
}

// awsx's host from the cause of its failed call (--debug); else its one "awsx: " line.
function awsxSaw(out: string, code: number | null): Seen {
  const dns = /getaddrinfo \w+ (\S+)/.exec(out);
  if (dns) return { host: dns[1], code };
  const refused = /connect ECONNREFUSED (\S+)/.exec(out);
  if (refused) return { host: refused[1], code };
  return { error: out.split("\n").find((l) => l.startsWith("awsx: ")), code };
}

async function runCase(c: EpCase): Promise<{ cli: Seen; awsx: Seen; config: string }> {
  const home = makeHome();
  try {
    const config =
      `[profile r]\nrole_arn = ${ROLE}\nsource_profile = base\n${c.lines ? `${c.lines}\n` : ""}` +
      (c.extra ?? "");
    writeFileSync(home.configFile, config);
    writeFileSync(home.credentialsFile, `[base]\n${KEYS}`);
    const env = home.env({ AWS_MAX_ATTEMPTS: "1", AWSX_STS_TIMEOUT: "5", ...c.env });
    const [cli, awsx] = await Promise.all([
      isolated(["aws", "--profile", "r", "sts", "get-caller-identity", "--debug"], env),
      isolated(
        [process.execPath, AWSX_BIN, "exec", "r", "--backend", "none", "--debug", "--", "true"],
        env,
      ),
    ]);
    return { cli: cliSaw(cli.out, cli.code), awsx: awsxSaw(awsx.out, awsx.code), config };
  } finally {
    home.cleanup();
  }
}

const describeIf = await needs(
  { name: "aws", probe: () => commandRuns("aws", ["--version"]), hint: "the AWS CLI v1" },
  {
    name: "unshare -n",
    probe: () => commandRuns("unshare", ["-n", "sh", "-c", "ip link set lo up"]),
    hint: "a private network namespace (root or user namespaces), so no request can leave",
  },
);

describeIf("STS endpoint: the host the AWS CLI would sign for, and awsx's", () => {
  const results = new Map<string, Promise<{ cli: Seen; awsx: Seen; config: string }>>();

  beforeAll(() => {
    // PARALLEL cases at a time, each starting when an earlier one ends.
    const starts: Array<() => void> = [];
    const gates = cases.map(() => new Promise<void>((r) => starts.push(r)));
    let next = 0;
    const release = () => starts[next++]?.();
    cases.forEach((c, i) => {
      const p = gates[i]!.then(() => runCase(c)).finally(release);
      p.catch(() => undefined);
      results.set(c.name, p);
    });
    for (let i = 0; i < PARALLEL; i++) release();
  });

  test.each(cases.map((c) => [c.name, c] as const))(
    "%s",
    async (_name, c) => {
      const { cli, awsx, config } = await results.get(c.name)!;
      const shown =
        `config:\n${config}env: ${JSON.stringify(c.env ?? {})}\n` +
        `cli: ${JSON.stringify(cli)}\nawsx: ${JSON.stringify(awsx)}`;
      try {
        if ("host" in c.expect) {
          expect(cli.host).toBe(c.expect.host);
          if (c.expect.signs) expect(cli.signs).toBe(c.expect.signs);
        } else {
          expect(cli.host).toBeUndefined();
          expect(cli.code).not.toBe(0);
          expect(cli.error).toMatch(c.expect.fail);
        }
        const want = c.awsx ?? c.expect;
        if ("host" in want) {
          expect(awsx.host).toBe(want.host);
        } else {
          expect(awsx.host).toBeUndefined();
          expect(awsx.code).toBe(78);
          expect(awsx.error).toMatch(want.awsx);
        }
      } catch (e) {
        throw new Error(`${(e as Error).message}\n${shown}`);
      }
    },
    120_000,
  );

  test("the table covers both outcomes", () => {
    expect(cases.filter((c) => "host" in c.expect).length).toBeGreaterThanOrEqual(20);
    expect(cases.filter((c) => "fail" in c.expect).length).toBeGreaterThanOrEqual(4);
  });
});
