// Differential by call sequence: the same config through `aws --profile P sts
// get-caller-identity` and `awsx exec P -- env`, each tool with its own recording endpoints
// in front of one moto_server ({{ep.env}}, {{ep.profile}}, {{ep.services}}: which one a call
// reached is part of what is compared). Both must make the same STS calls in the same order
// (endpoint, action, parameters, who signed, signing region, session token), apart from the
// CLI's own final GetCallerIdentity, and end as the same identity or both fail. Neither tool
// can reach a non-loopback address (a closed proxy for the CLI, a DNS preload for awsx).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { makeHome } from "../helpers/home.js";
import { startMoto, type Moto, type MotoUser } from "../helpers/moto.js";
import { type ProxiedCall, startRecordingProxy } from "../helpers/recordingProxy.js";
import { commandRuns, needs } from "../helpers/requirements.js";
import { AWSX_BIN } from "../helpers/awsx.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ENDPOINTS = ["env", "profile", "services"] as const;
const PARALLEL = 3;
// No request may leave the machine, even from a regression: the CLI sends anything not on
// loopback to a closed local proxy; awsx gets a preload that fails every non-local lookup.
const CLI_LOOPBACK_ONLY = {
  HTTPS_PROXY: "http://127.0.0.1:9",
  HTTP_PROXY: "http://127.0.0.1:9",
  NO_PROXY: "127.0.0.1,localhost",
};
const AWSX_LOOPBACK_ONLY = {
  NODE_OPTIONS: `--require=${path.resolve(here, "..", "fixtures", "diff", "loopbackOnly.cjs")}`,
};

interface SeqCase {
  name: string;
  profile: string;
  // Templates: {{alice.id}} {{alice.secret}} {{carol.id}} {{carol.secret}} {{role.NAME}}
  // {{ep.env}} {{ep.profile}} {{ep.services}} {{home}}.
  config: string;
  credentials?: string;
  env?: Record<string, string>;
  files?: Record<string, string>;
  // Success: the identity (assumed role name, or user); failure: the CLI's message.
  expect: { role: string } | { user: string } | { fail: RegExp; awsxCode: number };
  // At least this many STS calls (the sequence must not be trivially empty on success).
  minCalls?: number;
  // A known difference (docs/config.md): what awsx does instead (an identity, or an exit code).
  awsx?: { role?: string; code?: number; calls: string[] };
}

const BASE = "[base]\naws_access_key_id = {{alice.id}}\naws_secret_access_key = {{alice.secret}}\n";
const role = (name: string, lines = "") =>
  `[profile ${name}]\nrole_arn = {{role.deployer}}\nsource_profile = base\n` +
  `region = eu-west-1\n${lines}`;

