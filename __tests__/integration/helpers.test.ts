// Self-check of the test helpers: moto, fake STS, temp home, tool requirements.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { promisify } from "node:util";
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  type STSClientConfig,
} from "@aws-sdk/client-sts";
import { refuseConnectionsUrl, startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { makeHome } from "../helpers/home.js";
import { startMoto, type Moto } from "../helpers/moto.js";
import { hasCommand, needs, requireTool } from "../helpers/requirements.js";

const run = promisify(execFile);
const STATIC = {
  accessKeyId: "AKIAFAKESTATIC000001",
  secretAccessKey: "fakeSecretKeyForTests0000000000000000000",
};

const describeMoto = await needs("moto_server");
const describeAwsCli = await needs("aws");

function sts(endpoint: string, extra: Partial<STSClientConfig> = {}): STSClient {
  return new STSClient({
    endpoint,
    region: "us-east-1",
    credentials: STATIC,
    maxAttempts: 1,
    ...extra,
  });
}

// Runs a promise expected to reject and returns the error.
async function failure(
  p: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number }; code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

describe("requirements", () => {
  const savedCI = process.env.CI;
  afterEach(() => {
    if (savedCI === undefined) delete process.env.CI;
    else process.env.CI = savedCI;
  });

  test("hasCommand looks at PATH", () => {
    expect(hasCommand("sh")).toBe(true);
    expect(hasCommand("awsx-no-such-tool-zz9")).toBe(false);
  });

  test("missing tool: SKIP notice outside CI, throw in CI", async () => {
    delete process.env.CI;
    const writes: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (
      writes.push(String(chunk)), true
    )) as typeof process.stderr.write;
    try {
      expect(await requireTool("frobnicator", () => false)).toBe(false);
      expect(await requireTool("sh", () => true)).toBe(true);
    } finally {
      process.stderr.write = orig;
    }
    expect(writes.join("")).toContain("SKIP: frobnicator is not available");
    process.env.CI = "true";
    await expect(requireTool("frobnicator", () => false)).rejects.toThrow(/CI=true.*frobnicator/);
    await expect(needs("awsx-no-such-tool-zz9")).rejects.toThrow(/awsx-no-such-tool-zz9/);
    expect(await needs("sh")).toBe(describe);
  });
});

describe("makeHome", () => {
  test("writes 0600 files and builds an env without the parent's AWS vars", () => {
    const saved = process.env.AWS_PROFILE;
    process.env.AWS_PROFILE = "developer-own-profile";
    const home = makeHome({
      config: "[profile a]\nregion = eu-west-1\n",
      credentials: "[a]\naws_access_key_id = AKIAX\n",
    });
    try {
      expect(readFileSync(home.configFile, "utf8")).toContain("[profile a]");
      expect(statSync(home.configFile).mode & 0o777).toBe(0o600);
      expect(statSync(home.credentialsFile).mode & 0o777).toBe(0o600);
      const env = home.env({ AWS_PROFILE: "a", EXTRA: "1" });
      expect(env).toMatchObject({
        HOME: home.dir,
        AWS_CONFIG_FILE: home.configFile,
        AWS_SHARED_CREDENTIALS_FILE: home.credentialsFile,
        AWS_EC2_METADATA_DISABLED: "true",
        NO_COLOR: "1",
        AWS_PROFILE: "a",
        EXTRA: "1",
      });
      expect(home.env().AWS_PROFILE).toBeUndefined();
      expect(
        Object.keys(home.env())
          .filter((k) => k.startsWith("AWS_"))
          .sort(),
      ).toEqual(["AWS_CONFIG_FILE", "AWS_EC2_METADATA_DISABLED", "AWS_SHARED_CREDENTIALS_FILE"]);
    } finally {
      if (saved === undefined) delete process.env.AWS_PROFILE;
      else process.env.AWS_PROFILE = saved;
      home.cleanup();
    }
    expect(existsSync(home.dir)).toBe(false);
  });
});

