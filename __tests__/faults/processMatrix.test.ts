// The process contract of `awsx exec`, as a matrix, through the BUILT CLI: every exit status
// 0-255, every catchable signal sent to awsx, a child killed by each signal, stdin at EOF,
// 100 MiB through stdin and stdout byte for byte, the child's terminal kept under a pty, and
// awsx SIGKILLed while it holds a cache lock. (Spot checks of the same contract live in
// __tests__/e2e/process.test.ts; this file covers the whole range.)
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os, { constants } from "node:os";
import path from "node:path";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { needsForTest } from "../helpers/requirements.js";
import { AWSX_BIN, awsxCommand } from "../helpers/awsx.js";

const NODE = process.execPath;
const SIG = constants.signals as Record<string, number>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// src/exec/run.ts FORWARDED_SIGNALS, and the signals dieOfSignal turns into a plain exit 128+n
// (both for a spawned child: --server; a plain exec becomes its command through execve).
const FORWARDED = [
  "SIGTERM",
  "SIGHUP",
  "SIGQUIT",
  "SIGUSR1",
  "SIGUSR2",
  "SIGALRM",
  "SIGVTALRM",
  "SIGPROF",
  "SIGIO",
  "SIGPWR",
  "SIGXCPU",
  "SIGSYS",
] as const;
const EXIT_INSTEAD = new Set([
  "SIGUSR1",
  "SIGPIPE",
  "SIGWINCH",
  "SIGCHLD",
  "SIGURG",
  "SIGCONT",
  "SIGSTOP",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
]);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

let home: TempHome;
let work: string;
let recorder: string;

beforeAll(() => {
  home = makeHome({
    credentials:
      "[foo]\naws_access_key_id = AKIAFAKEPROCMATRIX01\n" +
      "aws_secret_access_key = fakeProcessMatrixSecret0000000000000001\n",
  });
  work = mkdtempSync(path.join(os.tmpdir(), "awsx-procmatrix-"));
  // recorder.mjs FILE: records every catchable signal it gets in FILE; the forwarded ones end
  // it with status 0. Prints "ready <pid>" once its handlers are installed.
  recorder = path.join(work, "recorder.mjs");
  writeFileSync(
    recorder,
    `import { appendFileSync } from "node:fs";
const file = process.argv[2];
const forwarded = ${JSON.stringify(FORWARDED)};
for (const s of ` +
      `["SIGTERM","SIGHUP","SIGQUIT","SIGUSR1","SIGUSR2","SIGINT","SIGPIPE","SIGWINCH","SIGCHLD",` +
      `"SIGURG","SIGCONT","SIGALRM","SIGXFSZ","SIGVTALRM","SIGPROF","SIGIO","SIGPWR","SIGSYS",` +
      `"SIGTRAP","SIGXCPU","SIGSTKFLT","SIGTSTP","SIGTTIN","SIGTTOU"]) {
  process.on(s, () => { appendFileSync(file, s + "\\n"); if (forwarded.includes(s)) ` +
      `process.exit(0); });
}
setInterval(() => {}, 1000);
setTimeout(() => process.exit(98), 30000);
process.stdout.write("ready " + process.pid + "\\n");\n`,
  );
});
afterAll(() => {
  home?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  // awsx has ended and its stdout/stderr are closed (a child left running keeps them open).
  done: Promise<Run>;
  // awsx itself has ended.
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
}

// awsx (through `sh -c 'ulimit -c 0; exec ...'`: no core files when it dies of SIGQUIT/SIGABRT),
// in its own process group, cwd in the temp folder.
function start(
  args: string[],
  env: Record<string, string> = home.env(),
  stdin: "ignore" | "pipe" = "ignore",
): Started {
  const t0 = performance.now();
  const child = spawn("sh", ["-c", 'ulimit -c 0; exec "$@"', "sh", NODE, AWSX_BIN, ...args], {
    env,
    cwd: work,
    stdio: [stdin, "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }, 40_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const done = new Promise<Run>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: Math.round(performance.now() - t0) });
    });
  });
  return { child, done, exited, stdout: () => stdout };
}

