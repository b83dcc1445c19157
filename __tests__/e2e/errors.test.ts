// awsx's own failures: bad input gives a documented exit code and exactly one
// `awsx: ...` line naming what is wrong, quickly, without a stack trace or a hang.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { refuseConnectionsUrl } from "../helpers/fakeSts.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { needsForTest } from "../helpers/requirements.js";
import {
  AWSX_BIN,
  type AwsxRun,
  expectOneError,
  runAwsx,
  runDetached,
  fixture,
} from "../helpers/awsx.js";

const PRINT_ARGV = fixture("print-argv.mjs");
const NODE = process.execPath;
const VERSION = (
  JSON.parse(
    readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"),
  ) as { version: string }
).version;
const ACCOUNT = "123456789012";
const MFA_SERIAL = `arn:aws:iam::${ACCOUNT}:mfa/foo`;
// The child awsx would run if it got that far: it prints, so a run that should
// not happen shows on stdout.
const CHILD = ["--", NODE, PRINT_ARGV, "child-ran"];

const testWithSetsid = await needsForTest("setsid");

const CREDENTIALS =
  "[foo]\naws_access_key_id = AKIAFAKEEXAMPLE0001\n" +
  "aws_secret_access_key = fakeSecretForAwsxErrorTests000000000000\n";
const CONFIG = `
[profile role-without-source]
role_arn = arn:aws:iam::${ACCOUNT}:role/orphan

[profile missing-source]
role_arn = arn:aws:iam::${ACCOUNT}:role/x
source_profile = no-such-source

[profile cycle-a]
role_arn = arn:aws:iam::${ACCOUNT}:role/a
source_profile = cycle-b

[profile cycle-b]
role_arn = arn:aws:iam::${ACCOUNT}:role/b
source_profile = cycle-a

[profile needs-mfa]
role_arn = arn:aws:iam::${ACCOUNT}:role/mfa-role
source_profile = foo
mfa_serial = ${MFA_SERIAL}

[profile unreachable]
role_arn = arn:aws:iam::${ACCOUNT}:role/far-away
source_profile = foo
`;

let home: TempHome;
let closedUrl: string;
beforeAll(async () => {
  home = makeHome({ config: CONFIG, credentials: CREDENTIALS });
  closedUrl = await refuseConnectionsUrl();
});
afterAll(() => home?.cleanup());

// One awsx run with a clean env; STS points at a closed loopback port unless `env` says otherwise.
function awsx(
  args: string[],
  env: Record<string, string | undefined> = {},
  opts: { setsid?: boolean; home?: TempHome } = {},
): Promise<AwsxRun> {
  const runEnv = (opts.home ?? home).env({ AWS_ENDPOINT_URL_STS: closedUrl, ...env });
  return opts.setsid
    ? runDetached("setsid", ["-w", NODE, AWSX_BIN, ...args], runEnv, 15_000)
    : runAwsx(args, runEnv, 15_000);
}

describe("configuration errors", () => {
  test("unknown profile: 67, names it", async () => {
    expectOneError(
      await awsx(["exec", "--backend", "none", "no-such-profile", ...CHILD]),
      67,
      "no-such-profile",
    );
  });

  test("malformed INI: 78, names the file", async () => {
    const bad = makeHome({
      config: "region = us-east-1\n[profile broken\n",
      credentials: CREDENTIALS,
    });
    try {
      expectOneError(
        await awsx(["exec", "--backend", "none", "foo", ...CHILD], {}, { home: bad }),
        78,
        bad.configFile,
      );
    } finally {
      bad.cleanup();
    }
  });

  test("source_profile names a profile that does not exist: 78, names both", async () => {
    expectOneError(
      await awsx(["exec", "--backend", "none", "missing-source", ...CHILD]),
      78,
      "missing-source",
      "no-such-source",
    );
  });

  test("role_arn without source_profile or credential_source: 78, names the profile", async () => {
    expectOneError(
      await awsx(["exec", "--backend", "none", "role-without-source", ...CHILD]),
      78,
      "role-without-source",
      "source_profile",
    );
  });

  // A value continued on an indented line holds a line break (configparser joins the lines
  // with one); quoted in the message, it must not split the one error line.
  test("a value continued on the next line: still one line, the break written out", async () => {
    const continued = makeHome({
      config:
        "[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = foo\n" +
        "duration_seconds = 9\n  00\n",
      credentials: CREDENTIALS,
    });
    try {
      const r = await awsx(["exec", "--backend", "none", "p", ...CHILD], {}, { home: continued });
      expectOneError(r, 78, '"p"', "duration_seconds = 9\\x0a00");
    } finally {
      continued.cleanup();
    }
  });

  test("source_profile cycle A → B → A: 78, names both profiles", async () => {
    expectOneError(
      await awsx(["exec", "--backend", "none", "cycle-a", ...CHILD]),
      78,
      "cycle-a",
      "cycle-b",
    );
  });
});