const cases: SeqCase[] = [
  {
    name: "static keys: no STS call",
    profile: "base",
    config: "[profile base]\nregion = eu-west-1\n",
    credentials: BASE,
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { user: "alice" },
  },
  {
    name: "AssumeRole through AWS_ENDPOINT_URL_STS, signed for the profile's region",
    profile: "r",
    config: role("r"),
    credentials: BASE,
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { role: "deployer" },
    minCalls: 1,
  },
  {
    name: "the profile's endpoint_url",
    profile: "r",
    config: role("r", "endpoint_url = {{ep.profile}}\n"),
    credentials: BASE,
    expect: { role: "deployer" },
    minCalls: 1,
  },
  {
    name: "AWS_ENDPOINT_URL beats the services section and the profile's endpoint_url",
    profile: "r",
    config:
      role("r", "services = local\nendpoint_url = {{ep.profile}}\n") +
      "[services local]\nsts =\n  endpoint_url = {{ep.services}}\n",
    credentials: BASE,
    env: { AWS_ENDPOINT_URL: "{{ep.env}}" },
    expect: { role: "deployer" },
    minCalls: 1,
  },
  {
    name: "the services section's sts endpoint_url beats the profile's endpoint_url",
    profile: "r",
    config:
      role("r", "services = local\nendpoint_url = {{ep.profile}}\n") +
      "[services local]\nsts =\n  endpoint_url = {{ep.services}}\n",
    credentials: BASE,
    expect: { role: "deployer" },
    minCalls: 1,
  },
  {
    name: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false beats the profile's ignore = true",
    profile: "r",
    config: role("r", "ignore_configured_endpoint_urls = true\n"),
    credentials: BASE,
    env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false", AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { role: "deployer" },
    minCalls: 1,
  },
  {
    name: "a two-role chain: every hop through the named profile's endpoint and region",
    profile: "top",
    config:
      "[profile top]\nrole_arn = {{role.deployer}}\nsource_profile = mid\nregion = ap-south-1\n" +
      "endpoint_url = {{ep.profile}}\n" +
      "[profile mid]\nrole_arn = {{role.hop2}}\nsource_profile = base\nregion = eu-west-1\n" +
      "endpoint_url = {{ep.services}}\n",
    credentials: BASE,
    expect: { role: "deployer" },
    minCalls: 2,
  },
  {
    name: "role parameters: session name, external id, duration; source_identity not sent",
    profile: "r",
    config: role(
      "r",
      "role_session_name = seq-session\nexternal_id = ext-42\nduration_seconds = 1800\n" +
        "source_identity = someone\n",
    ),
    credentials: BASE,
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { role: "deployer" },
    minCalls: 1,
  },
  {
    name: "sts_regional_endpoints = legacy with a configured endpoint: region signing unchanged",
    profile: "r",
    config: role("r", "sts_regional_endpoints = legacy\n"),
    credentials: BASE,
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { role: "deployer" },
    minCalls: 1,
  },
  {
    name: "credential_source = Environment: AWS_SECURITY_TOKEN is the one sent",
    profile: "r",
    config:
      "[profile r]\nrole_arn = {{role.deployer}}\ncredential_source = Environment\n" +
      "region = eu-west-1\n",
    env: {
      AWS_ENDPOINT_URL_STS: "{{ep.env}}",
      AWS_ACCESS_KEY_ID: "{{carol.id}}",
      AWS_SECRET_ACCESS_KEY: "{{carol.secret}}",
      AWS_SESSION_TOKEN: "FAKE-session-token-var",
      AWS_SECURITY_TOKEN: "FAKE-security-token-var",
    },
    expect: { role: "deployer" },
    minCalls: 1,
  },
  {
    name: "credential_source = Environment with an expired AWS_CREDENTIAL_EXPIRATION: no call",
    profile: "r",
    config:
      "[profile r]\nrole_arn = {{role.deployer}}\ncredential_source = Environment\n" +
      "region = eu-west-1\n",
    env: {
      AWS_ENDPOINT_URL_STS: "{{ep.env}}",
      AWS_ACCESS_KEY_ID: "{{carol.id}}",
      AWS_SECRET_ACCESS_KEY: "{{carol.secret}}",
      AWS_CREDENTIAL_EXPIRATION: "2020-01-01T00:00:00Z",
    },
    expect: { fail: /refreshed credentials are still expired/, awsxCode: 79 },
  },
  {
    name: "web identity: AssumeRoleWithWebIdentity, unsigned",
    profile: "w",
    config:
      "[profile w]\nrole_arn = {{role.deployer}}\nweb_identity_token_file = {{home}}/token\n" +
      "role_session_name = seq-web\nregion = eu-west-1\n",
    files: { token: "fake-web-identity-token" },
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { role: "deployer" },
    minCalls: 1,
  },
  {
    name: "a web identity token file ending in a newline (known difference: awsx trims it)",
    profile: "w",
    config:
      "[profile w]\nrole_arn = {{role.deployer}}\nweb_identity_token_file = {{home}}/token\n" +
      "role_session_name = seq-web\nregion = eu-west-1\n",
    files: { token: "fake-web-identity-token\n" },
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { role: "deployer" },
    awsx: {
      role: "deployer",
      calls: [
        "env AssumeRoleWithWebIdentity RoleArn={{role.deployer}} RoleSessionName=seq-web " +
          "WebIdentityToken=fake-web-identity-token",
      ],
    },
  },
  {
    name: "services naming a missing section: no call at all",
    profile: "r",
    config: role("r", "services = nope\n"),
    credentials: BASE,
    expect: { fail: /"nope" services configuration does not exist/, awsxCode: 78 },
  },
  {
    name: "an invalid sts_regional_endpoints: no call at all",
    profile: "r",
    config: role("r", "endpoint_url = {{ep.profile}}\n"),
    credentials: BASE,
    env: { AWS_STS_REGIONAL_ENDPOINTS: "global" },
    expect: { fail: /STS regional endpoints option global is invalid/, awsxCode: 78 },
  },
  {
    name: "an empty AWS_DEFAULT_REGION and no endpoint: no call at all",
    profile: "r",
    config: role("r"),
    credentials: BASE,
    env: { AWS_DEFAULT_REGION: "" },
    expect: { fail: /Invalid endpoint: https:\/\/sts\.\.amazonaws\.com/, awsxCode: 78 },
  },
  {
    name: "an empty AWS_DEFAULT_REGION with an endpoint (known difference: the CLI signs for '')",
    profile: "r",
    config: role("r"),
    credentials: BASE,
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}", AWS_DEFAULT_REGION: "" },
    expect: { role: "deployer" },
    awsx: { code: 78, calls: [] },
  },
  {
    name: "a missing web identity token file: no call at all",
    profile: "w",
    config:
      "[profile w]\nrole_arn = {{role.deployer}}\nweb_identity_token_file = {{home}}/absent\n" +
      "region = eu-west-1\n",
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { fail: /No such file|absent/, awsxCode: 79 },
  },
  {
    name: "no region but [default] has one, endpoint configured (known difference)",
    profile: "r",
    config:
      "[default]\nregion = eu-west-1\n" +
      "[profile r]\nrole_arn = {{role.deployer}}\nsource_profile = base\n",
    credentials: BASE,
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { fail: /You must specify a region/, awsxCode: 0 },
    awsx: {
      role: "deployer",
      calls: [
        "env AssumeRole by alice for us-east-1 RoleArn={{role.deployer}} RoleSessionName=<default>",
      ],
    },
  },
  // Parity round 2, A: an empty role_session_name sends the default name; duration_seconds
  // read as Python's int(); values under the STS model's minimum send nothing.
  {
    name: "an empty role_session_name: RoleSessionName is the default name",
    profile: "r",
    config: role("r", "role_session_name =\n"),
    credentials: BASE,
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { role: "deployer" },
    minCalls: 1,
  },
  {
    name: "web identity with an empty role_session_name: RoleSessionName is the default name",
    profile: "w",
    config:
      "[profile w]\nrole_arn = {{role.deployer}}\nweb_identity_token_file = {{home}}/token\n" +
      "role_session_name =\nregion = eu-west-1\n",
    files: { token: "fake-web-identity-token" },
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { role: "deployer" },
    minCalls: 1,
  },
  ...["+3_600", "３６００", "0_3_6_0_0"].map((d) => ({
    name: `duration_seconds = ${d} is sent as DurationSeconds=3600`,
    profile: "r",
    config: role("r", `duration_seconds = ${d}\n`),
    credentials: BASE,
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { role: "deployer" },
    minCalls: 1,
  })),
  {
    name: "external_id of one character: no call at all",
    profile: "r",
    config: role("r", "external_id = x\n"),
    credentials: BASE,
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { fail: /Invalid length for parameter ExternalId, value: 1/, awsxCode: 78 },
  },
  {
    name: "a web identity token of 3 characters: no call at all",
    profile: "w",
    config:
      "[profile w]\nrole_arn = {{role.deployer}}\nweb_identity_token_file = {{home}}/token\n" +
      "region = eu-west-1\n",
    files: { token: "abc" },
    env: { AWS_ENDPOINT_URL_STS: "{{ep.env}}" },
    expect: { fail: /Invalid length for parameter WebIdentityToken, value: 3/, awsxCode: 79 },
  },
];

