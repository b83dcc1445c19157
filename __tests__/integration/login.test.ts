// awsx login: a console sign-in URL through the federation endpoint, with STS at a real
// moto_server and AWSX_FEDERATION_ENDPOINT at an in-process fake that records each
// getSigninToken request. Nothing but 127.0.0.1 is ever contacted. Runs bin/awsx.js.
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GetFederationTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { makeHome, type TempHome, keysSection } from "../helpers/home.js";
import { startMoto, type Moto, type MotoUser, type RecordedCall } from "../helpers/moto.js";
import { refuseConnectionsUrl } from "../helpers/ports.js";
import { needs } from "../helpers/requirements.js";
import { expectExit, expectOneError, runAwsx } from "../helpers/awsx.js";

const ROLE_ARN = /^arn:aws:sts::123456789012:assumed-role\/target1-role\/[\w+=,.@-]{2,64}$/;
const SIGNIN_TOKEN = "FAKE-signin-token_0123456789abcdefghijklmnopqrstuvwxyz+/=";
const ALLOW_ALL = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};

const describeIf = await needs("moto_server");

interface FederationRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  session?: Record<string, unknown>;
}

// The fake sign-in federation endpoint: answers getSigninToken with `answer` (default a token).
interface FakeFederation {
  url: string;
  requests: FederationRequest[];
  answer: { status: number; body: string };
  close(): Promise<void>;
}

