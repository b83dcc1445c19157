// Every `awsx ...` command in README.md and docs/**/*.md (found as the parse test finds them:
// __tests__/helpers/docExamples.ts) is run with the built CLI in a fixture home: a private
// moto_server plays IAM and STS, ~/.aws defines the profiles the docs name, the file store
// keeps sessions, stdin is /dev/null. Each must run as awsx intends: no awsx failure status
// (64-79) unless SHOWS_ERROR lists it with the status the page shows, no internal error, no
// stack trace. Examples that cannot run here are in NOT_RUNNABLE with the reason; a child
// command that is not installed is replaced only through SUBSTITUTE; what a page sets around
// the command (a variable, a prior step) is in ENV and SETUP. Every list is checked for
// stale entries. Each distinct command line runs once, serially, in the order of the docs,
// with ~/.aws rewritten before each (import moves keys out of the credentials file).
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AWSX_BIN, type AwsxRun, runAwsx } from "../helpers/awsx.js";
import { EXAMPLES, type Example } from "../helpers/docExamples.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { type Moto, startMoto } from "../helpers/moto.js";
import { shlexSplit } from "../../src/util/shlex.js";

// Child commands the docs show that this machine does not have: run `true` instead.
const SUBSTITUTE: Record<string, string> = {
  terraform: "not installed here; `true` stands for it",
  "./long-running-job": "a placeholder for the reader's own program",
};

const FEDERATION = "calls the real AWS federation endpoint (signin.aws.amazon.com)";

// Not run, by rule (a test on the words) or by exact words, with the reason.
const NOT_RUNNABLE: Array<[RegExp | string, string]> = [
  [/^awsx sso (login|sync)\b/, "needs an IAM Identity Center portal and a browser sign-in"],
  [/--each-sync\b/, "reads the profile list from an IAM Identity Center portal"],
  ["awsx login target1 --path s3/home --region eu-west-1", FEDERATION],
  ["awsx login target1 --duration 43200", FEDERATION],
  [/-f powershell/, "its output is for Windows PowerShell (| Invoke-Expression)"],
  ["awsx exec --each-from - --dry-run -- terraform plan", "reads profile names from stdin"],
  ["awsx add foo", "asks for the keys at an interactive prompt"],
  ["awsx add foo --stdin", "reads the keys from stdin (a pipe the page fills)"],
  ["awsx add jon --env", "runs under aws-vault exec, which puts jon's keys in the environment"],
  ["awsx add foo --env --verify", "needs the keys in AWS_ACCESS_KEY_ID/_SECRET_ACCESS_KEY"],
  ["awsx exec dev -- aws s3 ls", "dev is an IAM Identity Center profile: needs sso login"],
];

// Variables an example's page sets (or stands for), by exact words, with why.
const ENV: Record<string, [Record<string, string>, string]> = {
  // The MFA code the reader types at the prompt (moto accepts any 6 digits).
  "awsx exec target2 -- terraform plan": [{ AWSX_MFA_TOKEN: "123456" }, "the code typed"],
  "awsx exec target2 -- aws sts get-caller-identity": [
    { AWSX_MFA_TOKEN: "123456" },
    "the code typed",
  ],
  "awsx exec dev -- true": [{ AWSX_EXEC_PROFILE: "prod" }, "run inside awsx exec prod"],
};

// An awsx step an example needs first (status 0 expected), with why.
const SETUP: Record<string, [string[], string]> = {
  "awsx rotate foo": [["import", "foo"], "rotate works on keys awsx stores (keys.md)"],
};

