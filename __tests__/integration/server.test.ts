// awsx exec --server: the loopback ECS-style credential endpoint, seen from real children
// (the aws CLI, a Node script with the AWS SDK, raw HTTP probes) against real moto, and
// against the in-process fake STS where sessions must expire within seconds. Runs bin/awsx.js.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { makeHome, type TempHome, keysSection } from "../helpers/home.js";
import { startMoto, type Moto, type MotoUser } from "../helpers/moto.js";
import { needs } from "../helpers/requirements.js";
import { type AwsxRun, expectExit, fixture, runAwsx } from "../helpers/awsx.js";

const PRINT_ENV = fixture("print-env.mjs");
const SDK_IDENTITY = fixture("server/sdk-identity.mjs");
const PROBE = fixture("server/probe-endpoint.mjs");
const FETCH = fixture("server/fetch-creds.mjs");
const NODE = process.execPath;
const MFA_SERIAL = "arn:aws:iam::123456789012:mfa/foo";
const CODE = "987123";
const ROLE_ARN = /^arn:aws:sts::123456789012:assumed-role\/target1-role\/[\w+=,.@-]{2,64}$/;

const describeIf = await needs("moto_server", "aws");

const jsonLines = <T>(text: string): T[] =>
  text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

// One GET with the given Authorization header (none when undefined); resolves
// the error code on failure.
function knock(url: string, authorization?: string): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        agent: false,
        timeout: 3_000,
        headers: authorization === undefined ? {} : { Authorization: authorization },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode }));
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

interface Probe {
  url: string;
  hasToken: boolean;
  noHeader: { status: number; body: unknown };
  emptyToken: { status: number };
  wrongToken: { status: number; body: unknown };
  tokenPlusOne: { status: number };
  bearerToken: { status: number };
  post: { status: number };
  ok: {
    status: number;
    contentType: string;
    body: { AccessKeyId: string; SecretAccessKey: string; Token: string; Expiration: string };
  };
  again: { status: number; body: { AccessKeyId: string } };
  external: Array<{ addr: string; status?: number; error?: string }>;
}

