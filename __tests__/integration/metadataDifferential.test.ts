// Differential suite for instance metadata and container credentials: each case runs the AWS
// CLI (`aws --profile ops sts get-caller-identity`) and awsx (`awsx exec ops -- env`) against
// its own scripted loopback fake (one per tool) and moto for STS, and compares the outcome AND
// the requests each tool made of the fake, in order (token PUT, role, keys, v1 fallback or
// not, retries, Authorization). Cases where a tool could fall back to 169.254.169.254 or
// 169.254.170.2 run in a private network namespace (unshare -n, loopback up), at the end.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AWSX_BIN, runDetached } from "../helpers/awsx.js";
import { makeHome } from "../helpers/home.js";
import { type Moto, type MotoUser, startMoto, callerArn } from "../helpers/moto.js";
import { commandRuns, needs } from "../helpers/requirements.js";
import {
  type MetadataScript,
  type ScriptedServer,
  startScripted,
} from "../fixtures/diff/scriptedMetadata.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "../..");
const NETNS_RUNS = path.join(ROOT, "__tests__", "fixtures", "diff", "netnsRuns.mjs");
const DROPPED = path.join(ROOT, "__tests__", "fixtures", "diff", "droppedConnects.py");
const PARALLEL = 4;
const ROLE = "meta-deployer";

const NETNS = {
  name: "unshare -n (root)",
  probe: () => commandRuns("unshare", ["-n", "sh", "-c", "ip link set lo up"]),
  hint: "a private network namespace for the cases that could reach link-local addresses",
};
const describeIf = await needs(
  "moto_server",
  { name: "aws", probe: () => commandRuns("aws", ["--version"]), hint: "the AWS CLI v1" },
  NETNS,
);

// The AWS CLI and `awsx exec ops -- CHILD` as the fixtures run them, one after the other.
const bothTools = (env: Record<string, string | undefined>, child: string) => [
  { cmd: "aws", args: ["--profile", "ops", "sts", "get-caller-identity"], env },
  { cmd: process.execPath, args: [AWSX_BIN, "exec", "ops", "--backend", "none", "--", child], env },
];

