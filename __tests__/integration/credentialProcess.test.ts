// `credential_process = awsx credential-process PROFILE` used by real consumers: the AWS
// CLI, the JS SDK's fromIni, a loop that must fail fast, and an MFA prompt that must
// reach the user's terminal although the caller captures awsx's stdout and stderr.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { makeHome, type TempHome, keysSection } from "../helpers/home.js";
import { startMoto, type Moto } from "../helpers/moto.js";
import { needs, needsForTest } from "../helpers/requirements.js";
import { AWSX_BIN, type AwsxRun, runDetached } from "../helpers/awsx.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// The command line a user writes into ~/.aws/config (shlex-split by botocore and awsx).
const AWSX_CMD = `"${process.execPath}" "${AWSX_BIN}"`;

// A real process in the repository (where Node finds the SDK), with a hard time limit, in a
// session of its own; stdin gets `input` (or /dev/null).
const run = (
  cmd: string,
  args: string[],
  opts: { env: Record<string, string>; input?: string; timeoutMs?: number },
): Promise<AwsxRun> => runDetached(cmd, args, opts.env, opts.timeoutMs, opts.input, ROOT);

const describeMoto = await needs("moto_server", "aws");
const ptyTest = await needsForTest("script", "aws");

const ASSUMED_TARGET1 = /^arn:aws:sts::\d{12}:assumed-role\/target1-role\/[\w+=,.@-]+$/;

describeMoto("credential_process = awsx credential-process (moto)", () => {
  let moto: Moto;
  let home: TempHome;
  let roleArn: string;

  beforeAll(async () => {
    moto = await startMoto();
    const foo = await moto.createUser("foo");
    roleArn = (await moto.createRole("target1-role")).arn;
    home = makeHome({
      credentials: keysSection("foo", foo),
      config: [
        "[profile foo]",
        "region = us-east-1",
        "[profile target1]",
        `role_arn = ${roleArn}`,
        "source_profile = foo",
        "[profile viaproc]",
        `credential_process = ${AWSX_CMD} credential-process target1 --backend none`,
        "[profile loop]",
        `credential_process = ${AWSX_CMD} credential-process loop`,
        "[profile loopa]",
        `credential_process = ${AWSX_CMD} credential-process loopb --backend none`,
        "[profile loopb]",
        `credential_process = ${AWSX_CMD} credential-process loopa --backend none`,
        "",
      ].join("\n"),
    });
  }, 60_000);

  afterAll(async () => {
    home?.cleanup();
    await moto?.stop();
  });

  const env = (extra: Record<string, string | undefined> = {}) =>
    home.env({ AWS_ENDPOINT_URL_STS: moto.url, AWS_DEFAULT_REGION: "us-east-1", ...extra });

  // "Promptly" is 20 s, or three times what a working aws -> awsx call took on this machine
  // when that is longer (a loaded box: 10 s once failed while other suites ran); a loop
  // without the guard would run into the 60 s AWSX_PROCESS_TIMEOUT at best.
  let workingCallMs = 0;
  // Wide: under the 60 s that tells a loop from a guard, whatever the machine's load.
  const promptly = () => Math.min(50_000, Math.max(30_000, 5 * workingCallMs));

  test("the real AWS CLI: aws --profile viaproc sts get-caller-identity is " +
    "target1's role", async () => {
    const r = await run(
      "aws",
      ["--profile", "viaproc", "sts", "get-caller-identity", "--query", "Arn", "--output", "text"],
      { env: env() },
    );
    workingCallMs = r.ms;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(ASSUMED_TARGET1);
  }, 30_000);

  test("the JS SDK: fromIni({ profile: 'viaproc' }) " +
    "+ STS GetCallerIdentity is target1's role", async () => {
    // @aws-sdk/credential-providers is the public bundle; credential-provider-ini (a
    // dependency of client-sts) has the same fromIni. Use whichever is installed.
    const pkg = ["@aws-sdk/credential-providers", "@aws-sdk/credential-provider-ini"].find((p) =>
      existsSync(path.join(ROOT, "node_modules", p, "package.json")),
    );
    expect(pkg).toBeDefined();
    const code = [
      `const { fromIni } = await import(${JSON.stringify(pkg)});`,
      `const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");`,
      `const client = new STSClient({ region: "us-east-1", endpoint: process.env.MOTO_URL, ` +
        `maxAttempts: 1, credentials: fromIni({ profile: "viaproc" }) });`,
      `const out = await client.send(new GetCallerIdentityCommand({}));`,
      `process.stdout.write(out.Arn + "\\n");`,
    ].join("\n");
    const r = await run(process.execPath, ["--input-type=module", "-e", code], {
      env: env({ MOTO_URL: moto.url }),
    });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(ASSUMED_TARGET1);
  }, 30_000);

  test("awsx credential-process prints exactly one Version 1 JSON line and nothing " +
    "else on stdout", async () => {
    const started = Date.now();
    const r = await run("node", [AWSX_BIN, "credential-process", "target1", "--backend", "none"], {
      env: env(),
    });
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith("\n")).toBe(true);
    const lines = r.stdout.slice(0, -1).split("\n");
    expect(lines).toHaveLength(1);
    const body = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([
      "AccessKeyId",
      "Expiration",
      "SecretAccessKey",
      "SessionToken",
      "Version",
    ]);
    expect(body.Version).toBe(1);
    expect(body.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(typeof body.SecretAccessKey).toBe("string");
    expect((body.SecretAccessKey as string).length).toBeGreaterThanOrEqual(20);
    expect(typeof body.SessionToken).toBe("string");
    expect((body.SessionToken as string).length).toBeGreaterThan(20);
    expect(body.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
    const exp = Date.parse(body.Expiration as string);
    expect(exp).toBeGreaterThan(started + 10 * 60_000); // a fresh session, not an expired one
    expect(new Date(exp).toISOString().replace(".000Z", "Z")).toBe(
      (body.Expiration as string).replace(".000Z", "Z"),
    );
    // The secrets never reach stderr.
    expect(r.stderr).not.toContain(body.SecretAccessKey as string);
    expect(r.stderr).not.toContain(body.SessionToken as string);
  }, 30_000);

  test("recursion: aws --profile loop fails promptly with a message about recursion", async () => {
    const r = await run("aws", ["--profile", "loop", "sts", "get-caller-identity"], {
      env: env(),
      timeoutMs: 40_000,
    });
    expect(r.signal).toBeNull(); // not killed by our timeout: it ended by itself
    expect(r.ms).toBeLessThan(promptly());
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /credential_process recursion: profile "loop" is already being resolved/,
    );
  }, 60_000);

  test("recursion: awsx exec loop -- true exits 78 promptly with a message " +
    "about recursion", async () => {
    const r = await run("node", [AWSX_BIN, "exec", "loop", "--", "true"], {
      env: env(),
      timeoutMs: 40_000,
    });
    expect(r.signal).toBeNull();
    expect(r.ms).toBeLessThan(promptly());
    expect(r.stderr).toMatch(/recursion/);
    expect(r.stderr).toMatch(/loop -> loop/);
    expect(r.code).toBe(78);
  }, 60_000);

  test("recursion through two profiles (loopa -> loopb -> loopa) also stops promptly", async () => {
    const r = await run("node", [AWSX_BIN, "exec", "loopa", "--", "true"], {
      env: env(),
      timeoutMs: 40_000,
    });
    expect(r.signal).toBeNull();
    expect(r.ms).toBeLessThan(promptly());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/recursion/);
    expect(r.stderr).toMatch(/loopa -> loopb -> loopa/);
  }, 60_000);
});