const runAwsx = (args: string[], env?: Record<string, string>) => start(args, env).done;

async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Process state letter from /proc (R, S, T for stopped, Z, ...).
const stateOf = (pid: number): string =>
  readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0]!;

describe("exit statuses", () => {
  test("every status 0-255 of the child is awsx's status, with nothing on stderr", async () => {
    const codes = Array.from({ length: 256 }, (_, i) => i);
    const got: Array<{ want: number; code: number | null; signal: string | null; stderr: string }> =
      [];
    const t0 = Date.now();
    for (let i = 0; i < codes.length; i += 8) {
      const batch = codes.slice(i, i + 8);
      const runs = await Promise.all(
        batch.map((c) =>
          runAwsx([
            "exec",
            "--backend",
            "none",
            "foo",
            "--",
            "sh",
            "-c",
            "exit $1",
            "sh",
            String(c),
          ]),
        ),
      );
      runs.forEach((r, j) =>
        got.push({ want: batch[j]!, code: r.code, signal: r.signal, stderr: r.stderr }),
      );
    }
    expect(got.filter((g) => g.code !== g.want || g.signal !== null || g.stderr !== "")).toEqual(
      [],
    );
    expect(got).toHaveLength(256);
    process.stderr.write(`faults/processMatrix: 256 exit statuses in ${Date.now() - t0} ms\n`);
  }, 120_000);
});

// A plain `awsx exec` becomes its command (execve: src/exec/replaceProcess.ts), so a signal
// sent to its pid is the command's; awsx stays a parent that forwards signals only where it
// spawns: with --server (below), and where execve is not used. So these run with --server.
describe("signals sent to awsx while the child runs (--server: awsx spawns)", () => {
  // Start awsx with the recorder as child; resolve once the child is ready.
  async function withRecorder(): Promise<{ s: Started; file: string; childPid: number }> {
    const file = path.join(work, `signals-${randomBytes(4).toString("hex")}.txt`);
    const s = start(["exec", "--server", "--backend", "none", "foo", "--", NODE, recorder, file]);
    await until("the child to be ready", () => /ready \d+\n/.test(s.stdout()));
    const childPid = Number(/ready (\d+)/.exec(s.stdout())![1]);
    return { s, file, childPid };
  }
  const seen = (file: string) =>
    existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];

  test.concurrent.each([...FORWARDED])(
    "%s is forwarded: the child gets it (once) and its status 0 is awsx's",
    async (sig) => {
      const { s, file } = await withRecorder();
      process.kill(s.child.pid!, sig);
      const r = await s.done;
      expect({ code: r.code, signal: r.signal, stderr: r.stderr, seen: seen(file) }).toEqual({
        code: 0,
        signal: null,
        stderr: "",
        seen: [sig],
      });
    },
  );

  // Ignored by awsx while it waits (SIGINT on purpose; the others are ignored by Node or by
  // default): awsx keeps waiting, and the child never sees them from awsx.
  test.concurrent.each([
    "SIGINT",
    "SIGPIPE",
    "SIGWINCH",
    "SIGCHLD",
    "SIGURG",
    "SIGCONT",
    "SIGXFSZ",
  ])("%s is not forwarded and does not end awsx", async (sig) => {
    const { s, file, childPid } = await withRecorder();
    process.kill(s.child.pid!, sig);
    await sleep(400);
    expect(alive(s.child.pid!)).toBe(true);
    expect(alive(childPid)).toBe(true);
    process.kill(s.child.pid!, "SIGTERM");
    const r = await s.done;
    expect({ code: r.code, signal: r.signal, stderr: r.stderr, seen: seen(file) }).toEqual({
      code: 0,
      signal: null,
      stderr: "",
      seen: ["SIGTERM"],
    });
  });

  // SIGSTOP stops awsx alone (a terminal's ^Z reaches the whole process group instead);
  // SIGCONT resumes it and it still returns the child's status. (SIGTSTP/SIGTTIN/SIGTTOU are
  // not tried: awsx runs here in its own session, an orphaned process group, where the
  // kernel discards them.)
  test("SIGSTOP stops awsx, not the child; SIGCONT resumes it", async () => {
    const { s, file, childPid } = await withRecorder();
    process.kill(s.child.pid!, "SIGSTOP");
    await until("awsx to stop", () => stateOf(s.child.pid!) === "T", 5_000);
    expect(stateOf(childPid)).not.toBe("T");
    process.kill(s.child.pid!, "SIGCONT");
    await until("awsx to resume", () => stateOf(s.child.pid!) !== "T", 5_000);
    process.kill(s.child.pid!, "SIGTERM");
    const r = await s.done;
    expect({ code: r.code, signal: r.signal, stderr: r.stderr, seen: seen(file) }).toEqual({
      code: 0,
      signal: null,
      stderr: "",
      seen: ["SIGTERM"],
    });
  });

  // Neither forwarded nor handled: the fault signals (Node cannot safely run JavaScript on
  // them) and SIGSTKFLT keep their default action and kill awsx, and the child is NOT told;
  // it goes on running, orphaned (docs/security.md, "Known limits").
  test.concurrent.each([
    "SIGSTKFLT",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGILL",
    "SIGSEGV",
  ])(
    "%s (not forwarded) kills awsx by its default action; the child is left running",
    async (sig) => {
      const { s, file, childPid } = await withRecorder();
      process.kill(s.child.pid!, sig);
      const r = await s.exited;
      await sleep(200);
      const childAlive = alive(childPid);
      if (childAlive) process.kill(childPid, "SIGKILL");
      await s.done;
      expect({ code: r.code, signal: r.signal, seen: seen(file), childAlive }).toEqual({
        code: null,
        signal: sig,
        seen: [],
        childAlive: true,
      });
    },
  );
});

