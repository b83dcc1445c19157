// Where an MFA code comes from when awsx has no terminal (docs/prompts.md), through the
// built CLI run with no controlling terminal against a fake STS that checks the code:
// - ykman: a stand-in on PATH (__tests__/fixtures/ykman/ykman) that prints what ykman 5
//   prints, failures included;
// - zenity for real, on a private Xvfb display, typed into with xdotool; also under
//   `credential_process` launched by the real AWS CLI (the IDE case);
// - neither terminal nor display: the error says how to pass the code.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AWSX_BIN, runAwsx, runDetached } from "../helpers/awsx.js";
import { type FakeSts, startFakeSts } from "../helpers/fakeSts.js";
import { dataFilesUnder, makeHome, type TempHome } from "../helpers/home.js";
import { needs, needsForTest } from "../helpers/requirements.js";
import { focusWindow, startXvfb, typeThenPress, type Xvfb } from "../helpers/xvfb.js";
import { joinRegExp } from "../helpers/regex.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const AWSX_CMD = `"${process.execPath}" "${AWSX_BIN}"`;
const STAND_IN = path.join(ROOT, "__tests__", "fixtures", "ykman");
const NODE_DIR = path.dirname(process.execPath);

const MFA = { serial: "arn:aws:iam::123456789012:mfa/prompt-user", code: "364758" };
const STATIC = {
  accessKeyId: "AKIAFAKEPROMPTS00001",
  secretAccessKey: "fakeSecretKeyForPromptTests000000000000",
};
const ROLE_ARN = /^arn:aws:sts::123456789012:assumed-role\/prompt-role\/[\w+=,.@-]+$/;
const PASSPHRASE = "prompt-tests-passphrase";

let sts: FakeSts;
let home: TempHome;
let cacheDir: string;
let n = 0;

beforeAll(async () => {
  sts = await startFakeSts({
    mfa: MFA,
    identities: { [STATIC.accessKeyId]: "arn:aws:iam::123456789012:user/prompt-user" },
  });
  home = makeHome({
    credentials: [
      "[base]",
      `aws_access_key_id = ${STATIC.accessKeyId}`,
      `aws_secret_access_key = ${STATIC.secretAccessKey}`,
      "",
    ].join("\n"),
    config: [
      "[profile mfarole]",
      "role_arn = arn:aws:iam::123456789012:role/prompt-role",
      "source_profile = base",
      `mfa_serial = ${MFA.serial}`,
      "[profile viaproc]",
      `credential_process = ${AWSX_CMD} credential-process mfarole`,
      "[profile viaykman]",
      `credential_process = ${AWSX_CMD} credential-process mfarole --prompt ykman`,
      "",
    ].join("\n"),
  });
});

afterAll(async () => {
  home?.cleanup();
  await sts?.close();
});

beforeEach(() => {
  sts.reset();
  cacheDir = path.join(tmpdir(), `awsx-prompts-cache-${process.pid}-${n++}`);
});

afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

// awsx's environment: the file cache in a folder of this test (so a cache write can be
// seen), no CI (the automatic choice is under test), nothing but what a test adds.
const envWith = (extra: Record<string, string | undefined> = {}) =>
  home.env({
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_DEFAULT_REGION: "us-east-1",
    AWSX_BACKEND: "file",
    AWSX_FILE_PASSPHRASE: PASSPHRASE,
    AWSX_CACHE_DIR: cacheDir,
    CI: undefined,
    ...extra,
  });

// The cached sessions: the file store's files but its header (store.json).
const sessions = () =>
  dataFilesUnder(path.join(cacheDir, "sessions")).filter((f) => path.basename(f) !== "store.json");

// The calls that carried an MFA code, and the codes they carried.
const codesSent = () =>
  sts.calls.filter((c) => c.params.TokenCode !== undefined).map((c) => c.params.TokenCode);

const expectSentTheCode = () => {
  const calls = sts.calls.filter((c) => c.params.TokenCode !== undefined);
  expect(calls.length).toBeGreaterThanOrEqual(1);
  for (const c of calls) {
    expect(c.params.TokenCode).toBe(MFA.code);
    expect(c.params.SerialNumber).toBe(MFA.serial);
  }
};

const credentialJson = (stdout: string) => {
  const parsed = JSON.parse(stdout) as { Version: number; AccessKeyId: string };
  expect(parsed.Version).toBe(1);
  expect(parsed.AccessKeyId).toMatch(/^ASIA/);
};