// Under a pseudo-terminal, like a user typing `aws ...` in a terminal: botocore captures
// the credential_process's stdout and stderr, so the MFA prompt must go to /dev/tty.
describe("MFA prompt through credential_process reaches the terminal (fake STS)", () => {
  const MFA = { serial: "arn:aws:iam::123456789012:mfa/foo", code: "987123" };
  const STATIC = {
    accessKeyId: "AKIAFAKESTATIC000001",
    secretAccessKey: "fakeSecretKeyForTests0000000000000000000",
  };
  let sts: FakeSts;
  let home: TempHome;

  beforeAll(async () => {
    sts = await startFakeSts({
      mfa: MFA,
      identities: { [STATIC.accessKeyId]: "arn:aws:iam::123456789012:user/foo" },
    });
    home = makeHome({
      credentials: keysSection("foo", STATIC),
      config: [
        "[profile mfarole]",
        "role_arn = arn:aws:iam::123456789012:role/mfa-role",
        "source_profile = foo",
        `mfa_serial = ${MFA.serial}`,
        "[profile viaprocmfa]",
        `credential_process = ${AWSX_CMD} credential-process mfarole --backend none`,
        "",
      ].join("\n"),
    });
  });

  afterAll(async () => {
    home?.cleanup();
    await sts?.close();
  });

  ptyTest(
    "aws --profile viaprocmfa: the prompt shows on the terminal, the typed code reaches STS, " +
      "the call succeeds",
    async () => {
      const env = home.env({
        AWS_ENDPOINT_URL_STS: sts.url,
        AWS_DEFAULT_REGION: "us-east-1",
        TERM: "dumb",
      });
      const child = spawn(
        "script",
        [
          "-qec",
          "aws --profile viaprocmfa sts get-caller-identity --query Arn --output text",
          "/dev/null",
        ],
        {
          env,
          cwd: ROOT,
          stdio: ["pipe", "pipe", "pipe"],
        },
      );
      let terminal = "";
      let typed = false;
      const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
        (resolve) => {
          child.on("close", (code, signal) => resolve({ code, signal }));
        },
      );
      const sawPrompt = new Promise<void>((resolve) => {
        const onData = (b: Buffer) => {
          terminal += b.toString("utf8");
          if (!typed && terminal.includes("Enter MFA code")) {
            typed = true;
            resolve();
          }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
      });
      const killer = setTimeout(() => child.kill("SIGKILL"), 25_000);
      try {
        await Promise.race([sawPrompt, done]);
        // The MFA session (GetSessionToken) step belongs to the source profile foo, so the
        // prompt may name either profile of the chain; it must name the device.
        expect(terminal).toMatch(
          /Enter MFA code for arn:aws:iam::123456789012:mfa\/foo \(profile (mfarole|foo)\): /,
        );
        child.stdin.write(`${MFA.code}\n`);
        const { code, signal } = await done;
        child.stdin.end();
        expect(signal).toBeNull();
        expect(code).toBe(0);
        expect(terminal).toMatch(/arn:aws:sts::123456789012:assumed-role\/mfa-role\/[\w+=,.@-]+/);
        // The code was read without echo.
        expect(terminal).not.toContain(MFA.code);
        const withCode = sts.calls.filter((c) => c.params.TokenCode !== undefined);
        expect(withCode.length).toBeGreaterThanOrEqual(1);
        for (const c of withCode) {
          expect(c.params.TokenCode).toBe("987123");
          expect(c.params.SerialNumber).toBe(MFA.serial);
        }
        expect(sts.count("AssumeRole")).toBe(1);
        expect(sts.count("GetCallerIdentity")).toBe(1);
      } finally {
        clearTimeout(killer);
        child.kill("SIGKILL");
      }
    },
    30_000,
  );
});