// A fixture in a fresh network namespace with only loopback up (STS is a closed port there).
const inPrivateNetwork = (argv: string[], home: { dir: string }, path: string) =>
  runDetached(
    "unshare",
    ["-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', ...argv],
    { PATH: path, HOME: home.dir },
    90_000,
  );
const NO_NETWORK_ENV = {
  AWS_ENDPOINT_URL_STS: "http://127.0.0.1:9",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_EC2_METADATA_DISABLED: undefined,
};

type Source = "Ec2InstanceMetadata" | "EcsContainer" | "static";

interface Case {
  name: string;
  source: Source;
  // Extra lines of [profile ops]; {{fake}} is this tool's fake's URL, {{home}} the HOME.
  profile?: string;
  // The whole config instead ({{role}} is the role's ARN).
  config?: string;
  env?: Record<string, string>;
  // Files under HOME (exact bytes).
  files?: Record<string, string>;
  script?: MetadataScript;
  expect: "ok" | "fail";
  // The request sequence is compared unless false (the CLI's refresh of near-expiry keys is
  // random: botocore adds 2-10 minutes of jitter).
  sequence?: boolean;
  // Both tools' requests, when the case pins them.
  hits?: string[];
  fakeHost?: string;
  // A difference docs/config.md lists: what the CLI does instead (expect/hits are awsx's).
  known?: { cli: "ok" | "fail"; cliHits: string[] };
  // How the case names the fake (default its URL).
  fakeUrl?: (url: string) => string;
}

const IMDS_OK = [
  "PUT /latest/api/token token=none auth=none",
  "GET /latest/meta-data/iam/security-credentials/ token=ok auth=none",
  "GET /latest/meta-data/iam/security-credentials/diff-role token=ok auth=none",
];
const IMDS_V1 = [
  "PUT /latest/api/token token=none auth=none",
  "GET /latest/meta-data/iam/security-credentials/ token=none auth=none",
  "GET /latest/meta-data/iam/security-credentials/diff-role token=none auth=none",
];
const EP = "ec2_metadata_service_endpoint = {{fake}}";
const ENV_EP = { AWS_EC2_METADATA_SERVICE_ENDPOINT: "{{fake}}" };
const FULL = (p = "/creds", tok = "FAKE-ECS-AUTH") => ({
  AWS_CONTAINER_CREDENTIALS_FULL_URI: `{{fake}}${p}`,
  AWS_CONTAINER_AUTHORIZATION_TOKEN: tok,
});
const ecsHit = (auth = "FAKE-ECS-AUTH", p = "/creds") => `GET ${p} token=none auth=${auth}`;

const cases: Case[] = [
  // Instance metadata: where the settings come from.
  {
    name: "imds: endpoint from the env",
    source: "Ec2InstanceMetadata",
    env: ENV_EP,
    expect: "ok",
    hits: IMDS_OK,
  },
  {
    name: "imds: endpoint from the profile",
    source: "Ec2InstanceMetadata",
    profile: EP,
    expect: "ok",
    hits: IMDS_OK,
  },
  {
    name: "imds: the env's endpoint wins over the profile's",
    source: "Ec2InstanceMetadata",
    profile: "ec2_metadata_service_endpoint = http://127.0.0.1:9/",
    env: ENV_EP,
    expect: "ok",
    hits: IMDS_OK,
  },
  {
    name: "imds: a custom endpoint wins over endpoint mode IPv6",
    source: "Ec2InstanceMetadata",
    profile: `${EP}\nec2_metadata_service_endpoint_mode = IPv6`,
    expect: "ok",
    hits: IMDS_OK,
  },
  {
    name: "imds: endpoint on ::1",
    source: "Ec2InstanceMetadata",
    profile: EP,
    fakeHost: "::1",
    expect: "ok",
    hits: IMDS_OK,
  },
  {
    name: "imds: an invalid endpoint mode in the profile fails",
    source: "Ec2InstanceMetadata",
    profile: `${EP}\nec2_metadata_service_endpoint_mode = dual`,
    expect: "fail",
    hits: [],
  },
  {
    name: "imds: an invalid endpoint mode fails even a static-key profile",
    source: "static",
    profile: "ec2_metadata_service_endpoint_mode = ipv5",
    expect: "fail",
    hits: [],
  },
  {
    name: "imds: metadata_service_timeout that is not an int fails",
    source: "Ec2InstanceMetadata",
    profile: `${EP}\nmetadata_service_timeout = 1.5`,
    expect: "fail",
    hits: [],
  },
  {
    name: "imds: a metadata_service_timeout of 0 fails before any request",
    source: "Ec2InstanceMetadata",
    profile: `${EP}\nmetadata_service_timeout = 0`,
    expect: "fail",
    hits: [],
  },
  {
    name: "imds: AWS_METADATA_SERVICE_NUM_ATTEMPTS that is not an int fails",
    source: "Ec2InstanceMetadata",
    profile: EP,
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: "two" },
    expect: "fail",
    hits: [],
  },
  {
    name: "imds: AWS_EC2_METADATA_DISABLED=true asks nothing",
    source: "Ec2InstanceMetadata",
    profile: EP,
    env: { AWS_EC2_METADATA_DISABLED: "TRUE" },
    expect: "fail",
    hits: [],
  },
  {
    name: "imds: the settings of the profile named, not of the hop with credential_source",
    source: "Ec2InstanceMetadata",
    config:
      "[profile ops]\nrole_arn = {{role}}\nsource_profile = inner\n" +
      "ec2_metadata_service_endpoint = {{fake}}\n\n" +
      "[profile inner]\nrole_arn = {{role}}\ncredential_source = Ec2InstanceMetadata\n" +
      "ec2_metadata_service_endpoint = http://127.0.0.1:9/\nec2_metadata_v1_disabled = true\n",
    script: { tokenStatus: 404 },
    expect: "ok",
    hits: IMDS_V1,
  },
  // The token and IMDSv1.
  {
    name: "imds: a token PUT whose read times out falls back to IMDSv1 at once",
    source: "Ec2InstanceMetadata",
    profile: `${EP}\nmetadata_service_num_attempts = 3`,
    env: { AWS_METADATA_SERVICE_TIMEOUT: "1" },
    script: { hang: "token" },
    expect: "ok",
    hits: IMDS_V1,
  },
  {
    name: "imds: a role GET that times out is retried, then fails",
    source: "Ec2InstanceMetadata",
    profile: `${EP}\nmetadata_service_num_attempts = 2`,
    env: { AWS_METADATA_SERVICE_TIMEOUT: "1" },
    script: { hang: "role" },
    expect: "fail",
    hits: [IMDS_OK[0]!, IMDS_OK[1]!, IMDS_OK[1]!],
  },
  {
    name: "imds: an empty token is sent empty",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { tokenBody: "" },
    expect: "ok",
  },
  {
    name: "imds: an empty token with IMDSv1 disabled fails after the PUT",
    source: "Ec2InstanceMetadata",
    profile: `${EP}\nec2_metadata_v1_disabled = TRUE`,
    script: { tokenBody: "" },
    expect: "fail",
    hits: [IMDS_OK[0]!],
  },
  {
    name: "imds: token 404 falls back to IMDSv1",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { tokenStatus: 404 },
    expect: "ok",
    hits: IMDS_V1,
  },
  {
    name: "imds: token 404 with ec2_metadata_v1_disabled in the profile fails after the PUT",
    source: "Ec2InstanceMetadata",
    profile: `${EP}\nec2_metadata_v1_disabled = true`,
    script: { tokenStatus: 404 },
    expect: "fail",
    hits: [IMDS_OK[0]!],
  },
  {
    name: "imds: AWS_EC2_METADATA_V1_DISABLED wins over the profile's false",
    source: "Ec2InstanceMetadata",
    profile: `${EP}\nec2_metadata_v1_disabled = false`,
    env: { AWS_EC2_METADATA_V1_DISABLED: "True" },
    script: { tokenStatus: 403 },
    expect: "fail",
    hits: [IMDS_OK[0]!],
  },
  {
    name: "imds: v1 disabled but a token: succeeds",
    source: "Ec2InstanceMetadata",
    profile: `${EP}\nec2_metadata_v1_disabled = true`,
    expect: "ok",
    hits: IMDS_OK,
  },
  {
    name: "imds: token 500 is retried per metadata_service_num_attempts, then v1",
    source: "Ec2InstanceMetadata",
    profile: `${EP}\nmetadata_service_num_attempts = 2`,
    script: { tokenStatus: 500 },
    expect: "ok",
    hits: [IMDS_V1[0]!, ...IMDS_V1],
  },
  {
    name: "imds: token 400 fails after the PUT",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { tokenStatus: 400 },
    expect: "fail",
    hits: [IMDS_OK[0]!],
  },
  {
    name: "imds: no role (404), retried per AWS_METADATA_SERVICE_NUM_ATTEMPTS",
    source: "Ec2InstanceMetadata",
    profile: EP,
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: "2" },
    script: { roleStatus: 404 },
    expect: "fail",
    hits: [IMDS_OK[0]!, IMDS_OK[1]!, IMDS_OK[1]!],
  },
  {
    name: "imds: a role list with a trailing newline is used whole",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { roleBody: "diff-role\n" },
    expect: "ok",
    hits: IMDS_OK,
  },
  // What counts as a valid answer.
  {
    name: "imds: keys that are not JSON fail",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { credBody: "not json" },
    expect: "fail",
    hits: IMDS_OK,
  },
  {
    name: "imds: keys without Token fail",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { drop: ["Token"] },
    expect: "fail",
    hits: IMDS_OK,
  },
  {
    name: "imds: keys without Expiration fail",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { drop: ["Expiration"] },
    expect: "fail",
    hits: IMDS_OK,
  },
  {
    name: "imds: an Expiration that is not a date fails",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { patch: { Expiration: "soon" } },
    expect: "fail",
    hits: IMDS_OK,
  },
  {
    name: "imds: Token null, extra fields and an RFC 1123 GMT Expiration are accepted",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: {
      patch: { Token: null, Extra: { a: 1 }, Expiration: "Wed, 01 Jan 2031 00:00:00 GMT" },
    },
    expect: "ok",
    hits: IMDS_OK,
  },
  {
    name: "imds: a date-only Expiration (no zone) fails",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { patch: { Expiration: "2031-01-01" } },
    expect: "fail",
    hits: IMDS_OK,
  },
  {
    name: "imds: an Expiration with a zone name other than UTC/GMT fails",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { patch: { Expiration: "2031-01-01T00:00:00 EST" } },
    expect: "fail",
    hits: IMDS_OK,
  },
  {
    name: "imds: an Expiration with an offset and fractions is accepted",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { patch: { Expiration: "2031-01-01T00:00:00.123+02:00" } },
    expect: "ok",
    hits: IMDS_OK,
  },
  {
    name: "imds: an Expiration in the past is accepted (botocore extends it)",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { patch: { Expiration: "2020-01-01T00:00:00Z" } },
    expect: "ok",
    sequence: false,
  },
  {
    name: "imds: a JSON error answer (Code/Message only) fails",
    source: "Ec2InstanceMetadata",
    profile: EP,
    script: { credBody: '{"Code":"AssumeRoleUnauthorizedAccess","Message":"no"}' },
    expect: "fail",
    hits: IMDS_OK,
  },
  // Container credentials.
  {
    name: "ecs: full URI with a token",
    source: "EcsContainer",
    env: FULL(),
    expect: "ok",
    hits: [ecsHit()],
  },
  {
    name: "ecs: full URI on [::1]",
    source: "EcsContainer",
    env: FULL(),
    fakeHost: "::1",
    expect: "ok",
    hits: [ecsHit()],
  },
  {
    name: "ecs: the token file's exact content is the Authorization",
    source: "EcsContainer",
    env: {
      ...FULL("/creds", "FAKE-IGNORED"),
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "{{home}}/tok",
    },
    files: { tok: "FAKE-FROM-FILE" },
    expect: "ok",
    hits: [ecsHit("FAKE-FROM-FILE")],
  },
  {
    name: "ecs: a token file with a trailing newline fails before any request",
    source: "EcsContainer",
    env: { ...FULL(), AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "{{home}}/tok" },
    files: { tok: "FAKE-FROM-FILE\n" },
    expect: "fail",
    hits: [],
  },
  {
    name: "ecs: a token file with CRLF fails",
    source: "EcsContainer",
    env: { ...FULL(), AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "{{home}}/tok" },
    files: { tok: "FAKE\r\n" },
    expect: "fail",
    hits: [],
  },
  {
    name: "ecs: a missing token file fails even with a token variable",
    source: "EcsContainer",
    env: { ...FULL(), AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "{{home}}/nope" },
    expect: "fail",
    hits: [],
  },
  {
    name: "ecs: a token beyond latin-1 fails",
    source: "EcsContainer",
    env: FULL("/creds", "FAKE-€"),
    expect: "fail",
    hits: [],
  },
  {
    name: "ecs: no token, no Authorization",
    source: "EcsContainer",
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "{{fake}}/v2/x?a=1" },
    expect: "ok",
    hits: ["GET /v2/x?a=1 token=none auth=none"],
  },
  {
    name: "ecs: full URI on localhost",
    source: "EcsContainer",
    env: { ...FULL(), AWS_CONTAINER_CREDENTIALS_FULL_URI: "{{fake}}/creds" },
    fakeUrl: (u) => u.replace("127.0.0.1", "localhost"),
    expect: "ok",
    hits: [ecsHit()],
  },
  {
    name: "ecs: keys without Token fail after one request",
    source: "EcsContainer",
    env: FULL(),
    script: { drop: ["Token"] },
    expect: "fail",
    hits: [ecsHit()],
  },
  {
    name: "ecs: keys without Expiration fail after one request",
    source: "EcsContainer",
    env: FULL(),
    script: { drop: ["Expiration"] },
    expect: "fail",
    hits: [ecsHit()],
  },
  {
    name: "ecs: Token null and extra fields are accepted",
    source: "EcsContainer",
    env: FULL(),
    script: { patch: { Token: null, AccountId: "1", Extra: [1] } },
    expect: "ok",
    hits: [ecsHit()],
  },
  {
    name: "ecs: expired keys are fetched once more, then fail",
    source: "EcsContainer",
    env: FULL(),
    script: { patch: { Expiration: "2020-01-01T00:00:00Z" } },
    expect: "fail",
    hits: [ecsHit(), ecsHit()],
  },
  {
    name: "ecs: keys expiring within 15 minutes are fetched once more and used",
    source: "EcsContainer",
    env: FULL(),
    script: { expiresInS: 480 },
    expect: "ok",
    hits: [ecsHit(), ecsHit()],
  },
  {
    name: "ecs: a naive Expiration fails",
    source: "EcsContainer",
    env: FULL(),
    script: { patch: { Expiration: "2031-01-01T00:00:00" } },
    expect: "fail",
    hits: [ecsHit()],
  },
  {
    name: "ecs: HTTP 500 is tried three times, then fails",
    source: "EcsContainer",
    env: FULL(),
    script: { credStatus: 500 },
    expect: "fail",
    hits: [ecsHit(), ecsHit(), ecsHit()],
  },
  {
    name: "ecs: not JSON is tried three times, then fails",
    source: "EcsContainer",
    env: FULL(),
    script: { credBody: "<html>" },
    expect: "fail",
    hits: [ecsHit(), ecsHit(), ecsHit()],
  },
  {
    name: "ecs: an IPv4-mapped loopback host is not allowed",
    source: "EcsContainer",
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://[::ffff:127.0.0.1]:9/creds" },
    expect: "fail",
    hits: [],
  },
  {
    name: "known difference: HTTP_PROXY is not used for instance metadata",
    source: "Ec2InstanceMetadata",
    profile: EP,
    fakeHost: "127.0.0.2",
    env: { HTTP_PROXY: "http://127.0.0.1:9", NO_PROXY: "127.0.0.1" },
    expect: "ok",
    hits: IMDS_OK,
    known: { cli: "fail", cliHits: [] },
  },
  {
    name: "ecs: 127.1 is not a loopback address to botocore",
    source: "EcsContainer",
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.1:9/creds" },
    expect: "fail",
    hits: [],
  },
];

