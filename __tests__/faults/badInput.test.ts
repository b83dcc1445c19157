import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AWSX_BIN, runDetached, type AwsxRun as Run } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";

const NODE = process.execPath;
// A hang guard, not a speed bound (speed is the benchmark's: npm run bench): a row that
// takes longer is stuck (a credential_process never killed, a runaway loop). A run on a
// busy 2-core machine takes a few seconds, the 10 MB config about 12 s there.
const PER_ROW_MS = 60_000;
// Created by any name or value that reaches a shell; must never exist.
const CANARY = path.join(
  os.tmpdir(),
  `awsx-pwned-${process.pid}-${randomBytes(4).toString("hex")}`,
);
const KEYS = (id: string) =>
  `aws_access_key_id = AKIAFAKEBADINPUT${id}\n` +
  `aws_secret_access_key = fakeBadInputSecret${id}000000000000000000\n`;

const run = runDetached;

let work: string;
let printProfile: string;
let flood: string;
let forever: string;

beforeAll(() => {
  work = path.join(os.tmpdir(), `awsx-badinput-${process.pid}-${randomBytes(3).toString("hex")}`);
  mkdirSync(work, { recursive: true });
  printProfile = path.join(work, "print-profile.mjs");
  writeFileSync(
    printProfile,
    "process.stdout.write(JSON.stringify({ profile: process.env.AWSX_PROFILE, id: " +
      "process.env.AWS_ACCESS_KEY_ID, argv: process.argv.slice(2) }));\n",
  );
  // 100 MiB on stdout, then valid-looking JSON: awsx must stop reading at its 1 MiB cap.
  flood = path.join(work, "flood.mjs");
  writeFileSync(
    flood,
    `const chunk = Buffer.alloc(1 << 20, 0x20); let n = 0;
const go = () => { while (n < 100) { n++; if (!process.stdout.write(chunk)) ` +
      `return void process.stdout.once("drain", go); } ` +
      `process.stdout.write('{"Version":1,"AccessKeyId":"AKIAFAKEFLOOD0000001",` +
      `"SecretAccessKey":"x"}'); };
process.stdout.on("error", () => process.exit(0)); go();\n`,
  );
  // Never exits (writes its pid so the test can check it was killed).
  forever = path.join(work, "forever.mjs");
  writeFileSync(
    forever,
    `import { writeFileSync } from "node:fs"; writeFileSync(process.argv[2], ` +
      `String(process.pid)); setInterval(() => {}, 1000);\n`,
  );
});
afterAll(() => {
  expect(existsSync(CANARY)).toBe(false);
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => {
  // The canary is checked after every row, so a failure names the row that made it.
  expect(existsSync(CANARY)).toBe(false);
});

// One row of the table: files, argv (after `awsx`), extra env, and what must come out.
interface Row {
  name: string;
  config?: string | Buffer;
  credentials?: string | Buffer;
  args: string[];
  env?: Record<string, string | undefined>;
  code: number;
  // Must appear in the single `awsx:` line (code != 0) ...
  says?: Array<string | RegExp>;
  // ... or, for code 0, the child's AWSX_PROFILE / argv.
  profile?: string;
  argv?: string[];
}

const exec = (profile: string, ...rest: string[]) => [
  "exec",
  "--backend",
  "none",
  profile,
  "--",
  NODE,
  "PRINT",
  ...rest,
];
const touch = `touch ${CANARY}`;
const CYCLE = 50;
// 20,000 roles, each the source of the one before: planned in a loop, refused past 64.
const chain20k = `${Array.from(
  { length: 20_000 },
  (_, i) =>
    `[profile h${i}]\nrole_arn = ` +
    `arn:aws:iam::123456789012:role/h${i}\nsource_profile = h${i + 1}\n`,
).join("")}[profile h20000]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n`;
const cycle = Array.from(
  { length: CYCLE },
  (_, i) =>
    `[profile c${i}]\nrole_arn = ` +
    `arn:aws:iam::123456789012:role/c${i}\nsource_profile = c${(i + 1) % CYCLE}\n`,
).join("\n");
// Names that would run `touch CANARY` if anything handed them to a shell.
const NASTY_NAMES = [
  `$(${touch})`,
  `\`${touch}\``,
  `x;${touch}`,
  `x && ${touch} || y`,
  `x|${touch}`,
  `it's "quoted" $HOME *`,
  `prød-ünïcødé-😀-名前`,
  "tab\there",
];

const ROWS: Row[] = [
  // --- malformed files: 78, naming the file
  {
    name: "section header never closed",
    config: "[profile foo\nregion = us-east-1\n",
    args: exec("foo"),
    code: 78,
    says: ["config", "section"],
  },
  {
    name: "a key before any section",
    config: "region = us-east-1\n[profile foo]\n",
    args: exec("foo"),
    code: 78,
    says: ["before any [section]"],
  },
  {
    name: "a line that is neither section nor key",
    config: "[profile foo]\njust some words\n",
    args: exec("foo"),
    code: 78,
    says: ["neither"],
  },
  {
    name: "the same section twice",
    config: "[profile foo]\nregion = a\n[profile foo]\nregion = b\n",
    args: exec("foo"),
    code: 78,
    says: ["twice"],
  },
  {
    name: "the same key twice",
    credentials: `[foo]\n${KEYS("0001")}region = a\nregion = b\n`,
    args: exec("foo"),
    code: 78,
    says: ["twice"],
  },
  {
    name: "a nested value line without =",
    config: "[profile foo]\ns3 =\n  no-equals-here\n",
    credentials: `[foo]\n${KEYS("0001")}`,
    args: exec("foo"),
    code: 78,
    says: ["nested"],
  },
  {
    name: "binary garbage that is not UTF-8",
    config: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 151 + 7) & 0xff)),
    args: exec("foo"),
    code: 78,
    says: ["UTF-8"],
  },
  {
    name: "binary garbage that is valid UTF-8 (control bytes)",
    config: Buffer.from(Array.from({ length: 4096 }, (_, i) => 1 + ((i * 37) % 127))),
    args: exec("foo"),
    code: 78,
    says: ["cannot parse"],
  },
  {
    name: "a UTF-8 byte order mark (the CLI rejects it too)",
    config: "\ufeff[profile foo]\nregion = us-east-1\n",
    credentials: `[foo]\n${KEYS("0001")}`,
    args: exec("foo"),
    code: 78,
    says: ["cannot parse"],
  },
  {
    name: "NUL bytes in the credentials file",
    credentials: `[foo]\n${KEYS("0001")}x\0y = z\n`,
    args: exec("foo"),
    code: 0,
    profile: "foo",
  },
  {
    name: "AWS_CONFIG_FILE is /dev/zero (endless, not a file): read as empty",
    args: exec("foo"),
    env: { AWS_CONFIG_FILE: "/dev/zero" },
    credentials: `[foo]\n${KEYS("0001")}`,
    code: 0,
    profile: "foo",
  },
  {
    name: "AWS_CONFIG_FILE is a directory: read as empty",
    args: exec("nope"),
    env: { AWS_CONFIG_FILE: "/" },
    code: 67,
    says: ["could not be found"],
  },

  // --- cycles and depth
  {
    name: "a 20,000-hop source_profile chain: 78 naming the bound, not a stack overflow (70)",
    config: chain20k,
    args: exec("h0"),
    code: 78,
    says: ["chains more than 64 roles", "at most 64"],
  },
  {
    name: `a source_profile cycle ${CYCLE} deep: 78, listing every profile`,
    config: cycle,
    args: exec("c0"),
    code: 78,
    says: ["Infinite loop", ...Array.from({ length: CYCLE }, (_, i) => new RegExp(`\\bc${i}\\b`))],
  },

  // --- profile names: found and used as they are, or "could not be found"; never run by a shell
  ...NASTY_NAMES.map(
    (n): Row => ({
      name: `credentials section named ${JSON.stringify(n)}: found, AWSX_PROFILE exact`,
      credentials: `[${n}]\n${KEYS("0002")}`,
      args: exec(n),
      code: 0,
      profile: n,
    }),
  ),
  ...NASTY_NAMES.filter((n) => !/["\t]/.test(n)).map(
    (n): Row => ({
      name: `config section [profile "${n}"]: found, AWSX_PROFILE exact`,
      config: `[profile "${n}"]\nregion = us-east-1\n${KEYS("0003")}`,
      args: exec(n),
      code: 0,
      profile: n,
    }),
  ),
  ...NASTY_NAMES.map(
    (n): Row => ({
      name: `undefined profile ${JSON.stringify(n)}: 67`,
      args: exec(n),
      code: 67,
      says: ["could not be found"],
    }),
  ),
  { name: "an empty profile name: 67", args: exec(""), code: 67, says: ["profile name is empty"] },
  {
    name: "a 100 kB profile name: 67, one line",
    args: exec("p".repeat(100_000)),
    code: 67,
    says: ["could not be found"],
  },
  {
    name: "a profile name that looks like a flag: 64",
    args: ["exec", "--backend", "none", "-x", "--", "true"],
    code: 64,
    says: ["unknown option -x"],
  },

  // --- values with metacharacters are data, not shell code
  {
    name:
      "credential_process with $(...) and ; " +
      "is split like a shell would but never run by one: 79",
    config:
      `[profile ` +
      `cp]\ncredential_process = ${NODE} -e "process.exit(3)" ; ${touch} $(${touch})\n`,
    args: exec("cp"),
    code: 79,
    says: ["credential_process", "status 3"],
  },
  {
    name: "role_session_name with metacharacters: 78",
    config:
      `[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = foo\n` +
      `role_session_name = $(${touch})\n`,
    credentials: `[foo]\n${KEYS("0004")}`,
    args: exec("r"),
    code: 78,
    says: ["role_session_name"],
  },
  {
    name: "--region with a ; : 64",
    credentials: `[foo]\n${KEYS("0001")}`,
    args: ["exec", "--backend", "none", "--region", `x;${touch}`, "foo", "--", "true"],
    code: 64,
    says: ["not a valid region"],
  },
  {
    name: "region = $(...) in the profile: 78",
    config: `[profile foo]\nregion = $(${touch})\n`,
    credentials: `[foo]\n${KEYS("0001")}`,
    args: exec("foo"),
    code: 78,
    says: ["not a valid region"],
  },

  // --- credential_process that misbehaves
  {
    name: "credential_process printing 100 MiB: stopped at the 1 MiB cap, 79",
    config: `[profile flood]\ncredential_process = ${NODE} FLOOD\n`,
    args: exec("flood"),
    code: 79,
    says: ["more than 1048576 bytes"],
  },
  {
    name: "credential_process that never exits: killed after AWSX_PROCESS_TIMEOUT=2, 79",
    config: `[profile hang]\ncredential_process = ${NODE} FOREVER PIDFILE\n`,
    args: exec("hang"),
    env: { AWSX_PROCESS_TIMEOUT: "2" },
    code: 79,
    says: ["did not finish within 2s", "AWSX_PROCESS_TIMEOUT"],
  },

  // --- command line
  {
    name: "unknown long flag: 64",
    credentials: `[foo]\n${KEYS("0001")}`,
    args: ["exec", "--backend", "none", "--no-such-flag", "foo", "--", "true"],
    code: 64,
    says: ["--no-such-flag"],
  },
  {
    name: "unknown flag with =value: 64",
    credentials: `[foo]\n${KEYS("0001")}`,
    args: ["exec", "--backend", "none", "--bogus=1", "foo", "--", "true"],
    code: 64,
    says: ["--bogus"],
  },
  { name: "unknown command: 64", args: ["frobnicate", "foo"], code: 64 },
  { name: "no command at all: 64", args: [], code: 64 },
  {
    name: "a flag value that is not among its choices: 64",
    args: ["exec", "--backend", "tape", "foo", "--", "true"],
    code: 64,
    says: ["tape"],
  },
  {
    name: "--duration that is not a number: 64",
    credentials: `[foo]\n${KEYS("0001")}`,
    args: ["exec", "--backend", "none", "--duration", "abc", "foo", "--", "true"],
    code: 64,
    says: ["--duration"],
  },
  {
    name: "AWSX_STS_TIMEOUT that is not a number: 64",
    config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = foo\n",
    credentials: `[foo]\n${KEYS("0001")}`,
    env: { AWSX_STS_TIMEOUT: "soon", AWS_ENDPOINT_URL_STS: "http://127.0.0.1:9" },
    args: exec("r"),
    code: 64,
    says: ["AWSX_STS_TIMEOUT"],
  },
  {
    name: "no `--`: the child's own flags reach it",
    credentials: `[foo]\n${KEYS("0001")}`,
    args: ["exec", "--backend", "none", "foo", NODE, "PRINT", "--recursive", "-r", "x", "--", "y"],
    code: 0,
    profile: "foo",
    argv: ["--recursive", "-r", "x", "--", "y"],
  },
  {
    name: "`--` and nothing after: $SHELL (here a fixture) runs, its status is awsx's",
    credentials: `[foo]\n${KEYS("0001")}`,
    args: ["exec", "--backend", "none", "foo", "--"],
    env: { SHELL: "SHELLFIX" },
    code: 5,
  },
  {
    name: "no command at all after the profile: $SHELL runs",
    credentials: `[foo]\n${KEYS("0001")}`,
    args: ["exec", "--backend", "none", "foo"],
    env: { SHELL: "SHELLFIX" },
    code: 5,
  },
  {
    name: "a command that does not exist: 127",
    credentials: `[foo]\n${KEYS("0001")}`,
    args: ["exec", "--backend", "none", "foo", "--", `no-such-${touch.replace(/\W/g, "-")}`],
    code: 127,
    says: ["command not found"],
  },
  {
    name: "a directory as the command: 126",
    credentials: `[foo]\n${KEYS("0001")}`,
    args: ["exec", "--backend", "none", "foo", "--", "/"],
    code: 126,
    says: ["cannot execute"],
  },
  // spawn("") would throw before the child exists; a shell says "command not found".
  {
    name: 'an empty command name (`-- ""`): 127 like a shell',
    credentials: `[foo]\n${KEYS("0001")}`,
    args: ["exec", "--backend", "none", "foo", "--", ""],
    code: 127,
    says: ["command not found"],
  },
];