interface Side {
  code: number | null;
  stdout: string;
  stderr: string;
  calls: ProxiedCall[];
}

function run(argv: string[], env: Record<string, string>): Promise<Omit<Side, "calls">> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env,
      cwd: env.HOME,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const template = (text: string, vars: Record<string, string>): string =>
  text.replace(/\{\{([\w.]+)\}\}/g, (_, k: string) => {
    if (vars[k] === undefined) throw new Error(`unknown template {{${k}}}`);
    return vars[k]!;
  });

const describeIf = await needs("moto_server", {
  name: "aws",
  probe: () => commandRuns("aws", ["--version"]),
  hint: "the AWS CLI v1",
});

describeIf("differential by STS call sequence: aws CLI vs awsx", () => {
  let moto: Moto;
  const users: Record<string, MotoUser> = {};
  const vars: Record<string, string> = {};
  const results = new Map<
    string,
    Promise<{ cli: Side; awsx: Side; childArn?: string; childRegion?: string }>
  >();

  // One call as a comparable line: endpoint, action, signer, region, token, parameters.
  function describeCall(c: ProxiedCall, via: string, env: Record<string, string>): string {
    const who =
      c.accessKeyId === undefined
        ? "unsigned"
        : (Object.entries(users).find(([, u]) => u.accessKeyId === c.accessKeyId)?.[0] ??
          (c.accessKeyId === env.AWS_ACCESS_KEY_ID ? "env keys" : "a session"));
    const token =
      c.securityToken === undefined
        ? ""
        : ` token ${
            Object.entries(env).find(
              ([k, v]) => k.endsWith("_TOKEN") && v === c.securityToken,
            )?.[0] ?? "of a session"
          }`;
    const params = Object.entries(c.params)
      .filter(([k]) => k !== "Action" && k !== "Version")
      .map(([k, v]) => `${k}=${/^(botocore-session|awsx)-\d+$/.test(v) ? "<default>" : v}`)
      .sort();
    const signed = c.accessKeyId === undefined ? "" : ` by ${who} for ${c.signingRegion}`;
    return `${via} ${c.action}${signed}${token}${params.length ? ` ${params.join(" ")}` : ""}`;
  }

  async function side(
    c: SeqCase,
    tool: "cli" | "awsx",
  ): Promise<Side & { env: Record<string, string>; lines: string[] }> {
    const home = makeHome();
    const proxies = await Promise.all(ENDPOINTS.map(() => startRecordingProxy(moto.url)));
    try {
      const v: Record<string, string> = { ...vars, home: home.dir };
      ENDPOINTS.forEach((name, i) => (v[`ep.${name}`] = proxies[i]!.url));
      writeFileSync(home.configFile, template(c.config, v));
      writeFileSync(home.credentialsFile, template(c.credentials ?? "", v));
      for (const [rel, text] of Object.entries(c.files ?? {}))
        writeFileSync(path.join(home.dir, rel), text, { mode: 0o600 });
      const env = home.env({
        ...(tool === "cli" ? CLI_LOOPBACK_ONLY : AWSX_LOOPBACK_ONLY),
        ...Object.fromEntries(Object.entries(c.env ?? {}).map(([k, val]) => [k, template(val, v)])),
      });
      const argv =
        tool === "cli"
          ? ["aws", "--profile", c.profile, "sts", "get-caller-identity", "--output", "json"]
          : [process.execPath, AWSX_BIN, "exec", c.profile, "--backend", "none", "--", "env"];
      const r = await run(argv, env);
      const tagged = ENDPOINTS.flatMap((name, i) =>
        proxies[i]!.calls.map((call) => ({ name, call })),
      );
      tagged.sort((a, b) => (a.call.at < b.call.at ? -1 : 1));
      const lines = tagged.map(({ name, call }) => describeCall(call, name, env));
      return { ...r, calls: tagged.map((t) => t.call), env, lines };
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
      home.cleanup();
    }
  }

  async function identity(env: Record<string, string>): Promise<string | undefined> {
    if (!env.AWS_ACCESS_KEY_ID) return undefined;
    const sts = new STSClient({
      endpoint: moto.url,
      region: "us-east-1",
      maxAttempts: 1,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "",
        sessionToken: env.AWS_SESSION_TOKEN,
      },
    });
    try {
      return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
    } finally {
      sts.destroy();
    }
  }

  beforeAll(async () => {
    moto = await startMoto();
    for (const u of ["alice", "carol"]) {
      users[u] = await moto.createUser(`seq-${u}`);
      vars[`${u}.id`] = users[u]!.accessKeyId;
      vars[`${u}.secret`] = users[u]!.secretAccessKey;
    }
    for (const r of ["deployer", "hop2"])
      vars[`role.${r}`] = (await moto.createRole(`seq-${r}`)).arn;
    const starts: Array<() => void> = [];
    const gates = cases.map(() => new Promise<void>((r) => starts.push(r)));
    let next = 0;
    const release = () => starts[next++]?.();
    cases.forEach((c, i) => {
      const p = gates[i]!.then(async () => {
        const [cli, awsx] = await Promise.all([side(c, "cli"), side(c, "awsx")]);
        const childEnv = Object.fromEntries(
          awsx.stdout.split("\n").flatMap((l) => {
            const eq = l.indexOf("=");
            return eq > 0 ? [[l.slice(0, eq), l.slice(eq + 1)]] : [];
          }),
        );
        const childArn = awsx.code === 0 ? await identity(childEnv) : undefined;
        return { cli, awsx, childArn, childRegion: childEnv.AWS_REGION };
      });
      const done = p.finally(release);
      done.catch(() => undefined);
      results.set(
        c.name,
        done as Promise<{ cli: Side; awsx: Side; childArn?: string; childRegion?: string }>,
      );
    });
    for (let i = 0; i < PARALLEL; i++) release();
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([...results.values()]);
    await moto?.stop();
  }, 30_000);

  const arnOf = (stdout: string): string | undefined => {
    try {
      return (JSON.parse(stdout) as { Arn?: string }).Arn;
    } catch {
      return undefined;
    }
  };
  const matches = (arn: string | undefined, want: { role: string } | { user: string }) =>
    "role" in want
      ? new RegExp(`:assumed-role/seq-${want.role}/`).test(arn ?? "")
      : arn === users[want.user]?.arn;

  test.each(cases.map((c) => [c.name, c] as const))(
    "%s",
    async (_name, c) => {
      const res = (await results.get(c.name)!) as unknown as {
        cli: Side & { lines: string[] };
        awsx: Side & { lines: string[] };
        childArn?: string;
        childRegion?: string;
      };
      const { cli, awsx } = res;
      // The CLI's own command, not part of getting credentials.
      const cliLines = cli.code === 0 ? cli.lines.slice(0, -1) : cli.lines;
      const shown =
        `\ncli (exit ${cli.code}): ${cli.lines.join(" | ")}\n${cli.stderr.slice(-400)}` +
        `\nawsx (exit ${awsx.code}): ${awsx.lines.join(" | ")}\n${awsx.stderr.slice(-400)}`;
      try {
        if ("fail" in c.expect) {
          expect(cli.code).not.toBe(0);
          expect(cli.stderr).toMatch(c.expect.fail);
        } else {
          expect(cli.code).toBe(0);
          expect(matches(arnOf(cli.stdout), c.expect)).toBe(true);
          expect(cli.lines[cli.lines.length - 1]).toMatch(/ GetCallerIdentity /);
          expect(cliLines.length).toBeGreaterThanOrEqual(c.minCalls ?? 0);
        }
        if (c.name.startsWith("a web identity token file ending in a newline"))
          expect(cli.lines[0]).toMatch(/WebIdentityToken=fake-web-identity-token\n$/);
        if (c.awsx) {
          expect(awsx.code).toBe(c.awsx.code ?? 0);
          if (c.awsx.role) expect(matches(res.childArn, { role: c.awsx.role })).toBe(true);
          // [default]'s region is not the profile's: the child gets no region variable.
          if (c.name.startsWith("no region but [default]")) expect(res.childRegion).toBeUndefined();
          expect(awsx.lines).toEqual(c.awsx.calls.map((l) => template(l, vars)));
          return;
        }
        expect(awsx.lines).toEqual(cliLines);
        if ("fail" in c.expect) expect(awsx.code).toBe(c.expect.awsxCode);
        else {
          expect(awsx.code).toBe(0);
          expect(matches(res.childArn, c.expect)).toBe(true);
        }
      } catch (e) {
        throw new Error(`${(e as Error).message}${shown}`);
      }
    },
    120_000,
  );
});
