// src/platform/lock.ts withLock: the cross-process lock per cache key, with real files,
// real (dead and SIGKILLed) processes and real clocks.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { AwsxError } from "../../src/errors.js";
import { withLock, type LockOptions } from "../../src/platform/lock.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KEY = "0123abcd".repeat(8);

let dir: string;
let lockDir: string;
let lockFile: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "awsx-lock-"));
  lockDir = path.join(dir, "locks");
  lockFile = path.join(lockDir, `${KEY}.lock`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const opts = (o: Partial<LockOptions> = {}): LockOptions => ({ dir: lockDir, staleMs: 60_000, waitMs: 5_000, pollMs: 10, ...o });

// A pid that certainly belongs to no process: a child that has exited and been reaped.
function deadPid(): number {
  const r = spawnSync("true");
  const pid = r.pid;
  expect(pid).toBeGreaterThan(0);
  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
  return pid;
}

function placeLock(content: string, ageMs = 0): void {
  mkdirSync(lockDir, { recursive: true, mode: 0o700 });
  writeFileSync(lockFile, content, { mode: 0o600 });
  if (ageMs) {
    const t = new Date(Date.now() - ageMs);
    utimesSync(lockFile, t, t);
  }
}

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await p;
  return { value, ms: Date.now() - t0 };
}

test("two holders of the same key in one process run one after the other; other keys do not wait", async () => {
  const events: string[] = [];
  const holder = (name: string, ms: number) => async () => {
    events.push(`${name}:start`);
    // While we hold it, the lock file names this process.
    expect(readFileSync(lockFile, "utf8")).toBe(`${process.pid}@${hostname()}`);
    await sleep(ms);
    events.push(`${name}:end`);
    return name;
  };
  const other = withLock("f".repeat(64), opts(), async () => {
    events.push("other:start");
    await sleep(20);
    events.push("other:end");
    return "other";
  });
  const results = await Promise.all([withLock(KEY, opts(), holder("a", 300)), withLock(KEY, opts(), holder("b", 300)), other]);
  expect(results).toEqual(["a", "b", "other"]);
  const same = events.filter((e) => !e.startsWith("other"));
  // Whichever got it first, the second starts only after the first ended.
  const [first, second] = same[0] === "a:start" ? ["a", "b"] : ["b", "a"];
  expect(same).toEqual([`${first}:start`, `${first}:end`, `${second}:start`, `${second}:end`]);
  // The other key ran while "a" held KEY.
  expect(events.indexOf("other:end")).toBeLessThan(events.indexOf(same[1]!));
  // Released: no lock files left, and the folder is private.
  expect(readdirSync(lockDir)).toEqual([]);
  expect(statSync(lockDir).mode & 0o777).toBe(0o700);
});

test("the holder's result and error pass through, and the lock is released either way", async () => {
  await expect(withLock(KEY, opts(), async () => 42)).resolves.toBe(42);
  expect(existsSync(lockFile)).toBe(false);
  await expect(
    withLock(KEY, opts(), async () => {
      throw new Error("boom");
    }),
  ).rejects.toThrow("boom");
  expect(existsSync(lockFile)).toBe(false);
});

test("a fresh lock left by a dead pid on this host is broken at once", async () => {
  placeLock(`${deadPid()}@${hostname()}`);
  const { value, ms } = await timed(withLock(KEY, opts({ staleMs: 60_000, waitMs: 20_000 }), async () => "got it"));
  expect(value).toBe("got it");
  expect(ms).toBeLessThan(3_000); // not the 60 s stale bound
  expect(readdirSync(lockDir)).toEqual([]); // neither the lock nor a .stale-* leftover
});

test("a lock untouched for longer than staleMs is broken even if its holder looks alive", async () => {
  // A live pid (our parent) and another host's lock: only the age can free them.
  for (const content of [`${process.ppid}@${hostname()}`, `4242@some-other-host`]) {
    placeLock(content, 60_000);
    const { value, ms } = await timed(withLock(KEY, opts({ staleMs: 30_000, waitMs: 60_000 }), async () => "got it"));
    expect(value).toBe("got it");
    expect(ms).toBeLessThan(5_000); // already older than staleMs: broken at once
    expect(readdirSync(lockDir)).toEqual([]);
  }
});