async function runRow(row: Row): Promise<{ r: Run; home: TempHome }> {
  const home = makeHome({});
  const pidFile = path.join(home.dir, "forever.pid");
  const shellFix = path.join(home.dir, "shell.sh");
  writeFileSync(shellFix, "#!/bin/sh\nexit 5\n", { mode: 0o755 });
  const subst = (s: string) =>
    s
      .replace("PRINT", printProfile)
      .replace("FLOOD", flood)
      .replace("FOREVER", forever)
      .replace("PIDFILE", pidFile)
      .replace("SHELLFIX", shellFix);
  if (row.config !== undefined)
    writeFileSync(home.configFile, typeof row.config === "string" ? subst(row.config) : row.config);
  if (row.credentials !== undefined) writeFileSync(home.credentialsFile, row.credentials);
  const env = Object.fromEntries(
    Object.entries(row.env ?? {}).map(([k, v]) => [k, v === undefined ? undefined : subst(v)]),
  );
  const r = await run(
    NODE,
    [AWSX_BIN, ...row.args.map((a) => (a === "PRINT" ? printProfile : a))],
    home.env(env),
    PER_ROW_MS + 10_000,
  );
  if (existsSync(pidFile)) {
    // The never-ending credential_process must be gone (killed), not left running.
    const pid = Number(readFileSync(pidFile, "utf8"));
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (alive) process.kill(pid, "SIGKILL");
    expect({ credentialProcessAliveAfterAwsx: alive }).toEqual({
      credentialProcessAliveAfterAwsx: false,
    });
  }
  return { r, home };
}

