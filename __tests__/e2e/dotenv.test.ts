// `awsx export` (aws-vault's NAME=value lines, awsx env -f dotenv) of profiles named with
// shell syntax, read back as .env files are: `set -a; . ./.env` in sh and python-dotenv.
// The name comes back as it is and nothing in it runs, or the export is refused.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";

const KEYS = "aws_access_key_id = AKIAFAKEDOTENV000001\naws_secret_access_key = fakeSecret\n";
const WRITTEN = 'x$(touch canary) `touch canary` "q"';
const REFUSED = "it's $(touch canary)";
const hasDotenv =
  spawnSync("python3", ["-c", "import dotenv"], { stdio: "ignore", timeout: 15_000 }).status === 0;
let home: TempHome;

beforeAll(() => {
  home = makeHome({ credentials: [WRITTEN, REFUSED].map((n) => `[${n}]\n${KEYS}`).join("") });
});
afterAll(() => home?.cleanup());
afterEach(() => expect(existsSync(path.join(home.dir, "canary"))).toBe(false));

const exportOf = (profile: string) =>
  runAwsx(["export", "--backend", "none", profile], home.env({ AWS_DEFAULT_REGION: "eu-west-1" }));

test("a name with $(...), backticks and quotes: sh and python-dotenv read it back", async () => {
  const r = await exportOf(WRITTEN);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  writeFileSync(path.join(home.dir, ".env"), r.stdout);
  const sh = spawnSync("sh", ["-c", 'set -a; . ./.env && printf %s "$AWSX_PROFILE"'], {
    cwd: home.dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    encoding: "utf8",
  });
  expect({ status: sh.status, stdout: sh.stdout }).toEqual({ status: 0, stdout: WRITTEN });
  // python-dotenv, where it is installed (as load_dotenv reads a file, ${X} expansion on).
  if (!hasDotenv) return;
  const py = spawnSync(
    "python3",
    ["-c", "from dotenv import dotenv_values; print(dotenv_values('.env')['AWSX_PROFILE'])"],
    { cwd: home.dir, env: { ...process.env, PYTHONUTF8: "1" }, encoding: "utf8" },
  );
  expect({ status: py.status, stdout: py.stdout }).toEqual({ status: 0, stdout: `${WRITTEN}\n` });
});

test("a name no dotenv quoting keeps literal: refused with 64, nothing on stdout", async () => {
  const r = await exportOf(REFUSED);
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 64, stdout: "" });
  expect(r.stderr).toBe(
    `awsx: AWSX_PROFILE (profile "${REFUSED}") cannot be written to a dotenv file that every ` +
      "reader takes as it is (it holds ${, a carriage return, a backslash, or a single quote " +
      "together with a double quote, a dollar sign or a backtick); use --format json or sh\n",
  );
});
