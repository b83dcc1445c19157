// `awsx env` in the shells people use: eval "$(awsx env P)" in bash/dash/zsh, `| source`
// in fish, JSON for tools, and golden files for every --format (PowerShell and dotenv
// included), each golden also loaded by a real consumer where one is installed here.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AWSX_SECRETS, credentialVariables, REMOVED_VARIABLES } from "../../src/exec/childEnv.js";
import { ENV_FORMATS, formatEnv, type EnvFormat } from "../../src/exec/envFormat.js";
import { makeHome, type TempHome, keysSection } from "../helpers/home.js";
import { startMoto, type Moto } from "../helpers/moto.js";
import { hasCommand, needs, needsForTest } from "../helpers/requirements.js";
import { AWSX_BIN, shq, type AwsxRun, runDetached } from "../helpers/awsx.js";

// Each shell is gated on its own: missing locally = SKIP notice, missing under CI=true = failure.
const SHELLS = ["bash", "dash", "zsh"] as const;
const gate: Record<string, jest.It> = {};
for (const s of [...SHELLS, "fish"]) gate[s] = await needsForTest(s);

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const GOLDEN = path.join(ROOT, "__tests__", "golden");

// A real process in the repository (where Node finds the SDK), with a hard time limit, in a
// session of its own; stdin gets `input` (or /dev/null).
const run = (
  cmd: string,
  args: string[],
  opts: { env: Record<string, string>; input?: string; timeoutMs?: number },
): Promise<AwsxRun> => runDetached(cmd, args, opts.env, opts.timeoutMs, opts.input, ROOT);

// ---------------------------------------------------------------------------------
// Golden files: the exact text of each --format, for fixed fake credentials.

const FIXED_CREDS = {
  accessKeyId: "ASIAFAKEEXAMPLE00001",
  secretAccessKey: "fakeSecret/EXAMPLE+key0000000000000000000",
  sessionToken: "FwoGZXIvYXdzEXAMPLEFAKETOKEN//////////wEaDFAKE+session/token==",
  expiration: new Date("2030-01-02T03:04:05.000Z"),
};
const FIXED_VARS = credentialVariables(FIXED_CREDS, "target1", "eu-west-1");
const GOLDEN_FILE: Record<EnvFormat, string> = {
  sh: "env.sh",
  fish: "env.fish",
  powershell: "env.ps1",
  dotenv: "env.dotenv",
  json: "env.json",
};
// The values a consumer must end up with after loading a golden file.
const EXPECTED = Object.fromEntries(FIXED_VARS) as Record<string, string>;
// Inherited variables the shell formats must unset (the exec contract's list, less what is set).
// What env removes from the shell: the exec contract's list but the user's own AWSX_* secrets.
const STALE = REMOVED_VARIABLES.filter(
  (k) => !(k in EXPECTED) && !(AWSX_SECRETS as readonly string[]).includes(k),
);