describe("--prompt ykman: the stand-in on PATH, as ykman 5 answers", () => {
  let log: string;
  beforeEach(() => {
    log = path.join(tmpdir(), `awsx-ykman-log-${process.pid}-${n}`);
  });
  afterEach(() => rmSync(log, { force: true }));

  const ykEnv = (extra: Record<string, string | undefined> = {}) =>
    envWith({
      PATH: `${STAND_IN}:${NODE_DIR}:${process.env.PATH}`,
      YKMAN_FAKE_LOG: log,
      YKMAN_FAKE_ACCOUNTS: [`GitHub:prompt-user=111111`, `${MFA.serial}=${MFA.code}`].join("\n"),
      ...extra,
    });
  const ykRuns = () =>
    readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { argv: string[]; secrets: string[] });

  test("the mfa_serial's code reaches STS; no awsx secret reaches ykman", async () => {
    const r = await runAwsx(
      ["credential-process", "mfarole", "--prompt", "ykman", "--debug"],
      ykEnv(),
    );
    expect(r.code).toBe(0);
    credentialJson(r.stdout);
    expectSentTheCode();
    expect(ykRuns()).toEqual([
      { argv: ["oath", "accounts", "code", "--single", "--", MFA.serial], secrets: [] },
    ]);
    expect(r.stderr).toContain(
      'asking ykman for the OATH account "arn:aws:iam::123456789012:mfa/prompt-user"',
    );
    expect(r.stderr).not.toContain(MFA.code);
    expect(sessions().length).toBeGreaterThan(0);
  });

  test("AWSX_PROMPT, AWSX_YKMAN_ACCOUNT and _DEVICE, a touch: the notice is shown", async () => {
    const r = await runAwsx(
      ["exec", "mfarole", "--", "true"],
      ykEnv({
        AWSX_PROMPT: "ykman",
        AWSX_YKMAN_ACCOUNT: "aws:prompt",
        AWSX_YKMAN_DEVICE: "12345678",
        YKMAN_FAKE_STATE: "two-keys",
        YKMAN_FAKE_ACCOUNTS: [
          `AWS:prompt-user@123456789012=${MFA.code}=touch`,
          "GitHub:prompt-user=111111",
        ].join("\n"),
      }),
    );
    expect(r.code).toBe(0);
    expectSentTheCode();
    expect(ykRuns()[0]!.argv).toEqual([
      "--device",
      "12345678",
      "oath",
      "accounts",
      "code",
      "--single",
      "--",
      "aws:prompt",
    ]);
    expect(r.stderr).toBe("awsx: ykman: Touch your YubiKey...\n");
  });

  // ykman reads its arguments with click: a word starting with "-" before `--` is an option.
  // An account named like one (here through AWSX_YKMAN_ACCOUNT; an mfa_serial is passed the
  // same way) must reach ykman as the QUERY, not as `-p VALUE` or `--help`.
  test.each([
    ["-p:prompt-user", `-p:prompt-user=${MFA.code}`],
    ["--help-desk:prompt-user", `--help-desk:prompt-user=${MFA.code}`],
  ])("an account shaped like an option (%s) is the query, after --", async (account, row) => {
    const r = await runAwsx(
      ["credential-process", "mfarole", "--prompt", "ykman"],
      ykEnv({ AWSX_YKMAN_ACCOUNT: account, YKMAN_FAKE_ACCOUNTS: `${row}\nGitHub:x=111111` }),
    );
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expectSentTheCode();
    expect(ykRuns()[0]!.argv.slice(-2)).toEqual(["--", account]);
  });

  // Each failure: exit 66, one line naming the profile, the cause and the fix; no STS call
  // with a code, nothing cached.
  test.each([
    [
      "no YubiKey",
      { YKMAN_FAKE_STATE: "no-key" },
      "and ykman found no YubiKey: plug it in, or pass --mfa-token CODE",
    ],
    [
      "no account matches",
      { YKMAN_FAKE_ACCOUNTS: "GitHub:prompt-user=111111" },
      `and ykman found no OATH account matching "${MFA.serial}" on the YubiKey: ` +
        "set AWSX_YKMAN_ACCOUNT to its name as `ykman oath accounts list` shows it, " +
        "or pass --mfa-token CODE",
    ],
    [
      "several accounts match",
      { AWSX_YKMAN_ACCOUNT: "prompt-user" },
      'and several OATH accounts on the YubiKey match "prompt-user": ' +
        "set AWSX_YKMAN_ACCOUNT to the full name of one, or pass --mfa-token CODE",
    ],
    [
      "the touch is not given",
      { YKMAN_FAKE_STATE: "touch-timeout", YKMAN_FAKE_ACCOUNTS: `${MFA.serial}=${MFA.code}=touch` },
      "and the YubiKey was not touched in time: try again, or pass --mfa-token CODE",
    ],
    [
      "several keys and no AWSX_YKMAN_DEVICE",
      { YKMAN_FAKE_STATE: "two-keys" },
      "and several YubiKeys are plugged in: set AWSX_YKMAN_DEVICE to the serial of one " +
        "(`ykman list --serials`), or pass --mfa-token CODE",
    ],
    [
      "ykman not installed",
      { PATH: `${NODE_DIR}:/usr/bin:/bin` },
      "and could not start ykman: command not found: " +
        "install yubikey-manager (ykman), or pass --mfa-token CODE",
    ],
    [
      "ykman hangs past AWSX_PROMPT_TIMEOUT",
      { YKMAN_FAKE_DELAY_MS: "120000", AWSX_PROMPT_TIMEOUT: "1" },
      "and ykman did not finish within 1s (AWSX_PROMPT_TIMEOUT): " +
        "pass --mfa-token CODE or set AWSX_MFA_TOKEN",
    ],
  ])("%s: exit 66 with the cause and the fix", async (_name, extra, tail) => {
    const r = await runAwsx(
      ["credential-process", "mfarole", "--prompt", "ykman"],
      ykEnv(extra),
      50_000,
    );
    expect(r.code).toBe(66);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n").filter((l) => l && !l.includes("Touch your YubiKey"));
    expect(lines).toEqual([`awsx: profile "mfarole" needs an MFA code for ${MFA.serial} ${tail}`]);
    // A stand-in that would answer after 120 s was stopped at the deadline (the rest of
    // the time is awsx's start and the file cache's key derivation on a busy machine).
    if (_name.includes("hangs")) expect(r.ms).toBeLessThan(40_000);
    expect(codesSent()).toEqual([]);
    expect(sessions()).toEqual([]);
  });
});