interface Side {
  code: number | null;
  stdout: string;
  stderr: string;
  arn?: string;
  hits: string[];
}

function configFor(c: Case, fake: string, home: string): string {
  if (c.config) return c.config.replaceAll("{{fake}}", fake);
  const lines = ["[profile ops]"];
  if (c.source === "static") {
    lines.push("aws_access_key_id = {{id}}", "aws_secret_access_key = {{secret}}");
  } else lines.push(`role_arn = {{role}}`, `credential_source = ${c.source}`);
  if (c.profile) lines.push(c.profile);
  return `${lines.join("\n")}\n`.replaceAll("{{fake}}", fake).replaceAll("{{home}}", home);
}

async function identityOf(env: Record<string, string>, endpoint: string) {
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return undefined;
  return callerArn(endpoint, {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    sessionToken: env.AWS_SESSION_TOKEN,
  }).catch(() => undefined);
}

const envDump = (out: string): Record<string, string> =>
  Object.fromEntries(
    out
      .split("\n")
      .filter((l) => l.indexOf("=") > 0)
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );

const arnOf = (out: string): string | undefined => {
  try {
    return (JSON.parse(out) as { Arn?: string }).Arn;
  } catch {
    return undefined;
  }
};

describeIf("differential: instance metadata and container credentials, aws CLI vs awsx", () => {
  let moto: Moto;
  let dave: MotoUser;
  let roleArn: string;
  const results = new Map<string, Promise<{ cli: Side; awsx: Side }>>();

  async function side(c: Case, tool: "cli" | "awsx"): Promise<Side> {
    const fake: ScriptedServer = await startScripted(c.script ?? {}, dave, c.fakeHost);
    const home = makeHome();
    try {
      const fakeUrl = c.fakeUrl ? c.fakeUrl(fake.url) : fake.url;
      const fill = (s: string) =>
        s
          .replaceAll("{{fake}}", fakeUrl)
          .replaceAll("{{home}}", home.dir)
          .replaceAll("{{role}}", roleArn)
          .replaceAll("{{id}}", dave.accessKeyId)
          .replaceAll("{{secret}}", dave.secretAccessKey);
      writeFileSync(home.configFile, fill(configFor(c, fakeUrl, home.dir)));
      for (const [f, text] of Object.entries(c.files ?? {}))
        writeFileSync(path.join(home.dir, f), text, { mode: 0o600 });
      const extra = Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, fill(v)]));
      // 1 s (the default) is short on a loaded machine; cases about the timeout set their own.
      const setsTimeout = /metadata_service_timeout/.test(`${c.profile}${c.config}`);
      const env = home.env({
        AWS_ENDPOINT_URL_STS: moto.url,
        AWS_DEFAULT_REGION: "us-east-1",
        AWS_EC2_METADATA_DISABLED: "false",
        ...(setsTimeout ? {} : { AWS_METADATA_SERVICE_TIMEOUT: "5" }),
        ...extra,
      });
      const args =
        tool === "cli"
          ? ["aws", ["--profile", "ops", "sts", "get-caller-identity", "--output", "json"]]
          : [process.execPath, [AWSX_BIN, "exec", "ops", "--backend", "none", "--", "env"]];
      const r = await runDetached(args[0] as string, args[1] as string[], env, 60_000);
      const out: Side = { code: r.code, stdout: r.stdout, stderr: r.stderr, hits: fake.hits };
      if (tool === "cli") out.arn = arnOf(r.stdout);
      else if (r.code === 0) {
        out.arn = await identityOf(envDump(r.stdout), moto.url);
        out.stdout = "(env of the child)";
      }
      return out;
    } finally {
      home.cleanup();
      await fake.close();
    }
  }

  beforeAll(async () => {
    moto = await startMoto();
    dave = await moto.createUser("meta-dave");
    roleArn = (await moto.createRole(ROLE)).arn;
    let running = 0;
    const queue: (() => void)[] = [];
    const slot = () =>
      new Promise<void>((r) => (running < PARALLEL ? (running++, r()) : queue.push(r)));
    const free = () => {
      const next = queue.shift();
      if (next) next();
      else running--;
    };
    for (const c of cases) {
      const p = slot().then(async () => {
        try {
          const [cli, awsx] = await Promise.all([side(c, "cli"), side(c, "awsx")]);
          return { cli, awsx };
        } finally {
          free();
        }
      });
      p.catch(() => undefined);
      results.set(c.name, p);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([...results.values()]);
    await moto?.stop();
  }, 60_000);

  const staticKeysArn = () => dave.arn;

  test.each(cases.map((c) => [c.name, c] as const))(
    "%s",
    async (_n, c) => {
      const { cli, awsx } = await results.get(c.name)!;
      const shown = (s: Side) =>
        `exit ${s.code} arn ${s.arn ?? "-"}\n  hits: ${JSON.stringify(s.hits)}\n  ` +
        `stderr: ${s.stderr.trim().slice(0, 400)}`;
      const problems: string[] = [];
      const want =
        c.source === "static"
          ? staticKeysArn()
          : `arn:aws:sts::${roleArn.split(":")[4]}:assumed-role/${ROLE}/`;
      for (const [name, s, expected] of [
        ["cli", cli, c.known?.cli ?? c.expect],
        ["awsx", awsx, c.expect],
      ] as const) {
        if (expected === "ok" && (s.code !== 0 || !s.arn?.startsWith(want)))
          problems.push(`${name} should succeed as ${want}`);
        if (expected === "fail" && s.code === 0) problems.push(`${name} should fail`);
      }
      if (c.expect === "fail") {
        const lines = awsx.stderr.split("\n").filter((l) => l.startsWith("awsx: "));
        if (lines.length !== 1 || !lines[0]!.includes('"ops"'))
          problems.push("awsx should print one awsx: line naming the profile");
        if (![78, 79].includes(awsx.code ?? 0)) problems.push("awsx should exit 78 or 79");
      }
      const same = (a: string[], b: string[] | undefined) =>
        JSON.stringify(a) === JSON.stringify(b);
      if (c.known) {
        if (!same(cli.hits, c.known.cliHits)) problems.push("the CLI's requests are not pinned");
        if (!same(awsx.hits, c.hits)) problems.push("awsx's requests are not the pinned ones");
      } else {
        if (c.sequence !== false && !same(cli.hits, awsx.hits))
          problems.push("the two tools asked the fake different things");
        if (c.hits && !same(cli.hits, c.hits))
          problems.push(`the CLI's requests are not the pinned ${JSON.stringify(c.hits)}`);
      }
      if (problems.length)
        throw new Error(
          [`case "${c.name}":`, ...problems, `cli: ${shown(cli)}`, `awsx: ${shown(awsx)}`].join(
            "\n",
          ),
        );
    },
    120_000,
  );

  // Cases where a link-local fallback is possible: both tools in a namespace with only
  // loopback, where 169.254.x and fd00:ec2:: are unreachable; @FAKE@ records requests there.
  const netnsCases: {
    name: string;
    source: Source;
    profile?: string;
    // Extra sections after [profile ops].
    more?: string;
    env: Record<string, string>;
  }[] = [
    {
      name: "imds: an endpoint in the credential_source hop's profile is not used",
      source: "Ec2InstanceMetadata",
      profile: "source_profile = inner",
      more:
        "[profile inner]\nrole_arn = arn:aws:iam::123456789012:role/x\n" +
        "credential_source = Ec2InstanceMetadata\nec2_metadata_service_endpoint = @FAKE@\n",
      env: {},
    },
    { name: "imds: no endpoint set (169.254.169.254)", source: "Ec2InstanceMetadata", env: {} },
    {
      name: "imds: endpoint mode IPv6, no endpoint ([fd00:ec2::254])",
      source: "Ec2InstanceMetadata",
      profile: "ec2_metadata_service_endpoint_mode = ipv6",
      env: {},
    },
    {
      name: "imds: an empty AWS_EC2_METADATA_SERVICE_ENDPOINT means the default, not the profile's",
      source: "Ec2InstanceMetadata",
      profile: "ec2_metadata_service_endpoint = @FAKE@",
      env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: "" },
    },
    {
      name: "ecs: relative URI (169.254.170.2)",
      source: "EcsContainer",
      env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/creds" },
    },
    {
      name: "ecs: an empty relative URI still wins over the full URI",
      source: "EcsContainer",
      env: {
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "",
        AWS_CONTAINER_CREDENTIALS_FULL_URI: "@FAKE@/creds",
      },
    },
  ];

  test.each(netnsCases.map((c) => [c.name, c] as const))(
    "in a private network namespace: %s",
    async (_n, c) => {
      const home = makeHome();
      try {
        const lines = ["[profile ops]", `role_arn = ${roleArn}`];
        if (!c.profile?.startsWith("source_profile")) lines.push(`credential_source = ${c.source}`);
        if (c.profile) lines.push(c.profile);
        if (c.more) lines.push("", c.more);
        writeFileSync(home.configFile, `${lines.join("\n")}\n`);
        const env = home.env({ ...NO_NETWORK_ENV, ...c.env });
        const runs = bothTools(env, "env");
        const r = await inPrivateNetwork(
          [process.execPath, NETNS_RUNS, JSON.stringify(runs)],
          home,
          env.PATH!,
        );
        const [cli, awsx] = JSON.parse(
          r.stdout.length ? r.stdout : `[{"code":-1,"stderr":${JSON.stringify(r.stderr)}}]`,
        ) as { code: number; stderr: string; hits: string[] }[];
        const msg = `cli: ${JSON.stringify(cli)}\nawsx: ${JSON.stringify(awsx)}`;
        expect({ cli: cli?.code !== 0, awsx: awsx?.code !== 0, msg }).toEqual({
          cli: true,
          awsx: true,
          msg,
        });
        expect(awsx!.hits).toEqual(cli!.hits);
        expect(awsx!.stderr.split("\n").filter((l) => l.startsWith("awsx: "))).toHaveLength(1);
      } finally {
        home.cleanup();
      }
    },
    120_000,
  );
});