// Examples whose page shows an awsx failure on purpose, with its status.
const USAGE = "shows a usage error on purpose";
const SHOWS_ERROR: Array<[string, number, string]> = [
  ["awsx exec --x target1 -- true", 64, USAGE],
  ["awsx explain", 64, USAGE],
  ["awsx whoami target1 --x", 64, USAGE],
  ["awsx env target1 --format xml", 64, USAGE],
  ["awsx exec --duration 1x target2 -- true", 64, USAGE],
  ["awsx exec --region", 64, USAGE],
  ["awsx list target1", 64, USAGE],
  ["awsx exc target1", 64, USAGE],
  ["awsx exec --json foo", 64, "shows an aws-vault habit's pointer"],
  ["awsx explain nope", 67, "a profile that is not there"],
  ["awsx exec nope -- true", 67, "a profile that is not there"],
  ["awsx explain target1 --duration 60", 64, "a --duration out of range"],
  ["awsx explain badregion", 78, "a region with an inline comment"],
  ["awsx exec badregion -- true", 78, "a region with an inline comment"],
  ["awsx login target1 --path https://evil.example.com/x", 64, "a --path off the console"],
  ["awsx exec target2 --no-prompt -- true", 66, "MFA needed and --no-prompt"],
  ["awsx credential-process loop", 78, "a credential_process that loops"],
  ["awsx exec loop -- true", 78, "a credential_process that loops"],
  ["awsx env", 64, "no profile off a terminal (the picker needs one)"],
  ["awsx exec -- aws s3 ls", 64, "no profile off a terminal (the picker needs one)"],
  ["awsx credential-process target2", 66, "MFA needed with no terminal nor desktop"],
  ["awsx exec dev -- true", 64, "already inside awsx exec (AWSX_EXEC_PROFILE set)"],
];

const notRunnable = (words: string) =>
  NOT_RUNNABLE.find(([w]) => (typeof w === "string" ? w === words : w.test(words)));

// The argv awsx gets: the words after `awsx`, a SUBSTITUTE child replaced by `true`.
function argvOf(words: string): string[] {
  const argv = shlexSplit(words).slice(1);
  const dash = argv.indexOf("--");
  if (dash >= 0 && argv[dash + 1]! in SUBSTITUTE) return [...argv.slice(0, dash + 1), "true"];
  return argv;
}

const ROLES = ["target1", "target2", "prod-a", "prod-b", "staging", "ci", "deploy", "ops"];

function configText(account: string, bin: string): string {
  const role = (name: string) => `arn:aws:iam::${account}:role/${name}-role`;
  const lines = ["[default]", "region = us-east-1", "", "[profile foo]", "region = us-east-1"];
  for (const name of ROLES) {
    lines.push("", `[profile ${name}]`, `role_arn = ${role(name)}`, "source_profile = foo");
    lines.push("region = us-east-1");
    if (name === "target2") lines.push(`mfa_serial = arn:aws:iam::${account}:mfa/foo`);
  }
  lines.push("", "[profile loop]", `credential_process = ${bin} credential-process loop`);
  lines.push("", "[profile badregion]", "source_profile = foo", `role_arn = ${role("target1")}`);
  lines.push("region = us-east-1 # main", "");
  // A profile `awsx sso sync` would write (its name has the account and the role).
  lines.push(`[profile ${account}/ReadOnly]`, `role_arn = ${role("target1")}`);
  lines.push("source_profile = foo", "");
  lines.push("[profile dev]", "sso_session = corp", `sso_account_id = ${account}`);
  lines.push("sso_role_name = ReadOnly", "region = us-east-1", "");
  lines.push("[sso-session corp]", "sso_start_url = https://corp.awsapps.com/start");
  lines.push("sso_region = us-east-1", "");
  return lines.join("\n");
}

let moto: Moto;
let home: TempHome;
let env: Record<string, string>;
const results = new Map<string, AwsxRun>();
const setups = new Map<string, AwsxRun>();