describeMoto("moto", () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 40_000);
  afterAll(async () => {
    const pid = moto?.pid;
    await moto?.stop();
    if (pid) expect(() => process.kill(pid, 0)).toThrow(); // really gone
  }, 20_000);

  test("a user assumes a role; the recorder sees exactly one AssumeRole", async () => {
    const user = await moto.createUser("alice");
    const role = await moto.createRole("deployer", { maxSessionDuration: 7200 });
    expect(user.accessKeyId).toMatch(/^AKIA/);
    expect(user.arn).toBe("arn:aws:iam::123456789012:user/alice");
    expect(role.arn).toBe("arn:aws:iam::123456789012:role/deployer");

    await moto.startRecording();
    const client = sts(moto.url, { credentials: user });
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: role.arn,
        RoleSessionName: "s1",
        DurationSeconds: 1800,
        SerialNumber: "arn:aws:iam::123456789012:mfa/alice",
        TokenCode: "123456",
      }),
    );
    client.destroy();
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(out.AssumedRoleUser?.Arn).toBe("arn:aws:sts::123456789012:assumed-role/deployer/s1");
    const left = (out.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    expect(left).toBeGreaterThan(1700_000);
    expect(left).toBeLessThan(1900_000);

    expect(await moto.countCalls("AssumeRole")).toBe(1);
    const [call] = (await moto.recordedCalls()).filter((c) => c.action === "AssumeRole");
    expect(call).toMatchObject({
      service: "sts",
      accessKeyId: user.accessKeyId,
      params: {
        RoleArn: role.arn,
        RoleSessionName: "s1",
        DurationSeconds: "1800",
        TokenCode: "123456",
      },
    });
    expect(call?.params.SerialNumber).toBe("arn:aws:iam::123456789012:mfa/alice");

    const roleClient = sts(moto.url, {
      credentials: {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: out.Credentials!.SessionToken!,
      },
    });
    const who = await roleClient.send(new GetCallerIdentityCommand({}));
    roleClient.destroy();
    expect(who.Arn).toBe("arn:aws:sts::123456789012:assumed-role/deployer/s1");
    expect(await moto.countCalls("GetCallerIdentity")).toBe(1);
  }, 30_000);

  test("reset() wipes IAM state and the recording", async () => {
    await moto.createUser("bob");
    await moto.reset();
    expect(await moto.recordedCalls()).toEqual([]);
    await expect(moto.createUser("bob")).resolves.toMatchObject({
      arn: "arn:aws:iam::123456789012:user/bob",
    });
  }, 30_000);

  describeAwsCli("with the aws CLI", () => {
    test("aws sts get-caller-identity with role creds shows the assumed role", async () => {
      const user = await moto.createUser("carol");
      const role = await moto.createRole("reader");
      const client = sts(moto.url, { credentials: user });
      const { Credentials: c } = await client.send(
        new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: "cli" }),
      );
      client.destroy();
      const home = makeHome();
      try {
        const { stdout } = await run("aws", ["sts", "get-caller-identity", "--output", "json"], {
          env: home.env({
            AWS_ACCESS_KEY_ID: c!.AccessKeyId!,
            AWS_SECRET_ACCESS_KEY: c!.SecretAccessKey!,
            AWS_SESSION_TOKEN: c!.SessionToken!,
            AWS_DEFAULT_REGION: "us-east-1",
            AWS_ENDPOINT_URL_STS: moto.url,
          }),
          timeout: 60_000,
        });
        expect(JSON.parse(stdout).Arn).toBe("arn:aws:sts::123456789012:assumed-role/reader/cli");
      } finally {
        home.cleanup();
      }
    }, 70_000);
  });
});