describe("a child killed by a signal", () => {
  const SIGNALS = [
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
  ];
  const dies = (sig: string, server: boolean) => [
    "exec",
    ...(server ? ["--server"] : []),
    "--backend",
    "none",
    "foo",
    "--",
    "sh",
    "-c",
    `kill -${SIG[sig]} $$`,
  ];
  // awsx has become the command (execve): its death is the process's own, every signal alike,
  // exactly what a calling shell sees without awsx.
  test.concurrent.each(SIGNALS)("%s: the process dies of it (execve)", async (sig) => {
    const r = await runAwsx(dies(sig, false));
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({
      code: null,
      signal: sig,
      stderr: "",
    });
  });
  // A spawned child (--server): awsx dies of the same signal, except where it cannot
  // (dieOfSignal's list, and SIGXFSZ which Node ignores): exit 128+n.
  test.concurrent.each(SIGNALS)("%s: awsx passes it on (--server)", async (sig) => {
    const r = await runAwsx(dies(sig, true));
    const want =
      EXIT_INSTEAD.has(sig) || sig === "SIGXFSZ"
        ? { code: 128 + SIG[sig]!, signal: null }
        : { code: null, signal: sig };
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ ...want, stderr: "" });
  });
});

// With execve the command is awsx's process: same pid, every signal sent to it is the
// command's own (SIGINT and the ones Node ignores included), SIGSTOP stops the command.
describe("signals sent to awsx once it has become the command (execve)", () => {
  async function withRecorder(): Promise<{ s: Started; file: string; childPid: number }> {
    const file = path.join(work, `signals-${randomBytes(4).toString("hex")}.txt`);
    const s = start(["exec", "--backend", "none", "foo", "--", NODE, recorder, file]);
    await until("the command to be ready", () => /ready \d+\n/.test(s.stdout()));
    const childPid = Number(/ready (\d+)/.exec(s.stdout())![1]);
    return { s, file, childPid };
  }
  const seen = (file: string) =>
    existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];

  test.concurrent.each(["SIGTERM", "SIGHUP", "SIGINT", "SIGPIPE", "SIGWINCH", "SIGXFSZ"])(
    "%s reaches the command, whose pid is awsx's",
    async (sig) => {
      const { s, file, childPid } = await withRecorder();
      expect(childPid).toBe(s.child.pid);
      process.kill(s.child.pid!, sig);
      await until(`the command to record ${sig}`, () => seen(file).includes(sig));
      try {
        process.kill(s.child.pid!, "SIGTERM"); // the ones the recorder outlives
      } catch {
        /* it ended on the first one */
      }
      const r = await s.done;
      expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({
        code: 0,
        signal: null,
        stderr: "",
      });
      expect(seen(file)[0]).toBe(sig);
    },
  );

  test("SIGSTOP stops the command itself; SIGCONT resumes it", async () => {
    const { s, file } = await withRecorder();
    process.kill(s.child.pid!, "SIGSTOP");
    await until("the command to stop", () => stateOf(s.child.pid!) === "T", 5_000);
    process.kill(s.child.pid!, "SIGCONT");
    await until("the command to resume", () => stateOf(s.child.pid!) !== "T", 5_000);
    await until("the command to record SIGCONT", () => seen(file).includes("SIGCONT"));
    process.kill(s.child.pid!, "SIGTERM");
    const r = await s.done;
    expect({ code: r.code, signal: r.signal, seen: seen(file) }).toEqual({
      code: 0,
      signal: null,
      seen: ["SIGCONT", "SIGTERM"],
    });
  });
});