function checkContract(r: Run): string[] {
  expect(r.signal).toBeNull();
  expect(r.ms).toBeLessThan(PER_ROW_MS);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error|TypeError|ReferenceError|RangeError/);
  const awsxLines = r.stderr.split("\n").filter((l) => l.startsWith("awsx"));
  expect(awsxLines.length).toBeLessThanOrEqual(1);
  return awsxLines;
}

describe("bad input table", () => {
  test.each(ROWS.map((r) => [r.name, r] as const))(
    "%s",
    async (_name, row) => {
      const { r, home } = await runRow(row);
      try {
        const awsxLines = checkContract(r);
        expect({ code: r.code, stderr: r.code === row.code ? "" : r.stderr }).toEqual({
          code: row.code,
          stderr: "",
        });
        if (row.code === 0 || row.code === 5) {
          expect(r.stderr).toBe("");
          if (row.profile !== undefined) {
            const child = JSON.parse(r.stdout) as { profile: string; argv: string[] };
            expect(child.profile).toBe(row.profile);
            if (row.argv) expect(child.argv).toEqual(row.argv);
          }
        } else {
          expect(r.stdout).toBe("");
          expect(awsxLines).toHaveLength(1);
          expect(r.stderr).toBe(`${awsxLines[0]}\n`);
          expect(awsxLines[0]).toMatch(/^awsx: \S/);
          for (const s of row.says ?? []) expect(awsxLines[0]).toMatch(s);
        }
      } finally {
        home.cleanup();
      }
    },
    2 * PER_ROW_MS,
  );
});