describe("golden files: formatEnv output for every --format", () => {
  test("there is a golden file for every format and no other", () => {
    expect(Object.keys(GOLDEN_FILE).sort()).toEqual([...ENV_FORMATS].sort());
  });

  test.each([...ENV_FORMATS])("%s matches __tests__/golden", (format) => {
    const text = formatEnv(FIXED_VARS, format);
    const file = path.join(GOLDEN, GOLDEN_FILE[format]);
    if (process.env.UPDATE_GOLDEN === "1") {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(file, text);
    }
    expect(existsSync(file)).toBe(true);
    expect(text).toBe(readFileSync(file, "utf8"));
  });

  test("the variables set are the credential set, in awsx's order", () => {
    expect(FIXED_VARS.map(([k]) => k)).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
      "AWS_CREDENTIAL_EXPIRATION",
      "AWS_REGION",
      "AWS_DEFAULT_REGION",
      "AWSX_PROFILE",
    ]);
    // The expiration is printed without milliseconds, as STS writes it.
    expect(EXPECTED.AWS_CREDENTIAL_EXPIRATION).toBe("2030-01-02T03:04:05Z");
  });

  test("json golden is exactly the variables; dotenv sets them and unsets nothing", () => {
    expect(JSON.parse(readFileSync(path.join(GOLDEN, "env.json"), "utf8"))).toEqual(EXPECTED);
    const dotenv = readFileSync(path.join(GOLDEN, "env.dotenv"), "utf8");
    expect(
      dotenv
        .trimEnd()
        .split("\n")
        .map((l) => l.split("=")[0]),
    ).toEqual(Object.keys(EXPECTED));
  });

  test("powershell golden removes every stale credential variable and sets the new ones", () => {
    const ps = readFileSync(path.join(GOLDEN, "env.ps1"), "utf8");
    for (const name of STALE) {
      expect(ps).toContain(`Remove-Item Env:${name} -ErrorAction SilentlyContinue\n`);
    }
    for (const name of AWSX_SECRETS) expect(ps).not.toContain(name);
    for (const [k, v] of Object.entries(EXPECTED)) expect(ps).toContain(`$Env:${k} = '${v}'\n`);
    // pwsh is not packaged for this Debian (apt-cache policy powershell: no candidate),
    // so the PowerShell text is checked only as text; run it when pwsh is on PATH.
  });

  const pwshTest = hasCommand("pwsh") ? test : test.skip;
  pwshTest("powershell golden, dot-sourced in real pwsh, sets the variables", async () => {
    const r = await run(
      "pwsh",
      [
        "-NoProfile",
        "-NonInteractive",
        "-Command",
        `$Env:AWS_PROFILE='foo'; . '${path.join(GOLDEN, "env.ps1")}'; "P=[$Env:AWS_PROFILE] ` +
          `K=$Env:AWS_ACCESS_KEY_ID X=$Env:AWSX_PROFILE"`,
      ],
      { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: os.tmpdir() } },
    );
    expect(r.stdout.trim()).toBe(`P=[] K=${EXPECTED.AWS_ACCESS_KEY_ID} X=target1`);
  });

  const printVars = Object.keys(EXPECTED)
    .map((k) => `printf '%s=%s\\n' ${k} "$${k}"`)
    .join("; ");

  for (const sh of SHELLS) {
    gate[sh]!(
      `env.sh golden, sourced in real ${sh} over stale credential variables, ` +
        `unsets them and sets exactly the values`,
      async () => {
        const stale = STALE.map((k) => `${k}=stale; export ${k}`).join("; ");
        const left = STALE.map((k) => `echo "${k}=\${${k}-unset}"`).join("; ");
        const script = `${stale}; . ${shq(path.join(GOLDEN, "env.sh"))}; ${printVars}; ${left}`;
        const r = await run(sh, ["-c", script], {
          env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: os.tmpdir() },
        });
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        const lines = r.stdout.trimEnd().split("\n");
        expect(lines.slice(0, FIXED_VARS.length)).toEqual(
          Object.entries(EXPECTED).map(([k, v]) => `${k}=${v}`),
        );
        expect(lines.slice(FIXED_VARS.length)).toEqual(STALE.map((k) => `${k}=unset`));
      },
    );
  }

  gate.fish!(
    "env.fish golden, sourced in real fish over stale credential variables, " +
      "unsets them and sets exactly the values",
    async () => {
      const home = mkdtempSync(path.join(os.tmpdir(), "awsx-fish-"));
      try {
        const fishPrint = Object.keys(EXPECTED)
          .map((k) => `printf '%s=%s\\n' ${k} "$${k}"`)
          .join("; ");
        const stale = STALE.map((k) => `set -gx ${k} stale`).join("; ");
        const left = STALE.map(
          (k) => `if set -q ${k}; echo ${k}=set; else; echo ${k}=unset; end`,
        ).join("; ");
        const script =
          `${stale}; source ${shq(path.join(GOLDEN, "env.fish"))}; ` + `${fishPrint}; ${left}`;
        const r = await run("fish", ["--no-config", "-c", script], {
          env: {
            PATH: process.env.PATH ?? "/usr/bin:/bin",
            HOME: home,
            XDG_CONFIG_HOME: home,
            XDG_DATA_HOME: home,
          },
        });
        expect(r.stderr).toBe("");
        const lines = r.stdout.trimEnd().split("\n");
        expect(lines.slice(0, FIXED_VARS.length)).toEqual(
          Object.entries(EXPECTED).map(([k, v]) => `${k}=${v}`),
        );
        expect(lines.slice(FIXED_VARS.length)).toEqual(STALE.map((k) => `${k}=unset`));
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  );

  test(
    "env.dotenv golden, loaded by Node's own --env-file parser, " + "gives exactly the values",
    async () => {
      const r = await run(
        process.execPath,
        [
          `--env-file=${path.join(GOLDEN, "env.dotenv")}`,
          "-e",
          `const k=${JSON.stringify(Object.keys(EXPECTED))};` +
            `console.log(JSON.stringify(Object.fromEntries(k.map(n=>[n,process.env[n]]))))`,
        ],
        { env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } },
      );
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toEqual(EXPECTED);
    },
  );
});

// ---------------------------------------------------------------------------------
// The real CLI against moto, in real shells.

const describeMoto = await needs("moto_server", "aws");