const ptyTest = await needsForTest("script", "aws");

// The AWS CLI in a terminal (script(1)) captures the stderr of its credential_process: the
// touch notice must reach the terminal all the same.
ptyTest(
  "ykman under the AWS CLI in a terminal: the touch notice reaches the terminal",
  async () => {
    const env = envWith({
      PATH: `${STAND_IN}:${NODE_DIR}:${process.env.PATH}`,
      YKMAN_FAKE_ACCOUNTS: `${MFA.serial}=${MFA.code}=touch`,
      TERM: "dumb",
    });
    const aws = "aws --profile viaykman sts get-caller-identity --query Arn --output text";
    const child = spawn("script", ["-qec", aws, "/dev/null"], {
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let terminal = "";
    child.stdout.on("data", (b: Buffer) => (terminal += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (terminal += b.toString("utf8")));
    const killer = setTimeout(() => child.kill("SIGKILL"), 45_000);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(killer);
    expect(code).toBe(0);
    expect(terminal).toContain("awsx: ykman: Touch your YubiKey...");
    expect(terminal).toMatch(/arn:aws:sts::123456789012:assumed-role\/prompt-role\//);
    expect(terminal).not.toContain(MFA.code);
    expectSentTheCode();
  },
  60_000,
);

describe("no terminal and no display", () => {
  test("auto: exit 66 saying how to pass the code, nothing asked, nothing cached", async () => {
    const r = await runAwsx(
      ["credential-process", "mfarole"],
      envWith({ DISPLAY: undefined, WAYLAND_DISPLAY: undefined }),
    );
    expect(r.code).toBe(66);
    expect(r.stderr).toBe(
      `awsx: profile "mfarole" needs an MFA code for ${MFA.serial} and there is no terminal ` +
        "nor desktop (DISPLAY, WAYLAND_DISPLAY) to ask on: pass --mfa-token CODE, " +
        "set AWSX_MFA_TOKEN, or use --prompt ykman with a YubiKey\n",
    );
    expect(codesSent()).toEqual([]);
    expect(sessions()).toEqual([]);
  });

  test("--no-prompt wins over AWSX_PROMPT: exit 66, nothing started", async () => {
    const r = await runAwsx(
      ["credential-process", "mfarole", "--no-prompt"],
      envWith({ AWSX_PROMPT: "zenity", DISPLAY: ":99" }),
    );
    expect(r.code).toBe(66);
    expect(r.stderr).toBe(
      `awsx: profile "mfarole" needs an MFA code for ${MFA.serial} and --no-prompt forbids ` +
        "asking: pass --mfa-token CODE or set AWSX_MFA_TOKEN\n",
    );
    expect(codesSent()).toEqual([]);
  });

  test("CI=true turns the automatic choice off, not a driver named on purpose", async () => {
    const ci = await runAwsx(
      ["credential-process", "mfarole"],
      envWith({ CI: "true", DISPLAY: ":99" }),
    );
    expect(ci.code).toBe(66);
    expect(ci.stderr).toContain("and CI is set, so awsx never prompts");
    const named = await runAwsx(
      ["credential-process", "mfarole", "--prompt", "ykman"],
      envWith({
        CI: "true",
        PATH: `${STAND_IN}:${NODE_DIR}:${process.env.PATH}`,
        YKMAN_FAKE_ACCOUNTS: `${MFA.serial}=${MFA.code}`,
      }),
    );
    expect(named.code).toBe(0);
    expectSentTheCode();
  });
});

const describeX = await needs("Xvfb", "zenity", "xdotool");
// A dialog takes seconds to come up on a busy machine (2 cores shared by parallel runs).
const SLOW_MS = 75_000;
const TEST_MS = 90_000;

describeX("zenity for real (Xvfb, typed into with xdotool)", () => {
  let x: Xvfb;
  beforeAll(async () => {
    x = await startXvfb();
  });
  afterAll(async () => {
    await x?.stop();
  });

  // Starts `args` with no terminal, waits for the awsx dialog, types `code` and presses `key`.
  const answer = async (
    run: Promise<{ code: number | null; stdout: string; stderr: string }>,
    code: string,
    key: string,
  ) => {
    await focusWindow(x.display, "awsx", SLOW_MS);
    await typeThenPress(x.display, code, key);
    return run;
  };

  test(
    "auto, no terminal, a display: the typed code reaches STS, is cached",
    async () => {
      const run = runAwsx(
        ["credential-process", "mfarole", "--debug"],
        envWith({ DISPLAY: x.display }),
        SLOW_MS,
      );
      const r = await answer(run, MFA.code, "Return");
      expect(r.code).toBe(0);
      credentialJson(r.stdout);
      expectSentTheCode();
      expect(r.stderr).toContain("MFA code: asking with zenity (--prompt auto)");
      expect(r.stderr).not.toContain(MFA.code);
      expect(sessions().length).toBeGreaterThan(0);
    },
    TEST_MS,
  );

  test(
    "Escape (AWSX_PROMPT=zenity): exit 66, one line, no code sent, nothing cached",
    async () => {
      const run = runAwsx(
        ["exec", "mfarole", "--", "true"],
        envWith({ DISPLAY: x.display, AWSX_PROMPT: "zenity" }),
        SLOW_MS,
      );
      const r = await answer(run, "", "Escape");
      expect(r.code).toBe(66);
      expect(r.stderr).toBe(
        `awsx: profile "mfarole" needs an MFA code for ${MFA.serial} and the zenity dialog ` +
          "was cancelled: pass --mfa-token CODE or set AWSX_MFA_TOKEN\n",
      );
      expect(codesSent()).toEqual([]);
      expect(sessions()).toEqual([]);
    },
    TEST_MS,
  );

  test(
    "a dialog left unanswered closes at AWSX_PROMPT_TIMEOUT: exit 66",
    async () => {
      const r = await runAwsx(
        ["credential-process", "mfarole", "--prompt", "zenity"],
        envWith({ DISPLAY: x.display, AWSX_PROMPT_TIMEOUT: "2" }),
        SLOW_MS,
      );
      expect(r.code).toBe(66);
      // zenity's own --timeout (exit 5), or on a machine so busy that zenity took 10 s to
      // start, awsx's deadline behind it: exit 66 either way.
      expect(r.stderr).toMatch(
        joinRegExp(
          /and (the zenity dialog timed out|zenity did not finish within 12s) \(AWS/,
          /X_PROMPT_TIMEOUT\)/,
        ),
      );
      expect(codesSent()).toEqual([]);
    },
    TEST_MS,
  );

  // The IDE case: the AWS CLI with no terminal runs credential_process = awsx ...
  test(
    "the AWS CLI with no terminal, credential_process = awsx: the dialog asks",
    async () => {
      const run = runDetached(
        "aws",
        [
          "--profile",
          "viaproc",
          "sts",
          "get-caller-identity",
          "--query",
          "Arn",
          "--output",
          "text",
        ],
        envWith({ DISPLAY: x.display }),
        SLOW_MS,
      );
      const r = await answer(run, MFA.code, "Return");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toMatch(ROLE_ARN);
      expectSentTheCode();
      expect(sts.count("GetCallerIdentity")).toBe(1);
      expect(sessions().length).toBeGreaterThan(0);
    },
    TEST_MS,
  );
});