test("a live holder that keeps the lock longer than waitMs makes the waiter fail with E_CACHE", async () => {
  placeLock(`${process.ppid}@${hostname()}`); // alive, fresh
  const t0 = Date.now();
  const err = await withLock(KEY, opts({ staleMs: 60_000, waitMs: 400 }), async () => "never").then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = Date.now() - t0;
  expect(err).toBeInstanceOf(AwsxError);
  expect((err as AwsxError).code).toBe("E_CACHE");
  expect((err as AwsxError).exitCode).toBe(74);
  expect((err as AwsxError).message).toContain(lockFile);
  expect(ms).toBeGreaterThanOrEqual(400);
  expect(ms).toBeLessThan(5_000);
  // The live holder's lock is left alone.
  expect(readFileSync(lockFile, "utf8")).toBe(`${process.ppid}@${hostname()}`);
});

test("an in-process holder that outlasts waitMs: the second waiter gets E_CACHE, the first finishes", async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const first = withLock(KEY, opts(), async () => {
    await held;
    return "first";
  });
  await sleep(50);
  await expect(withLock(KEY, opts({ waitMs: 300 }), async () => "second")).rejects.toMatchObject({ code: "E_CACHE" });
  release();
  await expect(first).resolves.toBe("first");
  expect(existsSync(lockFile)).toBe(false);
});

test("the heartbeat keeps a long holder's lock from being judged stale", async () => {
  // staleMs 1200: the holder touches the file every 400 ms, so a waiter must keep waiting.
  const events: string[] = [];
  const first = withLock(KEY, opts({ staleMs: 1_200 }), async () => {
    events.push("first:start");
    await sleep(2_500);
    events.push("first:end");
  });
  await sleep(50);
  const second = withLock(KEY, opts({ staleMs: 1_200 }), async () => {
    events.push("second:start");
  });
  await Promise.all([first, second]);
  expect(events).toEqual(["first:start", "first:end", "second:start"]);
});

// A separate node process takes the lock file, then is SIGKILLed: no release, no heartbeat.
async function killedHolder(content: "self" | "other-host", touchEveryMs: number): Promise<void> {
  mkdirSync(lockDir, { recursive: true, mode: 0o700 });
  const script = `
    const fs = require("node:fs"), os = require("node:os");
    const file = process.argv[1];
    const who = ${JSON.stringify(content)} === "self" ? process.pid + "@" + os.hostname() : process.pid + "@another-host";
    fs.writeFileSync(file, who, { flag: "wx", mode: 0o600 });
    setInterval(() => { const t = new Date(); fs.utimesSync(file, t, t); }, ${touchEveryMs});
    process.stdout.write("ready\\n");
  `;
  const child = spawn(process.execPath, ["-e", script, lockFile], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`holder exited early (${code})`)));
  });
  child.removeAllListeners("exit");
  const gone = new Promise<void>((r) => child.once("exit", () => r()));
  expect(child.kill("SIGKILL")).toBe(true);
  await gone;
  expect(existsSync(lockFile)).toBe(true); // SIGKILL left it behind
}

test("a SIGKILLed holder on this host does not block the next acquire", async () => {
  await killedHolder("self", 100);
  const { value, ms } = await timed(withLock(KEY, opts({ staleMs: 10_000, waitMs: 30_000 }), async () => "got it"));
  expect(value).toBe("got it");
  expect(ms).toBeLessThan(3_000); // dead pid: broken at once, well inside the 10 s stale bound
  expect(readdirSync(lockDir)).toEqual([]);
});

test("a SIGKILLed holder whose pid cannot be checked (other host) is broken after staleMs", async () => {
  await killedHolder("other-host", 100);
  const staleMs = 1_500;
  const { value, ms } = await timed(withLock(KEY, opts({ staleMs, waitMs: 10_000 }), async () => "got it"));
  expect(value).toBe("got it");
  // It stopped touching the file when it died: broken once the mtime is staleMs old, not before.
  expect(ms).toBeGreaterThanOrEqual(staleMs - 300);
  expect(ms).toBeLessThan(staleMs + 3_000);
  expect(readdirSync(lockDir)).toEqual([]);
});

test("many concurrent waiters on a stale lock: exactly one holder at a time", async () => {
  placeLock(`${deadPid()}@${hostname()}`);
  let inside = 0;
  let maxInside = 0;
  let runs = 0;
  await Promise.all(
    Array.from({ length: 12 }, () =>
      withLock(KEY, opts({ staleMs: 60_000, waitMs: 10_000, pollMs: 5 }), async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await sleep(5);
        inside--;
        runs++;
      }),
    ),
  );
  expect(runs).toBe(12);
  expect(maxInside).toBe(1);
  expect(readdirSync(lockDir)).toEqual([]);
});