describeIf("awsx exec --server", () => {
  let moto: Moto;
  let foo: MotoUser;
  let home: TempHome;
  let roleArn: string;
  let work: string;

  beforeAll(async () => {
    moto = await startMoto();
    foo = await moto.createUser("foo");
    roleArn = (await moto.createRole("target1-role")).arn;
    home = makeHome({
      credentials: keysSection("foo", foo),
      config: [
        "[profile target1]",
        `role_arn = ${roleArn}`,
        "source_profile = foo",
        "",
        "[profile target2]",
        `role_arn = ${roleArn}`,
        `mfa_serial = ${MFA_SERIAL}`,
        "source_profile = foo",
        "",
      ].join("\n"),
    });
    work = mkdtempSync(path.join(os.tmpdir(), "awsx-server-test-"));
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    home?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 20_000);

  beforeEach(async () => {
    await moto.startRecording();
  });

  // awsx's env: clean, STS at `sts` (moto unless told), us-east-1.
  const env = (extra: Record<string, string | undefined> = {}) =>
    home.env({ AWS_ENDPOINT_URL_STS: moto.url, AWS_DEFAULT_REGION: "us-east-1", ...extra });

  test("the child's env has the endpoint URL and token instead of any key variable", async () => {
    const r = await runAwsx(
      ["exec", "--server", "--backend", "none", "target1", "--", NODE, PRINT_ENV],
      env({ AWS_ACCESS_KEY_ID: "AKIAINHERITEDFAKE", AWS_SESSION_TOKEN: "inherited-fake" }),
    );
    expectExit(r, 0);
    const child = JSON.parse(r.stdout) as Record<string, string>;
    expect(child.AWS_CONTAINER_CREDENTIALS_FULL_URI).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(child.AWS_CONTAINER_AUTHORIZATION_TOKEN).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    for (const k of [
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
      "AWS_CREDENTIAL_EXPIRATION",
      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    ]) {
      expect(child[k]).toBeUndefined();
    }
    expect(child).toMatchObject({
      AWSX_PROFILE: "target1",
      AWSX_EXEC_PROFILE: "target1",
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_ENDPOINT_URL_STS: moto.url,
    });
    // Every run makes a fresh token.
    const r2 = await runAwsx(
      ["exec", "--server", "--backend", "none", "target1", "--", NODE, PRINT_ENV],
      env(),
    );
    expectExit(r2, 0);
    const child2 = JSON.parse(r2.stdout) as Record<string, string>;
    expect(child2.AWS_CONTAINER_AUTHORIZATION_TOKEN).not.toBe(
      child.AWS_CONTAINER_AUTHORIZATION_TOKEN,
    );
  }, 30_000);

  test("the real aws CLI gets target1-role's identity through the endpoint", async () => {
    const r = await runAwsx(
      [
        "exec",
        "--server",
        "--backend",
        "none",
        "target1",
        "--",
        "aws",
        "sts",
        "get-caller-identity",
        "--output",
        "json",
      ],
      env(),
    );
    expectExit(r, 0);
    const identity = JSON.parse(r.stdout) as { Arn: string; Account: string };
    expect(identity.Arn).toMatch(ROLE_ARN);
    expect(identity.Account).toBe("123456789012");
    const calls = (await moto.recordedCalls()).filter((c) => c.service === "sts");
    expect(calls.map((c) => c.action)).toEqual(["AssumeRole", "GetCallerIdentity"]);
    expect(calls[0]).toMatchObject({ accessKeyId: foo.accessKeyId, params: { RoleArn: roleArn } });
    // The CLI signed with the role session's key, which it can only have got from the endpoint.
    expect(calls[1]!.accessKeyId).toMatch(/^ASIA/);
    expect(calls[1]!.accessKeyId).not.toBe(foo.accessKeyId);
  }, 30_000);

  test("a Node child using the AWS SDK's default provider chain gets the role through " +
    "the endpoint", async () => {
    const r = await runAwsx(
      ["exec", "--server", "--backend", "none", "target1", "--", NODE, SDK_IDENTITY, "2", "0"],
      env(),
    );
    expectExit(r, 0);
    const lines = jsonLines<{ arn: string; accessKeyId: string; expiration: string }>(r.stdout);
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l.arn).toMatch(ROLE_ARN);
      expect(l.accessKeyId).toMatch(/^ASIA/);
      expect(Date.parse(l.expiration)).toBeGreaterThan(Date.now() + 30 * 60_000);
    }
    expect(await moto.arnOf(lines[0]!.accessKeyId)).toMatch(ROLE_ARN);
    // One AssumeRole: the endpoint serves the cached session while it is fresh.
    expect(await moto.countCalls("AssumeRole")).toBe(1);
  }, 30_000);

  test("403 without the exact token, 405 for POST, 200 JSON with the token; loopback only; " +
    "gone when the child exits", async () => {
    const file = path.join(work, "endpoint.json");
    const r = await runAwsx(
      ["exec", "--server", "--backend", "none", "target1", "--", NODE, PROBE, file],
      env(),
    );
    expectExit(r, 0);
    const p = JSON.parse(r.stdout) as Probe;
    expect(p.hasToken).toBe(true);
    expect(p.noHeader).toMatchObject({ status: 403, body: { message: "forbidden" } });
    expect(JSON.stringify(p.noHeader.body)).not.toMatch(/ASIA|AccessKeyId/);
    expect(p.emptyToken.status).toBe(403);
    expect(p.wrongToken).toMatchObject({ status: 403, body: { message: "forbidden" } });
    expect(p.tokenPlusOne.status).toBe(403);
    expect(p.bearerToken.status).toBe(403);
    expect(p.post.status).toBe(405);
    expect(p.ok.status).toBe(200);
    expect(p.ok.contentType).toMatch(/^application\/json/);
    expect(Object.keys(p.ok.body).sort()).toEqual([
      "AccessKeyId",
      "Expiration",
      "SecretAccessKey",
      "Token",
    ]);
    expect(p.ok.body.AccessKeyId).toMatch(/^ASIA/);
    expect(p.ok.body.SecretAccessKey.length).toBeGreaterThan(20);
    expect(p.ok.body.Token.length).toBeGreaterThan(20);
    expect(p.ok.body.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(Date.parse(p.ok.body.Expiration)).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(await moto.arnOf(p.ok.body.AccessKeyId)).toMatch(ROLE_ARN);
    expect(p.again).toMatchObject({ status: 200, body: { AccessKeyId: p.ok.body.AccessKeyId } });
    expect(await moto.countCalls("AssumeRole")).toBe(1);
    for (const e of p.external) expect(e).toEqual({ addr: e.addr, error: "ECONNREFUSED" });

    // After awsx has exited, nothing listens on that port any more.
    const { url, token } = JSON.parse(readFileSync(file, "utf8")) as { url: string; token: string };
    expect(url).toBe(p.url);
    expect(await knock(url, token)).toEqual({ error: "ECONNREFUSED" });
  }, 30_000);

  test("the endpoint closes when the child dies of a signal, too", async () => {
    const file = path.join(work, "endpoint-killed.json");
    const script =
      `${JSON.stringify(NODE)} ${JSON.stringify(PROBE)} ${JSON.stringify(file)} ` +
      `>/dev/null && kill -TERM $$`;
    const r = await runAwsx(
      ["exec", "--server", "--backend", "none", "target1", "--", "sh", "-c", script],
      env(),
    );
    // awsx dies of the child's signal (or exits 128+15 where it cannot).
    expect(r.signal === "SIGTERM" || r.code === 143).toBe(true);
    const { url, token } = JSON.parse(readFileSync(file, "utf8")) as { url: string; token: string };
    expect(await knock(url, token)).toEqual({ error: "ECONNREFUSED" });
  }, 30_000);

  test("--debug: stderr names the endpoint but never a served secret or the token", async () => {
    const file = path.join(work, "endpoint-debug.json");
    const r = await runAwsx(
      ["exec", "--server", "--debug", "--backend", "none", "target1", "--", NODE, PROBE, file],
      env(),
    );
    expectExit(r, 0);
    const p = JSON.parse(r.stdout) as Probe;
    expect(p.ok.status).toBe(200);
    expect(r.stderr).toContain(`credential server on ${p.url}`);
    expect(r.stderr).toMatch(/refused request \d+ without the token/);
    expect(r.stderr).toMatch(/served request \d+/);
    const { token } = JSON.parse(readFileSync(file, "utf8")) as { token: string };
    expect(token.length).toBeGreaterThanOrEqual(40);
    for (const secret of [p.ok.body.SecretAccessKey, p.ok.body.Token, token, foo.secretAccessKey]) {
      expect(r.stderr).not.toContain(secret);
    }
    // The probe itself did receive the served secrets (so the check above could fail).
    expect(r.stdout).toContain(JSON.stringify(p.ok.body.SecretAccessKey));
  }, 30_000);

  describe("against the fake STS, with sessions that expire within seconds", () => {
    let sts: FakeSts;

    beforeAll(async () => {
      // No DurationSeconds in the profiles, so every role session lasts 4 s: the server's
      // refresh window (half the lifetime) is passed after ~2 s.
      sts = await startFakeSts({ defaultDurationSeconds: 4 });
    });
    afterAll(async () => {
      await sts?.close();
    });
    beforeEach(() => {
      sts.reset();
      sts.setMfa(undefined);
    });

    const fakeEnv = () => env({ AWS_ENDPOINT_URL_STS: sts.url });

    test("an SDK child calling STS across session boundaries keeps working: " +
      "the endpoint refreshed", async () => {
      const r = await runAwsx(
        ["exec", "--server", "--backend", "none", "target1", "--", NODE, SDK_IDENTITY, "3", "2600"],
        fakeEnv(),
      );
      expectExit(r, 0);
      const lines = jsonLines<{ at: string; arn: string; accessKeyId: string; expiration: string }>(
        r.stdout,
      );
      expect(lines).toHaveLength(3);
      const signedBy = sts.calls
        .filter((c) => c.action === "GetCallerIdentity")
        .map((c) => c.accessKeyId);
      expect(signedBy).toEqual(lines.map((l) => l.accessKeyId));
      for (const l of lines) {
        expect(l.arn).toMatch(ROLE_ARN);
        expect(sts.identityOf(l.accessKeyId)?.arn).toMatch(ROLE_ARN);
        // Each call was signed with a session still valid at that moment...
        expect(Date.parse(l.expiration)).toBeGreaterThan(Date.parse(l.at));
      }
      // ...though the run outlived the session it started with: the endpoint handed out new ones.
      expect(Date.parse(lines[0]!.expiration)).toBeLessThan(Date.parse(lines[2]!.at));
      expect(new Set(lines.map((l) => l.accessKeyId)).size).toBeGreaterThanOrEqual(2);
      expect(lines[2]!.accessKeyId).not.toBe(lines[0]!.accessKeyId);
      expect(sts.count("AssumeRole")).toBeGreaterThanOrEqual(2);
      // Every refresh assumed the role from foo's long-term keys.
      for (const c of sts.calls.filter((x) => x.action === "AssumeRole"))
        expect(c.accessKeyId).toBe(foo.accessKeyId);
    }, 30_000);

    test("MFA profile: refreshes reuse the MFA session silently (one GetSessionToken, " +
      "no code resent)", async () => {
      sts.setMfa({ serial: MFA_SERIAL, code: CODE });
      const r = await runAwsx(
        [
          "exec",
          "--server",
          "--backend",
          "none",
          "--mfa-token",
          CODE,
          "target2",
          "--",
          NODE,
          FETCH,
          "3",
          "2600",
        ],
        fakeEnv(),
      );
      expectExit(r, 0);
      const lines = jsonLines<{ status: number; accessKeyId: string }>(r.stdout);
      expect(lines.map((l) => l.status)).toEqual([200, 200, 200]);
      expect(new Set(lines.map((l) => l.accessKeyId)).size).toBe(3);
      expect(sts.count("GetSessionToken")).toBe(1);
      expect(sts.calls[0]!.params).toMatchObject({ SerialNumber: MFA_SERIAL, TokenCode: CODE });
      const assumes = sts.calls.filter((c) => c.action === "AssumeRole");
      expect(assumes.length).toBeGreaterThanOrEqual(3);
      for (const a of assumes) expect(a.params.TokenCode).toBeUndefined();
      expect(r.stderr).not.toContain(CODE);
    }, 30_000);

    test("MFA profile without an MFA session: " +
      "once the role session is stale the endpoint answers 500 and awsx says why", async () => {
      // A fake of its own with 6-second sessions, so the first fetch lands well inside the
      // fresh half of the session even on a slow machine, and the second (3.6 s later) outside.
      const slow = await startFakeSts({
        defaultDurationSeconds: 6,
        mfa: { serial: MFA_SERIAL, code: CODE },
      });
      let r: AwsxRun;
      try {
        r = await runAwsx(
          [
            "exec",
            "--server",
            "--backend",
            "none",
            "--no-mfa-session",
            "--mfa-token",
            CODE,
            "target2",
            "--",
            NODE,
            FETCH,
            "2",
            "3600",
          ],
          env({ AWS_ENDPOINT_URL_STS: slow.url }),
        );
      } finally {
        await slow.close();
      }
      expectExit(r, 0);
      const lines = jsonLines<{ status: number; accessKeyId?: string; message?: string }>(r.stdout);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({ status: 200, accessKeyId: expect.stringMatching(/^ASIA/) });
      expect(lines[1]).toMatchObject({ status: 500, message: expect.stringContaining("stderr") });
      expect(lines[1]!.accessKeyId).toBeUndefined();
      // The code given at the start was used once and never again.
      const assumes = slow.calls.filter((c) => c.action === "AssumeRole");
      expect(assumes).toHaveLength(1);
      expect(assumes[0]!.params).toMatchObject({ SerialNumber: MFA_SERIAL, TokenCode: CODE });
      const awsxLines = r.stderr.split("\n").filter((l) => l.startsWith("awsx: "));
      expect(awsxLines).toHaveLength(1);
      expect(awsxLines[0]).toMatch(
        /^awsx: credential server: .*MFA code for arn:aws:iam::123456789012:mfa\/foo/,
      );
    }, 30_000);
  });
});