// A connect that times out, made real: the fake's listen queue is full, so the kernel drops
// SYNs (droppedConnects.py), inside a private namespace. botocore retries a token PUT whose
// connect timed out (and gives up on one whose read did, above); connect() calls are counted
// under strace, since a dropped SYN reaches no server.
const describeDropped = await needs(
  { name: "aws", probe: () => commandRuns("aws", ["--version"]), hint: "the AWS CLI v1" },
  NETNS,
  "strace",
  "python3",
);

describeDropped("differential: instance metadata connects that time out", () => {
  const PROFILE =
    "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/x\n" +
    "credential_source = Ec2InstanceMetadata\nec2_metadata_service_endpoint = @FAKE@\n" +
    "metadata_service_num_attempts = 2\n";
  const TOKEN_OK = [
    "PUT /latest/api/token token=none",
    "GET /latest/meta-data/iam/security-credentials/ token=ok",
    "GET /latest/meta-data/iam/security-credentials/diff-role token=ok",
  ];
  type Run = { code: number; stderr: string; hits: string[]; connects: number };

  async function both(drop: number | null, extra: string, timeoutS: string): Promise<Run[]> {
    const home = makeHome();
    try {
      writeFileSync(home.configFile, PROFILE + extra);
      const env = home.env({ ...NO_NETWORK_ENV, AWS_METADATA_SERVICE_TIMEOUT: timeoutS });
      const runs = bothTools(env, "true");
      const r = await inPrivateNetwork(
        ["python3", DROPPED, JSON.stringify({ drop, runs })],
        home,
        env.PATH!,
      );
      if (!r.stdout.trim()) throw new Error(`droppedConnects.py: exit ${r.code}\n${r.stderr}`);
      return JSON.parse(r.stdout) as Run[];
    } finally {
      home.cleanup();
    }
  }

  test("every connect times out: the token PUT and the role GET are each tried twice", async () => {
    const [cli, awsx] = await both(null, "", "1");
    const msg = `cli: ${JSON.stringify(cli)}\nawsx: ${JSON.stringify(awsx)}`;
    expect({ cli: cli!.connects, awsx: awsx!.connects, msg }).toEqual({ cli: 4, awsx: 4, msg });
    expect([cli!.code !== 0, awsx!.code]).toEqual([true, 79]);
  }, 120_000);

  test("the first token connect times out, the retry gets a token (IMDSv1 disabled)", async () => {
    // Two dropped SYNs (the first and its retransmit at 1 s) end attempt one at 2 s.
    const [cli, awsx] = await both(2, "ec2_metadata_v1_disabled = true\n", "2");
    const msg = `cli: ${JSON.stringify(cli)}\nawsx: ${JSON.stringify(awsx)}`;
    expect({ cli: cli!.hits, awsx: awsx!.hits, msg }).toEqual({
      cli: TOKEN_OK,
      awsx: TOKEN_OK,
      msg,
    });
    expect({ cli: cli!.connects, awsx: awsx!.connects, msg }).toEqual({ cli: 4, awsx: 4, msg });
    // Both go on to STS, which is closed here.
    expect(awsx!.stderr).toMatch(/cannot reach STS/);
  }, 120_000);
});
