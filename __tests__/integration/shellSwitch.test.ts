// Switching a shell with `awsx env` (granted's `assume`): the evaluated shell is not an exec
// child, keeps the user's own AWSX_* settings, switches back with --unset, and `whoami` with
// no profile reads the current one. Real shells, the built CLI.
import { spawn } from "node:child_process";
import { ENV_SET_VARIABLES } from "../../src/exec/childEnv.js";
import { runAwsx, awsxCommand } from "../helpers/awsx.js";
import { makeHome, type TempHome, keysSection } from "../helpers/home.js";
import { startMoto, type Moto } from "../helpers/moto.js";
import { needs, needsForTest } from "../helpers/requirements.js";

const awsx = awsxCommand();
const STATIC = {
  accessKeyId: "AKIAFAKESTATIC000001",
  secretAccessKey: "fakeSecretKeyForTests0000000000000000000",
};

function sh(shell: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(shell, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const t = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("close", (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

const gate: Record<string, jest.It> = {};
for (const s of ["bash", "dash", "zsh", "fish"]) gate[s] = await needsForTest(s);

describe('eval "$(awsx env P)", then exec, then env --unset', () => {
  let home: TempHome;
  beforeAll(() => {
    home = makeHome({
      credentials: keysSection("foo", STATIC),
      config: "[profile foo]\nregion = eu-west-1\n",
    });
  });
  afterAll(() => home?.cleanup());
  const env = () =>
    home.env({ AWSX_FILE_PASSPHRASE: "mine-pass", AWSX_MFA_TOKEN: "123456", KEEP: "k" });
  // After each step: the marker, exec's answer, the user's settings, then after --unset
  // every variable env may set (unset) and the unrelated one.
  const report = (v: string) => `echo "${v}=\${${v}-unset}"`;
  const after = [...ENV_SET_VARIABLES, "AWSX_FILE_PASSPHRASE", "AWSX_MFA_TOKEN", "KEEP"];
  const expectAfterUnset = [
    ...ENV_SET_VARIABLES.map((v) => `${v}=unset`),
    "AWSX_FILE_PASSPHRASE=mine-pass",
    "AWSX_MFA_TOKEN=123456",
    "KEEP=k",
  ];

  for (const shell of ["bash", "dash", "zsh"]) {
    gate[shell]!(
      `${shell}: not nested, own settings kept, --unset clears what env set`,
      async () => {
        const script = [
          `eval "$(${awsx} env foo --backend none)"`,
          'echo "M=$AWSX_PROFILE E=${AWSX_EXEC_PROFILE-unset}"',
          `${awsx} exec foo --backend none -- sh -c 'echo "X=$AWSX_EXEC_PROFILE"'; echo "C=$?"`,
          report("AWSX_FILE_PASSPHRASE"),
          `eval "$(${awsx} env --unset)"`,
          ...after.map(report),
        ].join("\n");
        const r = await sh(shell, ["-c", script], env());
        expect(r.stderr).toBe("");
        expect(r.stdout.trimEnd().split("\n")).toEqual([
          "M=foo E=unset",
          "X=foo",
          "C=0",
          "AWSX_FILE_PASSPHRASE=mine-pass",
          ...expectAfterUnset,
        ]);
      },
      45_000,
    );
  }

  gate.fish!(
    "fish: the same through | source",
    async () => {
      const fishReport = (v: string) =>
        `if set -q ${v}; echo ${v}=$${v}; else; echo ${v}=unset; end`;
      const script = [
        `${awsx} env foo --backend none -f fish | source`,
        'echo "M=$AWSX_PROFILE"',
        `${awsx} exec foo --backend none -- true; echo "C=$status"`,
        `${awsx} env --unset -f fish | source`,
        ...after.map(fishReport),
      ].join("\n");
      const r = await sh("fish", ["--no-config", "-c", script], {
        ...env(),
        XDG_CONFIG_HOME: home.dir,
        XDG_DATA_HOME: home.dir,
      });
      expect(r.stderr).toBe("");
      expect(r.stdout.trimEnd().split("\n")).toEqual(["M=foo", "C=0", ...expectAfterUnset]);
    },
    45_000,
  );

  test("--unset for powershell removes exactly the variables env sets", async () => {
    const r = await runAwsx(["env", "--unset", "-f", "powershell"], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      ENV_SET_VARIABLES.map((v) => `Remove-Item Env:${v} -ErrorAction SilentlyContinue\n`).join(""),
    );
  });

  test.each(["dotenv", "json"])("--unset -f %s is a usage error with the way out", async (f) => {
    const r = await runAwsx(["env", "--unset", "-f", f], env());
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/--unset prints shell code.*--format sh, fish or powershell/);
  });

  test("env with neither a profile nor --unset, or with both, is a usage error", async () => {
    const none = await runAwsx(["env"], env());
    expect(none.code).toBe(64);
    expect(none.stderr).toMatch(/awsx env needs a profile.*awsx env --unset/);
    const both = await runAwsx(["env", "foo", "--unset"], env());
    expect(both.code).toBe(64);
    expect(both.stdout).toBe("");
  });

  test(
    "an exec child is still nested (AWSX_EXEC_PROFILE), " + "and env inside it keeps that",
    async () => {
      const script =
        `eval "$(${awsx} env foo --backend none)"; ` + `${awsx} exec foo -- true; echo "C=$?"`;
      const r = await runAwsx(
        ["exec", "foo", "--backend", "none", "--", "sh", "-c", script],
        env(),
      );
      expect(r.stdout.trim()).toBe("C=64");
      expect(r.stderr).toMatch(/already inside awsx exec for profile "foo"/);
    },
  );

  test("exec without a command prints no banner when stderr is not a terminal", async () => {
    const r = await runAwsx(["exec", "foo", "--backend", "none"], {
      ...env(),
      SHELL: "/bin/true",
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });
});

const describeMoto = await needs("moto_server");

describeMoto("awsx whoami without a profile", () => {
  let moto: Moto;
  let home: TempHome;
  beforeAll(async () => {
    moto = await startMoto();
    const foo = await moto.createUser("foo");
    const bar = await moto.createUser("bar");
    const keys = (n: string, k: { accessKeyId: string; secretAccessKey: string }) =>
      `[${n}]\naws_access_key_id = ${k.accessKeyId}\n` +
      `aws_secret_access_key = ${k.secretAccessKey}\n`;
    home = makeHome({ credentials: keys("foo", foo) + keys("default", bar) });
  }, 60_000);
  afterAll(async () => {
    home?.cleanup();
    await moto?.stop();
  });
  const env = (extra: Record<string, string> = {}) =>
    home.env({ AWS_ENDPOINT_URL_STS: moto.url, AWS_DEFAULT_REGION: "us-east-1", ...extra });

  test.each([
    [{ AWSX_PROFILE: "foo", AWS_PROFILE: "default" }, "foo", "user/foo"],
    [{ AWS_PROFILE: "foo" }, "foo", "user/foo"],
    [{}, "default", "user/bar"],
  ])(
    "with %j: profile %s",
    async (extra, profile, arn) => {
      const r = await runAwsx(["whoami", "--backend", "none"], env(extra));
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Profile: +${profile}$`, "m"));
      expect(r.stdout).toMatch(new RegExp(`^Arn: +arn:aws:iam::\\d{12}:${arn}$`, "m"));
    },
    30_000,
  );

  test('after eval "$(awsx env foo)" in bash, whoami is foo', async () => {
    const script = `eval "$(${awsx} env foo --backend none)" && ${awsx} whoami --backend none`;
    const r = await sh("bash", ["-c", script], env({ AWS_PROFILE: "default" }));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Profile: +foo$/m);
  }, 30_000);
});
