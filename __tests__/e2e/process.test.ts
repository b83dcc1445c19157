// The process contract of awsx exec: exit statuses, signals, stdio byte for byte, argv.
// A static-keys profile means no STS call; the child is a real process (fixtures/).
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa, type ResultPromise } from "execa";
import { makeHome, type TempHome } from "../helpers/home.js";
import { AWSX_BIN, fixture } from "../helpers/awsx.js";

const NODE = process.execPath;
const KEY_ID = "AKIAFAKEEXAMPLE0001";
const SECRET = "fakeSecretForAwsxProcessTests0000000000";

let home: TempHome;
let tmp: string;

beforeAll(() => {
  home = makeHome({
    credentials: `[foo]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`,
  });
  tmp = mkdtempSync(path.join(os.tmpdir(), "awsx-process-"));
});
afterAll(() => {
  home?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// Starts `awsx exec --backend none foo -- ARGS...` with a clean env (nothing inherited from jest).
function start(
  childArgv: string[],
  opts: { separator?: boolean; input?: Buffer; buffer?: boolean; server?: boolean } = {},
): ResultPromise {
  const args = [
    "exec",
    ...(opts.server ? ["--server"] : []),
    "--backend",
    "none",
    "foo",
    ...(opts.separator === false ? [] : ["--"]),
    ...childArgv,
  ];
  return execa(NODE, [AWSX_BIN, ...args], {
    env: home.env(),
    extendEnv: false,
    reject: false,
    timeout: 30_000,
    stripFinalNewline: false,
    ...(opts.input ? { input: opts.input } : { stdin: "ignore" as const }),
    ...(opts.buffer ? { encoding: "buffer" as const, maxBuffer: 200 * 1024 * 1024 } : {}),
  });
}

// Resolves when the child has printed "ready" (its signal handlers are installed).
function ready(p: ResultPromise): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    p.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("ready\n")) resolve();
    });
    p.then(
      (r) =>
        reject(
          new Error(
            `awsx ended before the child was ready: ${r.exitCode} ${r.signal} ${String(r.stderr)}`,
          ),
        ),
      reject,
    );
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// The same bytes fixtures/big-output.mjs writes: byte i of MiB block b is (i * 7 + b) & 0xff.
function expectedBigOutputSha(megabytes: number): string {
  const h = createHash("sha256");
  const buf = Buffer.alloc(1 << 20);
  for (let b = 0; b < megabytes; b++) {
    // computed byte by byte, not like the fixture
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 7 + b) & 0xff;
    h.update(buf);
  }
  return h.digest("hex");
}

describe("exit status", () => {
  test.each([0, 1, 7, 255])("the child's exit status %i is awsx's", async (code) => {
    const r = await start([NODE, fixture("exit.mjs"), String(code)]);
    expect({ exitCode: r.exitCode, signal: r.signal, stderr: r.stderr }).toEqual({
      exitCode: code,
      signal: undefined,
      stderr: "",
    });
  });

  test.each(["SIGTERM", "SIGKILL"])(
    "a child killed by %s makes awsx die of the same signal",
    async (sig) => {
      const r = await start([NODE, fixture("kill-self.mjs"), sig]);
      expect(r.signal).toBe(sig);
      expect(r.exitCode).toBeUndefined();
      expect(String(r.stderr)).toBe("");
    },
  );

  test("command not found: 127 and one `awsx:` line naming the command", async () => {
    const r = await start(["awsx-no-such-command-zz9", "arg"]);
    expect(r.exitCode).toBe(127);
    const lines = String(r.stderr).trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^awsx: .*awsx-no-such-command-zz9/);
    expect(r.stdout).toBe("");
  });

  test("a file without execute permission: 126 and one `awsx:` line", async () => {
    const file = path.join(tmp, "not-executable.sh");
    writeFileSync(file, "#!/bin/sh\necho should-not-run\n");
    chmodSync(file, 0o644);
    const r = await start([file]);
    expect(r.exitCode).toBe(126);
    const lines = String(r.stderr).trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^awsx: .*not-executable\.sh/);
    expect(r.stdout).toBe("");
  });
});