describe("fake STS", () => {
  let fake: FakeSts;
  beforeEach(async () => {
    fake = await startFakeSts({
      mfa: { serial: "arn:aws:iam::123456789012:mfa/me", code: "424242" },
    });
  });
  afterEach(async () => {
    await fake.close();
  });
  const roleArn = "arn:aws:iam::123456789012:role/admin";
  // An expiration `seconds` after the call, which began at `sent` and has just ended: between
  // the two, whatever the machine's speed (1 s either side for the answer's whole seconds).
  const expectExpiry = (expiration: Date, sent: number, seconds: number) => {
    expect(expiration.getTime()).toBeGreaterThanOrEqual(sent + seconds * 1000 - 1000);
    expect(expiration.getTime()).toBeLessThanOrEqual(Date.now() + seconds * 1000 + 1000);
  };
  const mfaParams = { SerialNumber: "arn:aws:iam::123456789012:mfa/me", TokenCode: "424242" };

  test("AssumeRole credentials parse in the SDK and chain through GetCallerIdentity", async () => {
    const client = sts(fake.url);
    const sent = Date.now();
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: "sess",
        DurationSeconds: 900,
        ...mfaParams,
      }),
    );
    client.destroy();
    const c = out.Credentials!;
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(c.SecretAccessKey).toHaveLength(40);
    expect(c.SessionToken!.length).toBeGreaterThan(100);
    expectExpiry(c.Expiration!, sent, 900);
    expect(out.AssumedRoleUser?.Arn).toBe("arn:aws:sts::123456789012:assumed-role/admin/sess");
    expect(fake.calls[0]).toMatchObject({
      action: "AssumeRole",
      accessKeyId: STATIC.accessKeyId,
      params: { RoleArn: roleArn, ...mfaParams },
    });

    const roleClient = sts(fake.url, {
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      },
    });
    const chained = await roleClient.send(
      new AssumeRoleCommand({
        RoleArn: "arn:aws:iam::210987654321:role/x/y/deep",
        RoleSessionName: "hop",
      }),
    );
    const who = await roleClient.send(new GetCallerIdentityCommand({}));
    roleClient.destroy();
    expect(who).toMatchObject({
      Arn: "arn:aws:sts::123456789012:assumed-role/admin/sess",
      Account: "123456789012",
    });
    expect(fake.calls[1]).toMatchObject({
      accessKeyId: c.AccessKeyId,
      sessionToken: c.SessionToken,
    });
    expect(fake.identityOf(chained.Credentials!.AccessKeyId!)?.arn).toBe(
      "arn:aws:sts::210987654321:assumed-role/deep/hop",
    );
    expect(fake.count("AssumeRole")).toBe(2);
    expect(fake.count("GetCallerIdentity")).toBe(1);
    expect(fake.count()).toBe(3);
    fake.reset();
    expect(fake.calls).toEqual([]);
  });

  test("GetSessionToken keeps the user identity; web identity works unsigned", async () => {
    const client = sts(fake.url);
    const sent = Date.now();
    const st = await client.send(new GetSessionTokenCommand({ ...mfaParams }));
    client.destroy();
    expectExpiry(st.Credentials!.Expiration!, sent, 3600);
    const c = st.Credentials!;
    const sessClient = sts(fake.url, {
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      },
    });
    expect((await sessClient.send(new GetCallerIdentityCommand({}))).Arn).toBe(
      "arn:aws:iam::123456789012:user/fake-user",
    );
    // MFA'd session credentials may assume the role without presenting MFA again
    await expect(
      sessClient.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "nomfa" })),
    ).resolves.toBeDefined();
    sessClient.destroy();

    const anon = new STSClient({ endpoint: fake.url, region: "us-east-1", maxAttempts: 1 });
    const web = await anon.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: "ci",
        WebIdentityToken: "tok",
      }),
    );
    anon.destroy();
    expect(web.AssumedRoleUser?.Arn).toBe("arn:aws:sts::123456789012:assumed-role/admin/ci");
    expect(web.SubjectFromWebIdentityToken).toBe("fake-subject");
    expect(fake.calls.at(-1)).toMatchObject({
      action: "AssumeRoleWithWebIdentity",
      accessKeyId: undefined,
    });
  });

  test("MFA is enforced: missing or wrong code is AccessDenied", async () => {
    const client = sts(fake.url);
    const missing = await failure(
      client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "s" })),
    );
    const wrong = await failure(
      client.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: "s",
          ...mfaParams,
          TokenCode: "000000",
        }),
      ),
    );
    const gstWrong = await failure(
      client.send(new GetSessionTokenCommand({ ...mfaParams, TokenCode: "111111" })),
    );
    client.destroy();
    for (const e of [missing, wrong, gstWrong]) {
      expect(e.name).toBe("AccessDenied");
      expect(e.$metadata?.httpStatusCode).toBe(403);
    }
    expect(wrong.message).toMatch(/invalid MFA one time pass code/);
    expect(fake.count()).toBe(3);
  });

  test("DurationSeconds is validated", async () => {
    const client = sts(fake.url);
    const e = await failure(
      client.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: "s",
          DurationSeconds: 60,
          ...mfaParams,
        }),
      ),
    );
    client.destroy();
    expect(e.name).toBe("ValidationError");
    expect(e.$metadata?.httpStatusCode).toBe(400);
  });

  test.each([
    { status: 403, code: "AccessDenied" },
    { status: 403, code: "ExpiredToken" },
    { status: 403, code: "InvalidClientTokenId" },
    { status: 400, code: "ValidationError" },
    { status: 400, code: "Throttling" },
    { status: 500, code: "InternalFailure" },
  ])("error $code ($status) reaches the SDK as error.name", async (err) => {
    fake.behave({ error: { ...err, message: `scripted ${err.code}` } }, "GetCallerIdentity");
    const client = sts(fake.url);
    const e = await failure(client.send(new GetCallerIdentityCommand({})));
    // other actions unaffected
    await expect(client.send(new GetSessionTokenCommand({ ...mfaParams }))).resolves.toBeDefined();
    client.destroy();
    expect(e.name).toBe(err.code);
    expect(e.message).toBe(`scripted ${err.code}`);
    expect(e.$metadata?.httpStatusCode).toBe(err.status);
  });

  test("failFirst: the SDK retries past scripted throttling", async () => {
    fake.behave({ failFirst: { count: 2, error: { status: 400, code: "Throttling" } } });
    const client = sts(fake.url, { maxAttempts: 3 });
    const who = await client.send(new GetCallerIdentityCommand({}));
    client.destroy();
    expect(who.Arn).toBe("arn:aws:iam::123456789012:user/fake-user");
    expect(fake.count("GetCallerIdentity")).toBe(3);
  }, 20_000);

  test("hang, malformed, delay, refused connection", async () => {
    fake.behave({ hang: true }, "GetCallerIdentity");
    const timed = sts(fake.url, {
      requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true },
    });
    const hung = await failure(timed.send(new GetCallerIdentityCommand({})));
    timed.destroy();
    expect(hung.name).toBe("TimeoutError");

    fake.behave({ malformed: true }, "GetCallerIdentity");
    const client = sts(fake.url);
    const bad = await failure(client.send(new GetCallerIdentityCommand({})));
    expect(bad.name).not.toBe("TimeoutError");

    fake.behave({ delayMs: 400 }, "GetCallerIdentity");
    const t0 = Date.now();
    await client.send(new GetCallerIdentityCommand({}));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
    client.destroy();

    const refused = sts(await refuseConnectionsUrl());
    const e = await failure(refused.send(new GetCallerIdentityCommand({})));
    refused.destroy();
    // under jest's vm realm the SDK re-wraps node's socket error: no .code,
    // only the message survives
    expect(`${e.code} ${e.message}`).toMatch(/ECONNREFUSED/);

    // a request still hanging must not keep close() waiting
    fake.behave({ hang: true });
    const pendingClient = sts(fake.url);
    const pending = pendingClient.send(new GetSessionTokenCommand({}));
    pending.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const c0 = Date.now();
    await fake.close();
    expect(Date.now() - c0).toBeLessThan(20_000); // a hang guard: the request never ends
    await expect(pending).rejects.toThrow();
    pendingClient.destroy();
  }, 20_000);

  describeAwsCli("with the aws CLI", () => {
    test("aws sts get-caller-identity prints the fake's identity", async () => {
      const home = makeHome();
      try {
        const { stdout } = await run("aws", ["sts", "get-caller-identity", "--output", "json"], {
          env: home.env({
            AWS_ACCESS_KEY_ID: STATIC.accessKeyId,
            AWS_SECRET_ACCESS_KEY: STATIC.secretAccessKey,
            AWS_DEFAULT_REGION: "us-east-1",
            AWS_ENDPOINT_URL_STS: fake.url,
          }),
          timeout: 60_000,
        });
        expect(JSON.parse(stdout)).toEqual({
          UserId: expect.stringMatching(/^AIDA/),
          Account: "123456789012",
          Arn: "arn:aws:iam::123456789012:user/fake-user",
        });
        expect(fake.calls).toHaveLength(1);
        expect(fake.calls[0]).toMatchObject({
          action: "GetCallerIdentity",
          accessKeyId: STATIC.accessKeyId,
          params: { Version: "2011-06-15" },
        });
      } finally {
        home.cleanup();
      }
    }, 70_000);
  });
});