async function startFakeFederation(): Promise<FakeFederation> {
  const fake: FakeFederation = {
    url: "",
    requests: [],
    answer: { status: 200, body: JSON.stringify({ SigninToken: SIGNIN_TOKEN }) },
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    const params = Object.fromEntries(u.searchParams);
    let session: Record<string, unknown> | undefined;
    try {
      session =
        params.Session === undefined
          ? undefined
          : (JSON.parse(params.Session) as Record<string, unknown>);
    } catch {
      session = { unparsable: params.Session };
    }
    fake.requests.push({ method: req.method ?? "", path: u.pathname, params, session });
    req.resume();
    res.writeHead(fake.answer.status, { "Content-Type": "application/json", Connection: "close" });
    res.end(fake.answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/federation`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

// The printed URL, checked as the console reads it.
function parseLoginUrl(
  stdout: string,
  endpoint: string,
): { destination: string; params: Record<string, string> } {
  expect(stdout.endsWith("\n")).toBe(true);
  expect(stdout.trim().split("\n")).toHaveLength(1);
  const u = new URL(stdout.trim());
  expect(`${u.origin}${u.pathname}`).toBe(endpoint);
  const params = Object.fromEntries(u.searchParams);
  expect(Object.keys(params).sort()).toEqual(["Action", "Destination", "Issuer", "SigninToken"]);
  expect(params).toMatchObject({ Action: "login", Issuer: "awsx", SigninToken: SIGNIN_TOKEN });
  return { destination: params.Destination!, params };
}

describeIf("awsx login", () => {
  let moto: Moto;
  let foo: MotoUser;
  let home: TempHome;
  let roleArn: string;
  let fed: FakeFederation;

  beforeAll(async () => {
    moto = await startMoto();
    foo = await moto.createUser("foo");
    roleArn = (await moto.createRole("target1-role", { maxSessionDuration: 43200 })).arn;
    home = makeHome({
      credentials: keysSection("foo", foo),
      config: [
        "[profile target1]",
        `role_arn = ${roleArn}`,
        "source_profile = foo",
        "",
        "[profile cn]",
        `role_arn = ${roleArn}`,
        "source_profile = foo",
        "region = cn-north-1",
        "",
      ].join("\n"),
    });
    fed = await startFakeFederation();
  }, 60_000);

  afterAll(async () => {
    await fed?.close();
    await moto?.stop();
    home?.cleanup();
  }, 20_000);

  beforeEach(async () => {
    await moto.startRecording();
    fed.requests.length = 0;
    fed.answer = { status: 200, body: JSON.stringify({ SigninToken: SIGNIN_TOKEN }) };
  });

  const env = (extra: Record<string, string | undefined> = {}) =>
    home.env({
      AWS_ENDPOINT_URL_STS: moto.url,
      AWS_DEFAULT_REGION: "us-east-1",
      AWSX_FEDERATION_ENDPOINT: fed.url,
      ...extra,
    });

  const stsCalls = async (): Promise<RecordedCall[]> =>
    (await moto.recordedCalls()).filter((c) => c.service === "sts");

  // The one getSigninToken request the fake received, with its Session JSON.
  function signinRequest(): FederationRequest & {
    session: { sessionId: string; sessionKey: string; sessionToken: string };
  } {
    expect(fed.requests).toHaveLength(1);
    const req = fed.requests[0]!;
    expect(req).toMatchObject({
      method: "GET",
      path: "/federation",
      params: { Action: "getSigninToken" },
    });
    expect(Object.keys(req.session ?? {}).sort()).toEqual([
      "sessionId",
      "sessionKey",
      "sessionToken",
    ]);
    return req as any;
  }

  test("role profile: Session is the JSON of the role's credentials; " +
    "the URL carries the token and the console destination", async () => {
    const r = await runAwsx(["login", "target1", "--backend", "none"], env());
    expectExit(r, 0);
    const req = signinRequest();
    expect(Object.keys(req.params).sort()).toEqual(["Action", "Session"]);
    const { sessionId, sessionKey, sessionToken } = req.session;
    expect(sessionId).toMatch(/^ASIA[A-Z0-9]{12,}$/);
    expect(sessionKey.length).toBeGreaterThanOrEqual(20);
    expect(sessionToken.length).toBeGreaterThanOrEqual(20);
    // Those are the credentials moto issued for target1-role, after one AssumeRole signed by foo.
    expect(await moto.arnOf(sessionId)).toMatch(ROLE_ARN);
    const calls = await stsCalls();
    expect(calls.map((c) => c.action)).toEqual(["AssumeRole", "GetCallerIdentity"]);
    expect(calls[0]).toMatchObject({ accessKeyId: foo.accessKeyId, params: { RoleArn: roleArn } });
    expect(calls[0]!.params.DurationSeconds).toBeUndefined();

    const { destination } = parseLoginUrl(r.stdout, fed.url);
    expect(destination).toBe("https://console.aws.amazon.com/?region=us-east-1");
    // Nothing secret on stdout or stderr.
    for (const s of [sessionKey, sessionToken, foo.secretAccessKey]) {
      expect(r.stdout).not.toContain(s);
      expect(r.stderr).not.toContain(s);
    }
  }, 30_000);

  test("--path s3/home opens the S3 page; --region changes the destination's region; " +
    "a full https URL is kept", async () => {
    let r = await runAwsx(["login", "target1", "--backend", "none", "--path", "s3/home"], env());
    expectExit(r, 0);
    expect(parseLoginUrl(r.stdout, fed.url).destination).toBe(
      "https://console.aws.amazon.com/s3/home?region=us-east-1",
    );

    r = await runAwsx(
      ["login", "target1", "--backend", "none", "--region", "eu-west-1", "--path", "/ec2/home"],
      env(),
    );
    expectExit(r, 0);
    expect(parseLoginUrl(r.stdout, fed.url).destination).toBe(
      "https://console.aws.amazon.com/ec2/home?region=eu-west-1",
    );

    const full =
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards";
    r = await runAwsx(["login", "target1", "--backend", "none", "--path", full], env());
    expectExit(r, 0);
    expect(parseLoginUrl(r.stdout, fed.url).destination).toBe(full);
  }, 30_000);

  test("a profile in cn-north-1 gets the China console as destination", async () => {
    const r = await runAwsx(
      ["login", "cn", "--backend", "none"],
      env({ AWS_DEFAULT_REGION: undefined }),
    );
    expectExit(r, 0);
    expect(parseLoginUrl(r.stdout, fed.url).destination).toBe(
      "https://console.amazonaws.cn/?region=cn-north-1",
    );
    const r2 = await runAwsx(
      ["login", "target1", "--backend", "none", "--region", "us-gov-west-1"],
      env(),
    );
    expectExit(r2, 0);
    expect(parseLoginUrl(r2.stdout, fed.url).destination).toBe(
      "https://console.amazonaws-us-gov.com/?region=us-gov-west-1",
    );
  }, 30_000);

  test("--duration 7200 on a role: AssumeRole for 7200 s and SessionDuration=7200 sent to " +
    "the endpoint", async () => {
    const r = await runAwsx(["login", "target1", "--backend", "none", "--duration", "7200"], env());
    expectExit(r, 0);
    const req = signinRequest();
    expect(req.params.SessionDuration).toBe("7200");
    const assumes = (await stsCalls()).filter((c) => c.action === "AssumeRole");
    expect(assumes).toHaveLength(1);
    expect(assumes[0]!.params).toMatchObject({ RoleArn: roleArn, DurationSeconds: "7200" });
    parseLoginUrl(r.stdout, fed.url);
  }, 30_000);

  test("long-term user keys: GetFederationToken (allow-all policy, named after the profile), " +
    "its credentials in Session", async () => {
    const r = await runAwsx(["login", "foo", "--backend", "none"], env());
    expectExit(r, 0);
    const calls = await stsCalls();
    expect(calls.map((c) => c.action)).toEqual(["GetFederationToken"]);
    expect(calls[0]).toMatchObject({
      accessKeyId: foo.accessKeyId,
      params: { Name: "awsx-foo", DurationSeconds: "3600" },
    });
    expect(JSON.parse(calls[0]!.params.Policy!)).toEqual(ALLOW_ALL);
    const req = signinRequest();
    // No SessionDuration with federation-token credentials: their own lifetime is the console's.
    expect(req.params.SessionDuration).toBeUndefined();
    // moto answers every GetFederationToken with the same documentation
    // credentials: ask it for them.
    const client = new STSClient({
      endpoint: moto.url,
      region: "us-east-1",
      maxAttempts: 1,
      credentials: { accessKeyId: foo.accessKeyId, secretAccessKey: foo.secretAccessKey },
    });
    try {
      const expected = (await client.send(new GetFederationTokenCommand({ Name: "awsx-test" })))
        .Credentials!;
      expect(req.session).toEqual({
        sessionId: expected.AccessKeyId,
        sessionKey: expected.SecretAccessKey,
        sessionToken: expected.SessionToken,
      });
    } finally {
      client.destroy();
    }
    expect(req.session.sessionId).not.toBe(foo.accessKeyId);
    expect(r.stderr).not.toContain(req.session.sessionKey);
    expect(parseLoginUrl(r.stdout, fed.url).destination).toBe(
      "https://console.aws.amazon.com/?region=us-east-1",
    );
  }, 30_000);

  test("long-term user keys with --duration 7200: GetFederationToken for 7200 s", async () => {
    const r = await runAwsx(["login", "foo", "--backend", "none", "--duration", "7200"], env());
    expectExit(r, 0);
    const calls = await stsCalls();
    expect(calls.map((c) => [c.action, c.params.DurationSeconds])).toEqual([
      ["GetFederationToken", "7200"],
    ]);
    expect(signinRequest().params.SessionDuration).toBeUndefined();
  }, 30_000);

  test.each([
    ["HTTP 500", { status: 500, body: "oops" }, /HTTP 500/],
    [
      "no SigninToken",
      { status: 200, body: JSON.stringify({ Something: "else" }) },
      /without a SigninToken/,
    ],
    ["not JSON", { status: 200, body: "<html>sign in</html>" }, /without a SigninToken/],
  ])(
    "federation endpoint answering %s: exit 77, one awsx: line",
    async (_name, answer, pattern) => {
      fed.answer = answer;
      const r = await runAwsx(["login", "target1", "--backend", "none"], env());
      expectOneError(r, 77, pattern);
      expect(r.stderr).toContain('profile "target1"');
      expect(fed.requests).toHaveLength(1);
    },
    30_000,
  );

  test("unreachable federation endpoint: exit 69, one awsx: line", async () => {
    const dead = `${await refuseConnectionsUrl()}/federation`;
    const r = await runAwsx(
      ["login", "target1", "--backend", "none"],
      env({ AWSX_FEDERATION_ENDPOINT: dead }),
    );
    expectOneError(r, 69, /cannot reach the federation endpoint/);
    expect(r.stderr).toContain(dead);
    // The cause by its name, not undici's "TypeError: fetch failed".
    expect(r.stderr).toMatch(/: ECONNREFUSED$/m);
    expect(r.stderr).not.toMatch(/TypeError|fetch failed/);
  }, 30_000);

  test("a federation endpoint that never answers: exit 69 after 10 s, 'timed out'", async () => {
    const silent = net.createServer(() => {}); // accepts, never answers
    await new Promise<void>((res) => silent.listen(0, "127.0.0.1", res));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/federation`;
      const r = await runAwsx(
        ["login", "target1", "--backend", "none"],
        env({ AWSX_FEDERATION_ENDPOINT: url }),
      );
      expectOneError(r, 69, /cannot reach the federation endpoint .*: timed out$/);
    } finally {
      silent.close();
    }
  }, 40_000);

  test("--stdout (aws-vault's flag) prints the URL, as without it; " +
    "with --open it is a usage error", async () => {
    const r = await runAwsx(["login", "target1", "--backend", "none", "--stdout"], env());
    expectExit(r, 0);
    expect(parseLoginUrl(r.stdout, fed.url).destination).toBe(
      "https://console.aws.amazon.com/?region=us-east-1",
    );
    const both = await runAwsx(["login", "target1", "--stdout", "--open"], env());
    expectExit(both, 64);
    expect(both.stderr).toMatch(/--open and --stdout contradict each other/);
  }, 30_000);

  const linuxOnly = process.platform === "linux" ? test : test.skip;
  linuxOnly(
    "--open hands xdg-open a 0600 page that redirects to the URL, never the URL itself",
    async () => {
      const bin = mkdtempSync(path.join(os.tmpdir(), "awsx-open-"));
      try {
        const out = path.join(bin, "opened.txt");
        writeFileSync(
          path.join(bin, "xdg-open"),
          `#!/bin/sh\nprintf ` +
            `'%s\\n' "$@" > ${JSON.stringify(out)}.tmp && ` +
            `mv ${JSON.stringify(out)}.tmp ${JSON.stringify(out)}\n`,
        );
        chmodSync(path.join(bin, "xdg-open"), 0o755);
        const r = await runAwsx(
          ["login", "target1", "--backend", "none", "--open"],
          env({ PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` }),
        );
        expectExit(r, 0);
        expect(r.stdout).toBe("");
        for (let i = 0; i < 50 && !existsSync(out); i++)
          await new Promise((res) => setTimeout(res, 100));
        const argv = readFileSync(out, "utf8").trim();
        expect(argv).not.toMatch(/SigninToken|federation/);
        const page = fileURLToPath(argv);
        expect(statSync(page).mode & 0o777).toBe(0o600);
        expect(statSync(path.dirname(page)).mode & 0o077).toBe(0);
        const href = /url=([^"]+)"/.exec(readFileSync(page, "utf8"))![1]!.replace(/&amp;/g, "&");
        expect(parseLoginUrl(`${href}\n`, fed.url).destination).toBe(
          "https://console.aws.amazon.com/?region=us-east-1",
        );
        rmSync(path.dirname(page), { recursive: true, force: true });
      } finally {
        rmSync(bin, { recursive: true, force: true });
      }
    },
    30_000,
  );
});