describeMoto('eval "$(awsx env target1)" in real shells (moto)', () => {
  let moto: Moto;
  let home: TempHome;
  let roleArn: string;
  beforeAll(async () => {
    moto = await startMoto();
    const foo = await moto.createUser("foo");
    roleArn = (await moto.createRole("target1-role")).arn;
    home = makeHome({
      credentials: keysSection("foo", foo),
      config:
        `[profile foo]\nregion = us-east-1\n\n[profile target1]\n` +
        `role_arn = ${roleArn}\nsource_profile = foo\n`,
    });
  }, 60_000);

  afterAll(async () => {
    home?.cleanup();
    await moto?.stop();
  });

  const env = (extra: Record<string, string | undefined> = {}) =>
    home.env({ AWS_ENDPOINT_URL_STS: moto.url, AWS_DEFAULT_REGION: "us-east-1", ...extra });
  const awsxCmd = (...args: string[]) => ["node", AWSX_BIN, ...args].map(shq).join(" ");
  const IDENTITY = "aws sts get-caller-identity --query Arn --output text";
  const assumedRole = /^arn:aws:sts::\d{12}:assumed-role\/target1-role\/[\w+=,.@-]+$/;

  const eachShell = (title: string, fn: (sh: string) => Promise<void>) => {
    for (const sh of SHELLS) gate[sh]!(`${title} [${sh}]`, () => fn(sh), 45_000);
  };

  eachShell('eval "$(awsx env target1)" then the AWS CLI is the role', async (sh) => {
    const script =
      `eval "$(${awsxCmd("env", "target1", "--backend", "none")})" && echo ` +
      `"X=$AWSX_PROFILE" && ${IDENTITY}`;
    const r = await run(sh, ["-c", script], { env: env() });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const [x, arn] = r.stdout.trimEnd().split("\n");
    expect(x).toBe("X=target1");
    expect(arn).toMatch(assumedRole);
  });

  eachShell(
    "AWS_PROFILE=foo set before eval is unset after it, and the CLI shows the role, not foo",
    async (sh) => {
      const before = await run(sh, ["-c", IDENTITY], { env: env({ AWS_PROFILE: "foo" }) });
      expect(before.stdout.trim()).toMatch(/:user\/foo$/); // the stale profile really was in effect
      const script =
        `eval "$(${awsxCmd("env", "target1", "--backend", "none")})" && echo ` +
        `"P=\${AWS_PROFILE-unset}" && ${IDENTITY}`;
      const r = await run(sh, ["-c", script], { env: env({ AWS_PROFILE: "foo" }) });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const [p, arn] = r.stdout.trimEnd().split("\n");
      expect(p).toBe("P=unset");
      expect(arn).toMatch(assumedRole);
    },
  );

  gate.fish!(
    "fish: awsx env target1 --format fish | source, over AWS_PROFILE=foo",
    async () => {
      const script =
        `${awsxCmd("env", "target1", "--backend", "none", "--format", "fish")} | source; ` +
        `if set -q AWS_PROFILE; echo P=set; else; echo P=unset; end; ` +
        `echo "X=$AWSX_PROFILE"; ${IDENTITY}`;
      const r = await run("fish", ["--no-config", "-c", script], {
        env: env({ AWS_PROFILE: "foo", XDG_CONFIG_HOME: home.dir, XDG_DATA_HOME: home.dir }),
      });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const [p, x, arn] = r.stdout.trimEnd().split("\n");
      expect(p).toBe("P=unset");
      expect(x).toBe("X=target1");
      expect(arn).toMatch(assumedRole);
    },
    45_000,
  );

  test("--format json is one object with the same variable names that the sh " +
    "output exports", async () => {
    const json = await run(
      "node",
      [AWSX_BIN, "env", "target1", "--backend", "none", "--format", "json"],
      { env: env() },
    );
    const sh = await run("node", [AWSX_BIN, "env", "target1", "--backend", "none"], { env: env() });
    expect(json.code).toBe(0);
    expect(sh.code).toBe(0);
    const obj = JSON.parse(json.stdout) as Record<string, string>;
    expect(obj).toEqual(expect.any(Object));
    expect(Array.isArray(obj)).toBe(false);
    const exported = [...sh.stdout.matchAll(/^export ([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect(Object.keys(obj)).toEqual(exported);
    expect(Object.keys(obj)).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
      "AWS_CREDENTIAL_EXPIRATION",
      "AWS_REGION",
      "AWS_DEFAULT_REGION",
      "AWSX_PROFILE",
    ]);
    expect(obj.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/);
    expect(obj.AWSX_PROFILE).toBe("target1");
    expect(obj.AWS_REGION).toBe("us-east-1");
    for (const v of Object.values(obj)) expect(typeof v).toBe("string");
    // The sh output also unsets the stale variables it does not set.
    expect(sh.stdout).toMatch(/^unset AWS_PROFILE;$/m);
  }, 30_000);
});
