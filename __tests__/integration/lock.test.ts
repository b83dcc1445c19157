// src/platform/lock.ts withLock (proper-lockfile underneath): the cross-process lock per cache
// key, with real files, real processes (SIGKILLed and SIGTERMed ones too) and real clocks.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { AwsxError } from "../../src/errors.js";
import { withLock, type LockOptions } from "../../src/platform/lock.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KEY = "0123abcd".repeat(8);

// The fixture, bundled with lock.ts and proper-lockfile into one file a plain node runs.
let bundleDir: string;
let holderScript: string;
beforeAll(() => {
  bundleDir = mkdtempSync(path.join(tmpdir(), "awsx-lock-bundle-"));
  holderScript = path.join(bundleDir, "lock-holder.cjs");
  const entry = fileURLToPath(new URL("../fixtures/lock-holder.ts", import.meta.url));
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "cjs",
    outfile: holderScript,
    logLevel: "error",
  });
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

let dir: string;
let lockDir: string;
let lockPath: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "awsx-lock-"));
  lockDir = path.join(dir, "locks");
  lockPath = path.join(lockDir, `${KEY}.lockdir`);
});
afterEach(() => {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const opts = (o: Partial<LockOptions> = {}): LockOptions => ({
  dir: lockDir,
  staleMs: 10_000,
  waitMs: 10_000,
  pollMs: 10,
  ...o,
});

interface Holder {
  child: ChildProcess;
  locked: Promise<number>; // when it printed "locked"
  done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

// A real process that takes the lock and holds it for holdMs.
function holder(o: { holdMs: number; staleMs?: number; waitMs?: number; log?: string }): Holder {
  const args = { dir: lockDir, key: KEY, staleMs: 10_000, waitMs: 20_000, ...o };
  const child = spawn(process.execPath, [holderScript, JSON.stringify(args)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  let onLocked!: (t: number) => void;
  const locked = new Promise<number>((r) => (onLocked = r));
  child.stdout!.on("data", (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes("locked\n")) onLocked(Date.now());
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Awaited<Holder["done"]>>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  // A holder that ends before it holds the lock fails the wait instead of hanging it.
  const lockedOrEnded = Promise.race([
    locked,
    done.then((d) => Promise.reject(new Error(`holder ended first: ${JSON.stringify(d)}`))),
  ]);
  lockedOrEnded.catch(() => {});
  return { child, locked: lockedOrEnded, done };
}

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number; at: number }> {
  const t0 = Date.now();
  const value = await p;
  return { value, ms: Date.now() - t0, at: Date.now() };
}

test("six processes on one key hold it one at a time, and each gets its turn", async () => {
  const log = path.join(dir, "events.log");
  const holders = Array.from({ length: 6 }, () => holder({ holdMs: 150, log }));
  const ends = await Promise.all(holders.map((h) => h.done));
  expect(ends.map((e) => [e.code, e.stdout])).toEqual(Array(6).fill([0, "locked\ndone\n"]));
  const events = readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(" "));
  expect(events).toHaveLength(12);
  for (let i = 0; i < events.length; i += 2) {
    const [enter, exit, next] = [events[i]!, events[i + 1]!, events[i + 2]];
    // enter and exit of one holder are adjacent: nobody entered while it held the lock
    expect([enter[0], exit[0], exit[1]]).toEqual(["enter", "exit", enter[1]]);
    if (next) expect(Number(next[2])).toBeGreaterThanOrEqual(Number(exit[2]));
  }
  expect(new Set(events.map((e) => e[1])).size).toBe(6);
  expect(readdirSync(lockDir)).toEqual([]);
});

test("a waiter gets the lock as soon as the holder releases it, long before staleMs", async () => {
  const log = path.join(dir, "events.log");
  const h = holder({ holdMs: 1_000, log });
  await h.locked;
  expect(statSync(lockPath).isDirectory()).toBe(true);
  const { value, at } = await timed(
    withLock(KEY, opts({ staleMs: 120_000, waitMs: 120_000 }), async () => "mine"),
  );
  expect(value).toBe("mine");
  expect((await h.done).code).toBe(0);
  const exitAt = Number(readFileSync(log, "utf8").match(/^exit \d+ (\d+)$/m)![1]);
  expect(at).toBeGreaterThanOrEqual(exitAt);
  // Far under the 120 s stale bound it would otherwise wait for, however busy the machine.
  expect(at - exitAt).toBeLessThan(30_000);
  expect(readdirSync(lockDir)).toEqual([]);
});

test("a SIGKILLed holder's lock is taken over staleMs after its last refresh", async () => {
  const staleMs = 3_000;
  const h = holder({ holdMs: 60_000, staleMs });
  await h.locked;
  await sleep(1_300); // past one refresh (every staleMs/3, at least 1 s)
  h.child.kill("SIGKILL");
  expect((await h.done).signal).toBe("SIGKILL");
  expect(existsSync(lockPath)).toBe(true); // SIGKILL left it behind
  const lastRefresh = statSync(lockPath).mtimeMs;
  const killedAt = Date.now();
  const { value, at } = await timed(
    withLock(KEY, opts({ staleMs, waitMs: 20_000 }), async () => "taken over"),
  );
  expect(value).toBe("taken over");
  // proper-lockfile checks no pid: a dead holder is only seen by its lock's age.
  expect(at).toBeGreaterThanOrEqual(lastRefresh + staleMs - 20);
  // A hang guard, not a speed bound: taken over, not left to waitMs (20 s) to give up.
  expect(at).toBeLessThan(Math.max(lastRefresh, killedAt) + staleMs + 15_000);
  expect(readdirSync(lockDir)).toEqual([]);
});

test("a holder ended by SIGTERM removes its lock, so the next need not wait", async () => {
  const h = holder({ holdMs: 60_000 });
  await h.locked;
  h.child.kill("SIGTERM");
  expect((await h.done).signal).toBe("SIGTERM");
  expect(existsSync(lockPath)).toBe(false);
  // The lock is gone (above), so nothing can make the next one wait: no clock needed.
  await expect(withLock(KEY, opts(), async () => "next")).resolves.toBe("next");
});

test("past waitMs a waiter fails with E_CACHE; the live holder keeps its lock", async () => {
  const h = holder({ holdMs: 120_000 });
  await h.locked;
  const t0 = Date.now();
  const err = await withLock(KEY, opts({ waitMs: 600 }), async () => "never").then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = Date.now() - t0;
  expect(err).toBeInstanceOf(AwsxError);
  expect(err).toMatchObject({ code: "E_CACHE", exitCode: 74 });
  const message = (err as AwsxError).message;
  expect(message).toBe(
    `gave up after 1s waiting for another awsx holding ${lockPath}; ` +
      "remove it if no awsx is running, or raise AWSX_LOCK_WAIT",
  );
  expect(ms).toBeGreaterThanOrEqual(600);
  expect(ms).toBeLessThan(60_000); // gave up at waitMs, not when the holder let go (120 s)
  expect(statSync(lockPath).isDirectory()).toBe(true);
  expect(h.child.exitCode).toBeNull();
});

test("a lock that cannot be made at all fails at once, not after waitMs", async () => {
  // A name longer than the file system allows: ENAMETOOLONG is no holder to wait for.
  const { value: err, ms } = await timed(
    withLock("k".repeat(300), opts({ waitMs: 120_000 }), async () => "never").catch(
      (e: unknown) => e,
    ),
  );
  expect(err).toMatchObject({ code: "E_CACHE" });
  expect((err as Error).message).toMatch(
    /^cannot take the cache lock .*: ENAMETOOLONG; check that .* is yours and writable$/,
  );
  expect(ms).toBeLessThan(60_000); // at once, not after waitMs (120 s)
});

test("the lock folder is made with mode 0700; no lock is left after fn", async () => {
  const nested = path.join(dir, "a", "b", "locks");
  await expect(
    withLock(KEY, opts({ dir: nested }), async () =>
      statSync(path.join(nested, `${KEY}.lockdir`)).isDirectory(),
    ),
  ).resolves.toBe(true);
  expect(statSync(nested).mode & 0o777).toBe(0o700);
  expect(readdirSync(nested)).toEqual([]);
});

test("fn's error passes through, and another process takes the lock at once", async () => {
  const boom = new Error("boom");
  await expect(
    withLock(KEY, opts(), async () => {
      throw boom;
    }),
  ).rejects.toBe(boom);
  expect(existsSync(lockPath)).toBe(false);
  // No lock is left (above), so the other process takes it without waiting out staleMs.
  const h = holder({ holdMs: 0 });
  await h.locked;
  expect((await h.done).code).toBe(0);
});

test("a lock lost while held (folder removed) does not crash the holder", async () => {
  // staleMs 2000: the holder refreshes every second, finds its lock gone and calls it
  // compromised; proper-lockfile's default would throw that from a timer.
  const h = holder({ holdMs: 2_500, staleMs: 2_000 });
  await h.locked;
  rmSync(lockPath, { recursive: true });
  const end = await h.done;
  expect({ code: end.code, stdout: end.stdout, stderr: end.stderr }).toEqual({
    code: 0,
    stdout: "locked\ndone\n",
    stderr: "",
  });
});

test("in one process: one key is held one at a time; another key does not wait", async () => {
  const events: string[] = [];
  const hold = (name: string, ms: number) => async () => {
    events.push(`${name}:start`);
    expect(statSync(lockPath).isDirectory()).toBe(true);
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
  const results = await Promise.all([
    withLock(KEY, opts(), hold("a", 300)),
    withLock(KEY, opts(), hold("b", 300)),
    other,
  ]);
  expect(results).toEqual(["a", "b", "other"]);
  const same = events.filter((e) => !e.startsWith("other"));
  const [first, second] = same[0] === "a:start" ? ["a", "b"] : ["b", "a"];
  expect(same).toEqual([`${first}:start`, `${first}:end`, `${second}:start`, `${second}:end`]);
  expect(events.indexOf("other:end")).toBeLessThan(events.indexOf(same[1]!));
  expect(readdirSync(lockDir)).toEqual([]);
});