beforeAll(async () => {
  moto = await startMoto();
  const user = await moto.createUser("foo");
  for (const name of ROLES) await moto.createRole(`${name}-role`);
  const account = /^arn:aws:iam::(\d+):/.exec(user.arn)![1]!;
  home = makeHome();
  // `awsx` on PATH for credential_process lines and child shells: the built CLI.
  const bin = path.join(home.dir, "bin");
  mkdirSync(bin);
  const shim = path.join(bin, "awsx");
  writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${AWSX_BIN}' "$@"\n`);
  chmodSync(shim, 0o755);
  const keys =
    `aws_access_key_id = ${user.accessKeyId}\n` +
    `aws_secret_access_key = ${user.secretAccessKey}\n`;
  // Rewritten before each run: `awsx import` moves keys out of the credentials file.
  const restore = () => {
    writeFileSync(home.configFile, configText(account, "awsx"));
    writeFileSync(home.credentialsFile, `[default]\n${keys}\n[foo]\n${keys}`);
  };
  env = home.env({
    PATH: `${bin}:${process.env.PATH}`,
    SHELL: "/bin/sh",
    AWS_ENDPOINT_URL: moto.url,
    AWS_ENDPOINT_URL_STS: moto.url,
    AWSX_BACKEND: "file",
    AWSX_FILE_PASSPHRASE: "doc-examples",
  });
  // Serially, in the order the docs show them; each distinct command line once.
  for (const e of EXAMPLES) {
    if (results.has(e.words) || notRunnable(e.words)) continue;
    restore();
    const setup = SETUP[e.words];
    if (setup) setups.set(e.words, await runAwsx(setup[0], env, 60_000));
    const extra = ENV[e.words]?.[0] ?? {};
    results.set(e.words, await runAwsx(argvOf(e.words), { ...env, ...extra }, 60_000));
  }
}, 300_000);

afterAll(async () => {
  await moto?.stop();
  home?.cleanup();
});

const runnable = EXAMPLES.filter((e) => !notRunnable(e.words));
const at = (e: Example) => `${e.file}:${e.line} ${e.words}`;

describe("the awsx examples of the docs, run", () => {
  it("runs most of them", () => {
    expect(runnable.length).toBeGreaterThan(80);
  });

  it.each(runnable.map((e) => [at(e), e] as const))("%s", (_name, e) => {
    const setup = setups.get(e.words);
    if (setup) expect({ setup: setup.code, stderr: setup.stderr }).toMatchObject({ setup: 0 });
    const r = results.get(e.words)!;
    const shows = SHOWS_ERROR.find(([w]) => w === e.words);
    const got = { code: r.code, signal: r.signal, stderr: r.stderr };
    expect(r.stderr).not.toMatch(/awsx: internal error|\n\s+at .+:\d+:\d+\)?\n/);
    if (shows) expect(r.code === shows[1] ? "ok" : got).toBe("ok");
    else expect(r.code === null || r.code < 64 || r.code > 79 ? "ok" : got).toBe("ok");
  });

  it.each(NOT_RUNNABLE.map(([w, why]) => [String(w), w, why] as const))(
    "NOT_RUNNABLE %s still matches an example (%s)",
    (_n, w) => {
      const hits = EXAMPLES.filter((e) =>
        typeof w === "string" ? e.words === w : w.test(e.words),
      );
      expect(hits.length).toBeGreaterThan(0);
    },
  );

  it.each(SHOWS_ERROR)("SHOWS_ERROR %s still matches a run example", (words) => {
    expect(runnable.some((e) => e.words === words)).toBe(true);
  });

  it.each(Object.keys({ ...ENV, ...SETUP }))("ENV/SETUP %s still matches a run example", (w) => {
    expect(runnable.some((e) => e.words === w)).toBe(true);
  });

  it.each(Object.keys(SUBSTITUTE))("SUBSTITUTE %s is the child of a run example", (cmd) => {
    const child = (e: Example) => {
      const argv = shlexSplit(e.words);
      return argv.includes("--") ? argv[argv.indexOf("--") + 1] : undefined;
    };
    expect(runnable.some((e) => child(e) === cmd)).toBe(true);
  });
});
