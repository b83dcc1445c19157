// awsx in a simulated CI job: no terminal (setsid, stdin /dev/null), CI=true, OIDC web
// identity from the environment or static runner keys, no D-Bus, NO_COLOR; awsx must
// never prompt, never touch a keychain, keep its stdout for the child, and fail fast.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { dataFilesUnder, makeHome, type TempHome, keysSection } from "../helpers/home.js";
import { startMoto, type Moto, type MotoUser } from "../helpers/moto.js";
import { needs, needsForTest } from "../helpers/requirements.js";
import { AWSX_BIN, runAwsx } from "../helpers/awsx.js";
import { joinRegExp } from "../helpers/regex.js";

const MFA_SERIAL = "arn:aws:iam::123456789012:mfa/foo";
// Shaped like a JWT (header.payload.signature); moto does not verify it.
const OIDC_TOKEN =
  "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." +
  Buffer.from(
    JSON.stringify({
      iss: "https://token.actions.example.test",
      sub: "repo:example/awsx:ref:refs/heads/main",
      aud: "sts.amazonaws.com",
    }),
  ).toString("base64url") +
  ".ZmFrZS1zaWduYXR1cmUtZm9yLXRlc3Rz";

// Every path under dir, relative, sorted.
function tree(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      const rel = path.relative(base, full);
      return statSync(full).isDirectory() ? [rel, ...tree(full, base)] : [rel];
    })
    .sort();
}

const describeMoto = await needs("moto_server", "aws");
const ptyTest = await needsForTest("script");
const ASSUMED_TARGET1 = /^arn:aws:sts::\d{12}:assumed-role\/target1-role\/[\w+=,.@-]+$/;