describe("signals sent to awsx", () => {
  test.each(["SIGTERM", "SIGHUP", "SIGUSR2"] as const)(
    "%s reaches the child; awsx exits with the child's status 0",
    async (sig) => {
      const file = path.join(tmp, `signal-${sig}.txt`);
      const p = start([NODE, fixture("forever.mjs"), file]);
      await ready(p);
      expect(p.kill(sig)).toBe(true);
      const r = await p;
      expect({ exitCode: r.exitCode, signal: r.signal, stderr: r.stderr }).toEqual({
        exitCode: 0,
        signal: undefined,
        stderr: "",
      });
      expect(readFileSync(file, "utf8")).toBe(`got ${sig}\n`);
    },
  );

  // awsx spawns with --server (a plain exec becomes the command: see below).
  test(
    "SIGINT sent to awsx's pid alone is not forwarded (a terminal's ^C reaches the whole " +
      "process group, so forwarding would deliver it twice); awsx keeps waiting",
    async () => {
      const file = path.join(tmp, "signal-SIGINT.txt");
      const p = start([NODE, fixture("forever.mjs"), file], { server: true });
      let settled = false;
      void p.then(() => (settled = true));
      await ready(p);
      process.kill(p.pid!, "SIGINT");
      await sleep(500);
      expect(settled).toBe(false); // awsx did not die of it
      expect(isAlive(p.pid!)).toBe(true);
      expect(existsSync(file)).toBe(false); // and the child never saw it
      p.kill("SIGTERM");
      const r = await p;
      expect(r.exitCode).toBe(0);
      expect(readFileSync(file, "utf8")).toBe("got SIGTERM\n");
    },
  );
});

describe("awsx becomes the command (execve)", () => {
  test("same pid: a SIGINT sent to it is the command's own, as without awsx", async () => {
    const file = path.join(tmp, "signal-SIGINT-execve.txt");
    // sh says its pid, then becomes forever.mjs (exec: the same pid again).
    const p = start([
      "sh",
      "-c",
      'echo "pid $$"; exec "$@"',
      "sh",
      NODE,
      fixture("forever.mjs"),
      file,
    ]);
    await ready(p);
    process.kill(p.pid!, "SIGINT");
    for (let i = 0; i < 500 && !existsSync(file); i++) await sleep(20);
    p.kill("SIGTERM");
    const r = await p;
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(String(r.stdout)).toBe(`pid ${p.pid}\nready\n`);
    expect(readFileSync(file, "utf8")).toBe("got SIGINT\ngot SIGTERM\n");
  });
});

describe("stdio", () => {
  test("50 MiB of stdout pass through byte for byte", async () => {
    const r = await start([NODE, fixture("big-output.mjs"), "50"], { buffer: true });
    expect(r.exitCode).toBe(0);
    const out = r.stdout as unknown as Uint8Array;
    expect(out.byteLength).toBe(50 * 1024 * 1024);
    expect(sha256(out)).toBe(expectedBigOutputSha(50));
  }, 60_000);

  test("5 MiB of stdin pass through to the child byte for byte", async () => {
    const input = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < input.length; i++) input[i] = (i * 31 + (i >> 13)) & 0xff;
    const r = await start([NODE, fixture("echo-stdin.mjs")], { input, buffer: true });
    expect(r.exitCode).toBe(0);
    const out = r.stdout as unknown as Uint8Array;
    expect(out.byteLength).toBe(input.length);
    expect(sha256(out)).toBe(sha256(input));
  }, 60_000);

  test("the child's stderr stays on stderr and its stdout on stdout", async () => {
    const r = await start([NODE, fixture("stdio-split.mjs")]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("this-went-to-stdout\n");
    expect(r.stderr).toBe("this-went-to-stderr\n");
  });
});

describe("argv", () => {
  test("arguments with spaces, quotes and `--` reach the child unchanged", async () => {
    const args = [
      "a b",
      "--x",
      "--",
      "'q'",
      '"dq"',
      "",
      "$HOME",
      "*",
      "ü\tnl\nend",
      "-r",
      "--force",
    ];
    const r = await start(["node", fixture("print-argv.mjs"), ...args]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(String(r.stdout))).toEqual(args);
  });

  test(
    "without `--`, the child's own flags (--recursive, -r x) " + "are not taken by awsx",
    async () => {
      const r = await start(["node", fixture("print-argv.mjs"), "--recursive", "-r", "x"], {
        separator: false,
      });
      expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: "" });
      expect(JSON.parse(String(r.stdout))).toEqual(["--recursive", "-r", "x"]);
    },
  );

  test("the static profile's keys reach the child, with no session token or expiry", async () => {
    const r = await start([NODE, fixture("print-env.mjs")]);
    expect(r.exitCode).toBe(0);
    const env = JSON.parse(String(r.stdout)) as Record<string, string>;
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWSX_PROFILE: "foo",
    });
    expect(env.AWS_SESSION_TOKEN).toBeUndefined();
    expect(env.AWS_CREDENTIAL_EXPIRATION).toBeUndefined();
  });
});