describe("stdin", () => {
  test("stdin is /dev/null: a child reading to EOF finishes", async () => {
    const r = await runAwsx([
      "exec",
      "--backend",
      "none",
      "foo",
      "--",
      "sh",
      "-c",
      "n=$(wc -c); echo eof-after-$n",
    ]);
    expect({ code: r.code, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({
      code: 0,
      stdout: "eof-after-0",
      stderr: "",
    });
  });

  test("stdin a pipe closed at once: the child sees EOF and finishes", async () => {
    const s = start(
      ["exec", "--backend", "none", "foo", "--", "sh", "-c", "n=$(wc -c); echo eof-after-$n"],
      home.env(),
      "pipe",
    );
    s.child.stdin!.end();
    const r = await s.done;
    expect({ code: r.code, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({
      code: 0,
      stdout: "eof-after-0",
      stderr: "",
    });
  });

  test("stdin closed altogether (fd 0 not open): awsx and the child still work", async () => {
    const child = spawn(
      "sh",
      [
        "-c",
        'exec 0<&-; exec "$@"',
        "sh",
        NODE,
        AWSX_BIN,
        "exec",
        "--backend",
        "none",
        "foo",
        "--",
        "sh",
        "-c",
        "n=$(wc -c 2>/dev/null); echo eof-after-$n",
      ],
      {
        env: home.env(),
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect({ code, out: out.trim(), err }).toEqual({ code: 0, out: "eof-after-0", err: "" });
  });

  test("100 MiB through stdin and back out on stdout, byte for byte", async () => {
    const s = start(["exec", "--backend", "none", "foo", "--", "cat"], home.env(), "pipe");
    const sent = createHash("sha256");
    const got = createHash("sha256");
    let gotBytes = 0;
    s.child.stdout!.removeAllListeners("data");
    s.child.stdout!.on("data", (d: Buffer) => {
      got.update(d);
      gotBytes += d.length;
    });
    const block = randomBytes(1 << 20);
    for (let i = 0; i < 100; i++) {
      // A different block each time, so a repeated or dropped MiB changes the hash.
      const b = Buffer.from(block);
      b.writeUInt32BE(i, 0);
      b.writeUInt32BE((i * 2654435761) >>> 0, (i * 4099) % (b.length - 4));
      sent.update(b);
      if (!s.child.stdin!.write(b)) await new Promise((r) => s.child.stdin!.once("drain", r));
    }
    s.child.stdin!.end();
    const r = await s.done;
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(gotBytes).toBe(100 * 1024 * 1024);
    expect(got.digest("hex")).toBe(sent.digest("hex"));
    process.stderr.write(
      `faults/processMatrix: 100 MiB stdin→cat→stdout through awsx in ${r.ms} ms\n`,
    );
  }, 60_000);
});

const testPty = await needsForTest("script");

describe("the child's terminal", () => {
  const isattyChild = [
    NODE,
    "-e",
    'const t=require("tty"); process.stdout.write("isatty=" + [0,1,2].map((fd) ' +
      '=> t.isatty(fd)).join(","))',
  ];

  testPty("under a pseudo-terminal the child sees a TTY on fds 0, 1 and 2", async () => {
    const command = awsxCommand("exec", "--backend", "none", "foo", "--", ...isattyChild);
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      env: home.env(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let terminal = "";
    child.stdout.on("data", (d: Buffer) => (terminal += d));
    child.stderr.on("data", (d: Buffer) => (terminal += d));
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((r) => child.on("close", r));
    clearTimeout(killer);
    child.stdin.destroy();
    expect({ code, terminal: terminal.replace(/\r/g, "") }).toEqual({
      code: 0,
      terminal: "isatty=true,true,true",
    });
  });

  test("and with pipes it sees none (the check can fail)", async () => {
    const r = await runAwsx(["exec", "--backend", "none", "foo", "--", ...isattyChild]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({
      code: 0,
      stdout: "isatty=false,false,false",
    });
  });
});

describe("awsx SIGKILLed while it holds a cache lock", () => {
  let sts: FakeSts;
  let lockHome: TempHome;
  let cacheDir: string;
  beforeAll(async () => {
    sts = await startFakeSts({ actions: { AssumeRole: { hang: true } } });
    lockHome = makeHome({
      config:
        `[profile locked]\nrole_arn = arn:aws:iam::123456789012:role/lock-role\n` +
        `source_profile = src\nregion = us-east-1\n`,
      credentials:
        "[src]\naws_access_key_id = AKIAFAKEPROCMATRIX02\n" +
        "aws_secret_access_key = fakeProcessMatrixSecret0000000000000002\n",
    });
    cacheDir = path.join(lockHome.dir, "awsx-cache");
  });
  afterAll(async () => {
    await sts?.close();
    lockHome?.cleanup();
  });

  // proper-lockfile checks no pid: the dead holder's lock is only seen by its age.
  test("the next run takes the dead holder's lock over once it is 10 s stale", async () => {
    const env = lockHome.env({
      AWS_ENDPOINT_URL_STS: sts.url,
      AWSX_CACHE_DIR: cacheDir,
      AWSX_FILE_PASSPHRASE: "lock test passphrase",
    });
    const locks = path.join(cacheDir, "locks");
    const lockDirs = () =>
      existsSync(locks) ? readdirSync(locks).filter((n) => n.endsWith(".lockdir")) : [];
    const holder = start(["exec", "--backend", "file", "locked", "--", "true"], env);
    // It holds the lock while it waits for AssumeRole, which the fake never answers.
    await until("the holder to call AssumeRole", () => sts.count("AssumeRole") === 1);
    expect(lockDirs()).toHaveLength(1);
    const lockPath = path.join(locks, lockDirs()[0]!);
    expect(statSync(lockPath).isDirectory()).toBe(true);
    process.kill(-holder.child.pid!, "SIGKILL");
    const dead = await holder.done;
    expect(dead.signal).toBe("SIGKILL");
    expect(existsSync(lockPath)).toBe(true); // left behind: nobody cleaned up
    const lastRefresh = statSync(lockPath).mtimeMs;

    sts.behave(undefined, "AssumeRole");
    const r = await runAwsx(
      ["exec", "--backend", "file", "locked", "--", "sh", "-c", 'echo "$AWSX_PROFILE"'],
      env, // start() kills it at 40 s (code null): the hang guard, far past the 10 s
    );
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 0,
      stdout: "locked\n",
      stderr: "",
    });
    expect(Date.now()).toBeGreaterThanOrEqual(lastRefresh + 10_000 - 20); // waited for staleness
    expect(sts.count("AssumeRole")).toBe(2);
    expect(lockDirs()).toEqual([]);
    process.stderr.write(
      `faults/processMatrix: run after a SIGKILLed lock holder took ${r.ms} ms\n`,
    );
  }, 120_000);
});