describeMoto("awsx in CI (moto, no terminal, CI=true)", () => {
  let moto: Moto;
  let foo: MotoUser;
  let roleArn: string;
  let tokenDir: string;
  let tokenFile: string;
  const homes: TempHome[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    foo = await moto.createUser("foo");
    roleArn = (await moto.createRole("target1-role")).arn;
    tokenDir = mkdtempSync(path.join(os.tmpdir(), "awsx-oidc-"));
    tokenFile = path.join(tokenDir, "token");
    writeFileSync(tokenFile, `${OIDC_TOKEN}\n`);
  }, 60_000);

  afterAll(async () => {
    for (const h of homes) h.cleanup();
    if (tokenDir) rmSync(tokenDir, { recursive: true, force: true });
    await moto?.stop();
  });

  const newHome = (config: string, credentials = ""): TempHome => {
    const h = makeHome({ config, credentials });
    homes.push(h);
    return h;
  };
  // The runner's environment: CI=true, no D-Bus, no AWSX_BACKEND, STS = moto.
  const ciEnv = (home: TempHome, extra: Record<string, string | undefined> = {}) =>
    home.env({
      CI: "true",
      AWS_ENDPOINT_URL_STS: moto.url,
      AWS_DEFAULT_REGION: "us-east-1",
      DBUS_SESSION_BUS_ADDRESS: undefined,
      AWSX_BACKEND: undefined,
      ...extra,
    });
  const webIdentity = () => ({ AWS_ROLE_ARN: roleArn, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile });

  const CI_CONFIG = "[profile ci]\nregion = us-east-1\n";
  const ciCredentials = () => keysSection("foo", foo);
  const MFA_CONFIG = () =>
    `[profile foo]\nregion = us-east-1\n\n[profile mfa]\n` +
    `role_arn = ${roleArn}\nsource_profile = foo\nmfa_serial = ${MFA_SERIAL}\n`;

  test("OIDC web identity from the environment: " +
    "awsx exec ci -- aws sts get-caller-identity is the role; no keychain, " +
    "nothing written to HOME", async () => {
    const home = newHome(CI_CONFIG);
    await moto.startRecording();
    const r = await runAwsx(
      [
        "exec",
        "ci",
        "--debug",
        "--",
        "aws",
        "sts",
        "get-caller-identity",
        "--query",
        "Arn",
        "--output",
        "text",
      ],
      ciEnv(home, webIdentity()),
    );
    await moto.stopRecording();
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(ASSUMED_TARGET1);
    // The token from the file went to STS with the role from AWS_ROLE_ARN.
    const calls = (await moto.recordedCalls()).filter(
      (c) => c.action === "AssumeRoleWithWebIdentity",
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]!.params.RoleArn).toBe(roleArn);
    expect(calls[0]!.params.WebIdentityToken).toBe(OIDC_TOKEN);
    // No keychain without D-Bus, and no cache at all without AWSX_FILE_PASSPHRASE.
    expect(r.stderr).toContain("awsx[debug]: cache: keychain unavailable");
    expect(r.stderr).toContain("DBUS_SESSION_BUS_ADDRESS is not set");
    expect(r.stderr).toContain("awsx[debug]: cache: none");
    expect(r.stderr).not.toMatch(/cache: (using|hit|stored|wrote)/i);
    // Nothing was written under HOME (no session cache, no lock files, no keyring files)
    // but awsx's own code cache.
    expect(tree(home.dir).filter((p) => !p.startsWith(".cache"))).toEqual([
      ".aws",
      path.join(".aws", "config"),
      path.join(".aws", "credentials"),
    ]);
    expect(dataFilesUnder(path.join(home.dir, ".cache"))).toEqual([]);
  }, 45_000);

  test("the simulation is real: the child has no controlling terminal", async () => {
    const home = newHome(CI_CONFIG);
    const r = await runAwsx(
      [
        "exec",
        "ci",
        "--",
        "sh",
        "-c",
        "if (: </dev/tty) 2>/dev/null; then echo HAS-TTY; else echo NO-TTY; fi; " +
          "test -t 0 || echo STDIN-NOT-TTY",
      ],
      ciEnv(home, webIdentity()),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("NO-TTY\nSTDIN-NOT-TTY\n");
  }, 30_000);

  test("the child does not inherit the runner's web identity variables " +
    "or AWS_PROFILE", async () => {
    const home = newHome(CI_CONFIG);
    const r = await runAwsx(
      [
        "exec",
        "ci",
        "--",
        "sh",
        "-c",
        'echo "R=${AWS_ROLE_ARN-unset} F=${AWS_WEB_IDENTITY_TOKEN_FILE-unset} ' +
          "P=${AWS_PROFILE-unset} X=$AWSX_PROFILE " +
          'K=${AWS_ACCESS_KEY_ID%${AWS_ACCESS_KEY_ID#????}}"',
      ],
      ciEnv(home, { ...webIdentity(), AWS_PROFILE: "ci" }),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("R=unset F=unset P=unset X=ci K=ASIA\n");
  }, 30_000);

  test("credential_source = Environment: runner keys of foo in the env, " +
    "profile deploy assumes the role", async () => {
    const home = newHome(
      `[profile deploy]\nrole_arn = ${roleArn}\ncredential_source = Environment\n` +
        `region = us-east-1\n`,
    );
    const env = ciEnv(home, {
      AWS_ACCESS_KEY_ID: foo.accessKeyId,
      AWS_SECRET_ACCESS_KEY: foo.secretAccessKey,
    });
    // Without awsx the runner's keys are foo's.
    const before = await new Promise<string>((resolve) => {
      const c = spawn("aws", ["sts", "get-caller-identity", "--query", "Arn", "--output", "text"], {
        env,
        stdio: ["ignore", "pipe", "ignore"],
      });
      let out = "";
      c.stdout.on("data", (b: Buffer) => (out += b.toString()));
      c.on("close", () => resolve(out.trim()));
    });
    expect(before).toBe(foo.arn);
    const r = await runAwsx(
      [
        "exec",
        "deploy",
        "--",
        "aws",
        "sts",
        "get-caller-identity",
        "--query",
        "Arn",
        "--output",
        "text",
      ],
      env,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(ASSUMED_TARGET1);
  }, 45_000);

  test.each([
    ["CI=true", "true"],
    ["CI=1", "1"],
  ])(
    "an MFA profile under %s with no code fails fast with exit 66 naming --mfa-token and " +
      "AWSX_MFA_TOKEN",
    async (_label, ci) => {
      const home = newHome(MFA_CONFIG(), ciCredentials());
      await moto.startRecording();
      // A prompt would wait for ever: the 30 s guard kills it, and the signal shows.
      const r = await runAwsx(["exec", "mfa", "--", "true"], ciEnv(home, { CI: ci }), 30_000);
      await moto.stopRecording();
      expect(r.signal).toBeNull();
      expect(r.code).toBe(66);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("--mfa-token");
      expect(r.stderr).toContain("AWSX_MFA_TOKEN");
      expect(r.stderr).toContain(MFA_SERIAL);
      expect(r.stderr).not.toContain("Enter MFA code");
      // It failed before calling STS at all.
      expect((await moto.recordedCalls()).filter((c) => c.service === "sts")).toEqual([]);
    },
    30_000,
  );

  ptyTest(
    "CI=true never prompts even when the job has a terminal (script pty): exit 66, no prompt",
    async () => {
      const home = newHome(MFA_CONFIG(), ciCredentials());
      const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const c = spawn(
          "script",
          ["-qec", `"${process.execPath}" "${AWSX_BIN}" exec mfa -- true`, "/dev/null"],
          { env: ciEnv(home), stdio: ["pipe", "pipe", "pipe"] },
        );
        let out = "";
        c.stdout.on("data", (b: Buffer) => (out += b.toString()));
        c.stderr.on("data", (b: Buffer) => (out += b.toString()));
        const t = setTimeout(() => c.kill("SIGKILL"), 30_000); // a prompt would wait for ever
        c.on("close", (code) => {
          clearTimeout(t);
          resolve({ code, out });
        });
      });
      expect(r.code).toBe(66); // not null: it was not killed waiting at a prompt
      expect(r.out).not.toContain("Enter MFA code");
      expect(r.out).toContain("AWSX_MFA_TOKEN");
    },
    30_000,
  );

  test("the same MFA profile with AWSX_MFA_TOKEN set succeeds, " +
    "and the code is what reached STS", async () => {
    const home = newHome(MFA_CONFIG(), ciCredentials());
    await moto.startRecording();
    const r = await runAwsx(
      [
        "exec",
        "mfa",
        "--",
        "aws",
        "sts",
        "get-caller-identity",
        "--query",
        "Arn",
        "--output",
        "text",
      ],
      ciEnv(home, { AWSX_MFA_TOKEN: "987123" }),
    );
    await moto.stopRecording();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(ASSUMED_TARGET1);
    const withCode = (await moto.recordedCalls()).filter((c) => c.params.TokenCode !== undefined);
    expect(withCode.length).toBeGreaterThanOrEqual(1);
    for (const c of withCode) {
      expect(c.params.TokenCode).toBe("987123");
      expect(c.params.SerialNumber).toBe(MFA_SERIAL);
    }
  }, 45_000);

  test("stdout carries only the child's output: awsx exec ci --debug -- echo hello", async () => {
    const home = newHome(CI_CONFIG);
    const r = await runAwsx(
      ["exec", "ci", "--debug", "--", "echo", "hello"],
      ciEnv(home, webIdentity()),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("hello\n");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/^awsx(\[debug\])?: /);
    expect(r.stderr).toContain("AssumeRoleWithWebIdentity");
  }, 30_000);

  test("--quiet suppresses awsx clear's message (and -q the no-backend warning)", async () => {
    const home = newHome(CI_CONFIG);
    const loud = await runAwsx(["clear", "--backend", "memory"], ciEnv(home));
    expect(loud.code).toBe(0);
    expect(loud.stdout).toBe("");
    expect(loud.stderr).toBe("awsx: removed 0 cached sessions from the memory cache\n");
    const quiet = await runAwsx(["clear", "--quiet", "--backend", "memory"], ciEnv(home));
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe("");
    expect(quiet.stderr).toBe("");
    const warn = await runAwsx(["clear"], ciEnv(home));
    expect(warn.code).toBe(0);
    // And that the keychain was not read (no D-Bus here), so any sessions in it are still there.
    expect(warn.stderr).toMatch(
      joinRegExp(
        /^awsx: warning: no cache backend is in use: nothing to clear\nawsx: /,
        /warning: the keychain was not read, so the sessions kept in it \(if /,
        /any\) were not removed: there is no D-Bus session/,
      ),
    );
    const quietWarn = await runAwsx(["-q", "clear"], ciEnv(home));
    expect(quietWarn.code).toBe(0);
    expect(quietWarn.stderr).toBe("");
  }, 30_000);

  test("NO_COLOR: no ANSI escape in any stdout or stderr (help, errors, env, list, " +
    "explain, debug)", async () => {
    const home = newHome(
      `${CI_CONFIG}\n[profile deploy]\nrole_arn = ${roleArn}\ncredential_source = Environment\n`,
    );
    const env = ciEnv(home, { ...webIdentity(), NO_COLOR: "1" });
    const cases: Array<{ args: string[]; code: number }> = [
      { args: ["--help"], code: 0 },
      { args: ["exec", "--help"], code: 0 },
      { args: ["--version"], code: 0 },
      { args: ["no-such-command"], code: 64 },
      { args: ["exec", "no-such-profile", "--", "true"], code: 67 },
      { args: ["env", "ci", "--debug"], code: 0 },
      { args: ["list"], code: 0 },
      { args: ["explain", "deploy"], code: 0 },
      // No runner keys in env: credential source error.
      { args: ["exec", "deploy", "--", "true"], code: 79 },
    ];
    const results = await Promise.all(cases.map((c) => runAwsx(c.args, env)));
    for (const [i, c] of cases.entries()) {
      const r = results[i]!;
      const label = `awsx ${c.args.join(" ")}`;
      expect({ label, code: r.code }).toEqual({ label, code: c.code });
      expect(r.stdout + r.stderr).not.toBe("");
      expect({ label, stdout: r.stdout.includes("\u001b") }).toEqual({ label, stdout: false });
      expect({ label, stderr: r.stderr.includes("\u001b") }).toEqual({ label, stderr: false });
    }
  }, 60_000);
});
