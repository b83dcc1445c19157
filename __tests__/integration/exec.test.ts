// awsx exec against a real moto_server and the real aws CLI: role chains, MFA sessions,
// the child's environment, nesting and the no-command shell. Runs the built bin/awsx.js.
import { makeHome, type TempHome, keysSection } from "../helpers/home.js";
import { startMoto, type Moto, type MotoUser, type RecordedCall } from "../helpers/moto.js";
import { needs } from "../helpers/requirements.js";
import { expectExit, fixture, runAwsx } from "../helpers/awsx.js";

const PRINT_ENV = fixture("print-env.mjs");
const SHELL = fixture("shell.sh");
const MFA_SERIAL = "arn:aws:iam::123456789012:mfa/foo";
const CODE = "987123";

const describeIf = await needs("moto_server", "aws");

// One awsx run with exactly `env` (nothing inherited from jest), bounded in time.
const awsx = (args: string[], env: Record<string, string>) => runAwsx(args, env, 45_000);

const stsCalls = (calls: RecordedCall[]): RecordedCall[] =>
  calls.filter((c) => c.service === "sts");

describeIf("awsx exec against moto", () => {
  let moto: Moto;
  let foo: MotoUser;
  let home: TempHome;
  const roles: Record<string, string> = {};

  beforeAll(async () => {
    moto = await startMoto();
    foo = await moto.createUser("foo");
    for (const name of ["target1-role", "target2-role", "hop2-role", "hop3-role"])
      roles[name] = (await moto.createRole(name)).arn;
    roles["long-role"] = (await moto.createRole("long-role", { maxSessionDuration: 7200 })).arn;
    home = makeHome({
      credentials: keysSection("foo", foo),
      config: [
        "[profile target1]",
        `role_arn = ${roles["target1-role"]}`,
        "source_profile = foo",
        "",
        "[profile target2]",
        `role_arn = ${roles["target2-role"]}`,
        `mfa_serial = ${MFA_SERIAL}`,
        "source_profile = foo",
        "",
        "[profile hop2]",
        `role_arn = ${roles["hop2-role"]}`,
        "source_profile = target1",
        "",
        "[profile hop3]",
        `role_arn = ${roles["hop3-role"]}`,
        "source_profile = hop2",
        "",
        "[profile long]",
        `role_arn = ${roles["long-role"]}`,
        `mfa_serial = ${MFA_SERIAL}`,
        "duration_seconds = 7200",
        "source_profile = foo",
        "",
        "[profile westy]",
        `role_arn = ${roles["target1-role"]}`,
        "source_profile = foo",
        "region = eu-west-2",
        "",
      ].join("\n"),
    });
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    home?.cleanup();
  }, 20_000);

  beforeEach(async () => {
    await moto.startRecording();
  });

  // The env awsx runs in: clean, STS at moto, us-east-1 unless `extra` says otherwise.
  const env = (extra: Record<string, string | undefined> = {}) =>
    home.env({ AWS_ENDPOINT_URL_STS: moto.url, AWS_DEFAULT_REGION: "us-east-1", ...extra });

  // Runs print-env under awsx; returns the child's env, the STS calls awsx made, and
  // whose keys the child got.
  async function childCredentials(
    profile: string,
    extraArgs: string[] = [],
    extraEnv: Record<string, string | undefined> = {},
  ) {
    const r = await awsx(
      ["exec", "--backend", "none", ...extraArgs, profile, "--", process.execPath, PRINT_ENV],
      env(extraEnv),
    );
    expectExit(r, 0);
    // before arnOf, which makes calls of its own
    const calls = stsCalls(await moto.recordedCalls());
    const child = JSON.parse(r.stdout) as Record<string, string>;
    return { child, calls, arn: await moto.arnOf(child.AWS_ACCESS_KEY_ID) };
  }

  // The real aws CLI as the child: what it sees is what awsx gave it.
  async function callerIdentity(
    profile: string,
    extraArgs: string[] = [],
    extraEnv: Record<string, string | undefined> = {},
  ) {
    const r = await awsx(
      [
        "exec",
        "--backend",
        "none",
        ...extraArgs,
        profile,
        "--",
        "aws",
        "sts",
        "get-caller-identity",
        "--output",
        "json",
      ],
      env(extraEnv),
    );
    expectExit(r, 0);
    const calls = stsCalls(await moto.recordedCalls());
    return { run: r, identity: JSON.parse(r.stdout) as { Arn: string; Account: string }, calls };
  }

  describe("roles and chains", () => {
    test("target1: aws sts get-caller-identity is the assumed role, " +
      "after exactly one AssumeRole signed by foo", async () => {
      const { identity, calls } = await callerIdentity("target1");
      expect(identity.Arn).toMatch(
        /^arn:aws:sts::123456789012:assumed-role\/target1-role\/[\w+=,.@-]{2,64}$/,
      );
      expect(identity.Account).toBe("123456789012");
      const assumes = calls.filter((c) => c.action === "AssumeRole");
      expect(assumes).toHaveLength(1);
      expect(assumes[0]).toMatchObject({
        accessKeyId: foo.accessKeyId,
        params: { RoleArn: roles["target1-role"] },
      });
      expect(assumes[0]!.params.SerialNumber).toBeUndefined();
      expect(calls.map((c) => c.action).sort()).toEqual(["AssumeRole", "GetCallerIdentity"]);
    }, 60_000);

    test("two hops: target1 → hop2, the second AssumeRole is signed with " +
      "target1's session key", async () => {
      const { arn, calls } = await childCredentials("hop2");
      expect(arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/hop2-role\/[^/]+$/);
      const assumes = calls.filter((c) => c.action === "AssumeRole");
      expect(assumes.map((c) => c.params.RoleArn)).toEqual([
        roles["target1-role"],
        roles["hop2-role"],
      ]);
      expect(assumes[0]!.accessKeyId).toBe(foo.accessKeyId);
      expect(assumes[1]!.accessKeyId).toMatch(/^ASIA/);
      expect(await moto.arnOf(assumes[1]!.accessKeyId)).toMatch(
        /^arn:aws:sts::123456789012:assumed-role\/target1-role\//,
      );
    }, 60_000);

    test("three hops: target1 → hop2 → hop3, each hop signed with the " +
      "previous hop's key", async () => {
      const { identity, calls } = await callerIdentity("hop3");
      expect(identity.Arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/hop3-role\/[^/]+$/);
      const assumes = calls.filter((c) => c.action === "AssumeRole");
      expect(assumes.map((c) => c.params.RoleArn)).toEqual([
        roles["target1-role"],
        roles["hop2-role"],
        roles["hop3-role"],
      ]);
      expect(assumes[0]!.accessKeyId).toBe(foo.accessKeyId);
      expect(new Set(assumes.map((c) => c.accessKeyId)).size).toBe(3);
      expect(await moto.arnOf(assumes[1]!.accessKeyId)).toMatch(/assumed-role\/target1-role\//);
      expect(await moto.arnOf(assumes[2]!.accessKeyId)).toMatch(/assumed-role\/hop2-role\//);
      expect(calls.filter((c) => c.action === "GetSessionToken")).toHaveLength(0);
    }, 60_000);
  });

  describe("MFA", () => {
    test("target2 --mfa-token: GetSessionToken with the code, " +
      "then AssumeRole from that session without it", async () => {
      const { arn, calls } = await childCredentials("target2", ["--mfa-token", CODE]);
      expect(arn).toMatch(/assumed-role\/target2-role\//);
      expect(calls.map((c) => c.action)).toEqual(["GetSessionToken", "AssumeRole"]);
      const [gst, assume] = calls;
      expect(gst).toMatchObject({
        accessKeyId: foo.accessKeyId,
        params: { SerialNumber: MFA_SERIAL, TokenCode: CODE },
      });
      expect(assume!.params).toMatchObject({ RoleArn: roles["target2-role"] });
      expect(assume!.params.SerialNumber).toBeUndefined();
      expect(assume!.params.TokenCode).toBeUndefined();
      // Signed with the session GetSessionToken returned (moto hands out one fixed key
      // id there), not foo's keys.
      expect(assume!.accessKeyId).toMatch(/^(ASIA|AKIA)/);
      expect(assume!.accessKeyId).not.toBe(foo.accessKeyId);
    }, 60_000);

    test("AWSX_MFA_TOKEN works like --mfa-token", async () => {
      const { arn, calls } = await childCredentials("target2", [], { AWSX_MFA_TOKEN: CODE });
      expect(arn).toMatch(/assumed-role\/target2-role\//);
      expect(calls.map((c) => c.action)).toEqual(["GetSessionToken", "AssumeRole"]);
      expect(calls[0]!.params).toMatchObject({ SerialNumber: MFA_SERIAL, TokenCode: CODE });
      expect(calls[1]!.params.TokenCode).toBeUndefined();
    }, 60_000);

    test("--no-mfa-session: one AssumeRole carrying SerialNumber and TokenCode, " +
      "signed by foo", async () => {
      const { arn, calls } = await childCredentials("target2", [
        "--mfa-token",
        CODE,
        "--no-mfa-session",
      ]);
      expect(arn).toMatch(/assumed-role\/target2-role\//);
      expect(calls.map((c) => c.action)).toEqual(["AssumeRole"]);
      expect(calls[0]).toMatchObject({
        accessKeyId: foo.accessKeyId,
        params: { RoleArn: roles["target2-role"], SerialNumber: MFA_SERIAL, TokenCode: CODE },
      });
    }, 60_000);

    test("duration_seconds = 7200 with mfa_serial: " +
      "AssumeRole straight from foo's keys with the code, no GetSessionToken", async () => {
      const { child, calls, arn } = await childCredentials("long", ["--mfa-token", CODE]);
      expect(arn).toMatch(/assumed-role\/long-role\//);
      expect(calls.map((c) => c.action)).toEqual(["AssumeRole"]);
      expect(calls[0]).toMatchObject({
        accessKeyId: foo.accessKeyId,
        params: {
          RoleArn: roles["long-role"],
          SerialNumber: MFA_SERIAL,
          TokenCode: CODE,
          DurationSeconds: "7200",
        },
      });
      const left = Date.parse(child.AWS_CREDENTIAL_EXPIRATION ?? "") - Date.now();
      expect(left).toBeGreaterThan(7200_000 - 120_000);
      expect(left).toBeLessThanOrEqual(7200_000 + 5_000);
    }, 60_000);
  });

  describe("the child's environment", () => {
    const INHERITED_JUNK = {
      AWS_PROFILE: "bar",
      AWS_DEFAULT_PROFILE: "bar",
      AWS_ACCESS_KEY_ID: "AKIAFAKESTALE0000001",
      AWS_SECRET_ACCESS_KEY: "stale-secret-from-the-parent",
      AWS_SESSION_TOKEN: "stale-session-token-from-the-parent",
      AWS_SECURITY_TOKEN: "stale-security-token-from-the-parent",
      AWS_SESSION_EXPIRATION: "2001-01-01T00:00:00Z",
      AWS_CREDENTIAL_EXPIRATION: "2001-01-01T00:00:00Z",
      AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/from-parent",
      AWS_ROLE_SESSION_NAME: "from-parent",
      AWS_WEB_IDENTITY_TOKEN_FILE: "/nonexistent/awsx-test-token",
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9/creds",
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/creds",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "stale-container-token",
    };
    const SET_BY_AWSX = [
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
      "AWS_CREDENTIAL_EXPIRATION",
      "AWS_REGION",
      "AWS_DEFAULT_REGION",
      "AWSX_PROFILE",
      "AWSX_EXEC_PROFILE",
    ];

    test("exactly the role's credentials, region and AWSX_PROFILE are set; " +
      "inherited credential variables are gone; the rest passes through", async () => {
      const parentEnv = env({ ...INHERITED_JUNK, FOO: "bar", WEIRD_VALUE: "a b\t'c' \"d\" $e ü" });
      const r = await awsx(
        ["exec", "--backend", "none", "target1", "--", process.execPath, PRINT_ENV],
        parentEnv,
      );
      expectExit(r, 0);
      expect(r.stderr).toBe("");
      const child = JSON.parse(r.stdout) as Record<string, string>;
      expect(stsCalls(await moto.recordedCalls()).map((c) => c.action)).toEqual(["AssumeRole"]);

      // The role's keys, not foo's and not the stale ones.
      expect(child.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/);
      expect(child.AWS_ACCESS_KEY_ID).not.toBe(foo.accessKeyId);
      expect(child.AWS_SECRET_ACCESS_KEY).not.toBe(foo.secretAccessKey);
      expect(child.AWS_SECRET_ACCESS_KEY!.length).toBeGreaterThanOrEqual(40);
      expect(child.AWS_SESSION_TOKEN!.length).toBeGreaterThan(20);
      expect(child.AWS_SESSION_TOKEN).not.toBe(INHERITED_JUNK.AWS_SESSION_TOKEN);
      expect(await moto.arnOf(child.AWS_ACCESS_KEY_ID)).toMatch(/assumed-role\/target1-role\//);
      expect(child.AWS_CREDENTIAL_EXPIRATION).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(child.AWS_CREDENTIAL_EXPIRATION!)).toBeGreaterThan(
        Date.now() + 10 * 60_000,
      );
      expect(child).toMatchObject({
        AWS_REGION: "us-east-1",
        AWS_DEFAULT_REGION: "us-east-1",
        AWSX_PROFILE: "target1",
        AWSX_EXEC_PROFILE: "target1",
      });

      // Passed through untouched.
      expect(child).toMatchObject({
        AWS_ENDPOINT_URL_STS: moto.url,
        AWS_CONFIG_FILE: home.configFile,
        AWS_SHARED_CREDENTIALS_FILE: home.credentialsFile,
        FOO: "bar",
        WEIRD_VALUE: "a b\t'c' \"d\" $e ü",
        HOME: home.dir,
        PATH: parentEnv.PATH,
      });

      // And nothing else: the parent's env minus every credential/profile variable, plus awsx's.
      const expected = Object.keys(parentEnv)
        .filter((k) => !(k in INHERITED_JUNK))
        .concat(SET_BY_AWSX);
      expect(Object.keys(child).sort()).toEqual([...new Set(expected)].sort());
      for (const k of Object.keys(INHERITED_JUNK))
        if (!SET_BY_AWSX.includes(k)) expect(child[k]).toBeUndefined();
    }, 60_000);

    test("no region in the env: the profile's region = eu-west-2 goes to AWS_REGION and " +
      "AWS_DEFAULT_REGION", async () => {
      const r = await awsx(
        ["exec", "--backend", "none", "westy", "--", process.execPath, PRINT_ENV],
        env({ AWS_DEFAULT_REGION: undefined, AWS_REGION: undefined }),
      );
      expectExit(r, 0);
      const child = JSON.parse(r.stdout) as Record<string, string>;
      expect(child).toMatchObject({
        AWS_REGION: "eu-west-2",
        AWS_DEFAULT_REGION: "eu-west-2",
        AWSX_PROFILE: "westy",
      });
    }, 60_000);
  });

  describe("nesting and the shell", () => {
    test("AWSX_EXEC_PROFILE already set: exit 64 telling to `exit` or pass --force, " +
      "and no STS call", async () => {
      const r = await awsx(
        ["exec", "--backend", "none", "target1", "--", process.execPath, PRINT_ENV],
        env({ AWSX_EXEC_PROFILE: "outer", AWSX_PROFILE: "outer" }),
      );
      expectExit(r, 64);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^awsx: /);
      expect(lines[0]).toContain("exit");
      expect(lines[0]).toContain("--force");
      expect(lines[0]).toContain("outer");
      expect(stsCalls(await moto.recordedCalls())).toEqual([]);
    }, 60_000);

    test("AWSX_EXEC_PROFILE already set and --force: runs, " +
      "and the child sees the new profile", async () => {
      const r = await awsx(
        ["exec", "--backend", "none", "--force", "target1", "--", process.execPath, PRINT_ENV],
        env({ AWSX_EXEC_PROFILE: "outer", AWSX_PROFILE: "outer" }),
      );
      expectExit(r, 0);
      const child = JSON.parse(r.stdout) as Record<string, string>;
      expect(child.AWSX_PROFILE).toBe("target1");
      expect(child.AWSX_EXEC_PROFILE).toBe("target1");
      expect(await moto.arnOf(child.AWS_ACCESS_KEY_ID)).toMatch(/assumed-role\/target1-role\//);
    }, 60_000);

    test("no command: starts $SHELL with the profile's env and returns its " +
      "exit status (5)", async () => {
      const r = await awsx(["exec", "--backend", "none", "target1"], env({ SHELL }));
      expectExit(r, 5);
      expect(r.stdout).toBe("shell-started AWSX_PROFILE=target1 args=0\n");
      expect(stsCalls(await moto.recordedCalls()).map((c) => c.action)).toEqual(["AssumeRole"]);
    }, 60_000);
  });
});