describe("MFA and network", () => {
  // setsid: a new session has no controlling terminal, so /dev/tty cannot be opened;
  // stdin is /dev/null. awsx must say how to pass the code instead of waiting forever.
  testWithSetsid(
    "MFA profile with no terminal and no code: 66 at once, " +
      "pointing at --mfa-token / AWSX_MFA_TOKEN, naming the profile asked for",
    async () => {
      const r = await awsx(
        ["exec", "--backend", "none", "needs-mfa", ...CHILD],
        {},
        { setsid: true },
      );
      expectOneError(r, 66, "--mfa-token", "AWSX_MFA_TOKEN", MFA_SERIAL, "needs-mfa");
    },
  );

  testWithSetsid(
    "same with --no-mfa-session (the code goes on AssumeRole): 66, naming the profile",
    async () => {
      const r = await awsx(
        ["exec", "--backend", "none", "--no-mfa-session", "needs-mfa", ...CHILD],
        {},
        { setsid: true },
      );
      expectOneError(r, 66, "--mfa-token", "AWSX_MFA_TOKEN", MFA_SERIAL, "needs-mfa");
    },
  );

  test("STS unreachable (connection refused): 69, names the profile and the endpoint", async () => {
    expectOneError(
      await awsx(["exec", "--backend", "none", "unreachable", ...CHILD]),
      69,
      "unreachable",
      closedUrl,
    );
  });
});

describe("usage errors", () => {
  test("unknown awsx flag after the profile: 64, names the flag", async () => {
    expectOneError(
      await awsx(["exec", "--backend", "none", "foo", "--bogus-flag", ...CHILD]),
      64,
      "bogus-flag",
    );
  });

  test(
    "unknown awsx flag before the profile: 64, " +
      "names the flag (not a complaint about a missing profile)",
    async () => {
      expectOneError(await awsx(["exec", "--bogus-flag", "foo", ...CHILD]), 64, "bogus-flag");
    },
  );

  test("`awsx exec` with no profile: 64", async () => {
    expectOneError(await awsx(["exec"]), 64);
  });

  test("`awsx exec --backend none` with no profile: 64", async () => {
    expectOneError(await awsx(["exec", "--backend", "none"]), 64);
  });
});

describe("version and help", () => {
  test("--version prints package.json's version", async () => {
    const r = await awsx(["--version"]);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 0,
      stdout: `${VERSION}\n`,
      stderr: "",
    });
  });

  test("--help exits 0 and lists exec", async () => {
    const r = await awsx(["--help"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout).toContain("awsx exec PROFILE [--] COMMAND [ARGS...]");
  });

  test("exec --help exits 0 and describes exec's own options", async () => {
    const r = await awsx(["exec", "--help"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout).toContain("Usage: awsx exec [OPTIONS] PROFILE [--] COMMAND [ARGS...]");
    for (const flag of ["--mfa-token", "--force", "--backend", "--no-mfa-session"])
      expect(r.stdout).toContain(flag);
  });
});