describe('names with metacharacters through `eval "$(awsx env NAME)"` in sh', () => {
  test.each(NASTY_NAMES.map((n) => [n]))(
    "%s: AWSX_PROFILE comes back byte for byte, nothing runs",
    async (name) => {
      const home = makeHome({ credentials: `[${name}]\n${KEYS("0005")}` });
      try {
        const script =
          'out=$("$AWSX_NODE" "$AWSX_BIN" env --backend none "$1") || exit 9; ' +
          'eval "$out" || exit 8; printf %s "$AWSX_PROFILE"';
        for (const sh of ["sh", "bash"]) {
          const r = await run(
            sh,
            ["-c", script, "sh", name],
            home.env({ AWSX_NODE: NODE, AWSX_BIN }),
          );
          expect({ sh, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
            sh,
            code: 0,
            stderr: "",
            stdout: name,
          });
        }
      } finally {
        home.cleanup();
      }
    },
  );
});

describe("size", () => {
  test(
    "a 10 MB config with 60 000 profiles: the profile at the end is found and used",
    async () => {
      const parts: string[] = [];
      let size = 0;
      for (let i = 0; size < 10 * 1024 * 1024; i++) {
        const s =
          `[profile filler-${i}]\nrole_arn = ` +
          `arn:aws:iam::123456789012:role/filler-${i}\nsource_profile = filler-${i + 1}\nregion ` +
          `= eu-west-1\n# a comment to pad the section out a little\n`;
        parts.push(s);
        size += s.length;
      }
      const config = `${parts.join("")}[profile last]\nregion = us-east-1\n${KEYS("0006")}`;
      expect(config.length).toBeGreaterThanOrEqual(10 * 1024 * 1024);
      const home = makeHome({ config });
      try {
        const r = await run(
          NODE,
          [AWSX_BIN, "exec", "--backend", "none", "last", "--", NODE, printProfile],
          home.env(),
          PER_ROW_MS + 10_000,
        );
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
        expect(JSON.parse(r.stdout)).toMatchObject({ profile: "last", id: "AKIAFAKEBADINPUT0006" });
        expect(r.ms).toBeLessThan(PER_ROW_MS);
        // A bare `true` run for comparison: what the 10 MB cost on top of starting awsx at all.
        const small = makeHome({ config: `[profile last]\nregion = us-east-1\n${KEYS("0006")}` });
        const base = await run(
          NODE,
          [AWSX_BIN, "exec", "--backend", "none", "last", "--", "true"],
          small.env(),
        );
        small.cleanup();
        process.stderr.write(
          `faults/badInput: ` +
            `10 MB config (${parts.length + 1} profiles, ${config.length} bytes): ${r.ms} ms for ` +
            `exec (small config: ${base.ms} ms)\n`,
        );
      } finally {
        home.cleanup();
      }
    },
    3 * PER_ROW_MS,
  );

  test(
    "a 10 MB value on one line: read, and the profile still works",
    async () => {
      const home = makeHome({
        config:
          `[profile big]\nregion = us-east-1\n` +
          `description = ${"v".repeat(10 * 1024 * 1024)}\n${KEYS("0007")}`,
      });
      try {
        const r = await run(
          NODE,
          [AWSX_BIN, "exec", "--backend", "none", "big", "--", NODE, printProfile],
          home.env(),
          PER_ROW_MS + 10_000,
        );
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
        expect(JSON.parse(r.stdout)).toMatchObject({ profile: "big" });
        expect(r.ms).toBeLessThan(PER_ROW_MS);
      } finally {
        home.cleanup();
      }
    },
    3 * PER_ROW_MS,
  );
});
