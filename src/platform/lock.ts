import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { AwsxError } from "../errors.js";

export interface LockOptions {
  dir: string;
  // A lock whose holder is dead, or that has not been touched for this long, is broken.
  staleMs: number;
  // Give up waiting after this long.
  waitMs: number;
  pollMs?: number;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

// A cross-process lock per cache key: a file created with O_EXCL that names its
// holder. The holder touches it while it works (an MFA prompt can take a while);
// waiters break it when the holder is gone or stopped touching it.
export async function withLock<T>(key: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  await fs.mkdir(options.dir, { recursive: true, mode: 0o700 });
  const path = join(options.dir, `${key}.lock`);
  const me = `${process.pid}@${hostname()}`;
  const started = Date.now();
  const poll = options.pollMs ?? 25;
  for (;;) {
    try {
      const fh = await fs.open(path, "wx", 0o600);
      await fh.writeFile(me);
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new AwsxError("E_CACHE", `cannot create the cache lock ${path}: ${(e as NodeJS.ErrnoException).code}`, { cause: e });
      }
    }
    if (await isStale(path, options.staleMs)) {
      const aside = `${path}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
      try {
        await fs.rename(path, aside);
        // Between our look and the rename another waiter may have broken the stale
        // lock and taken a new one: if what we moved is alive, put it back.
        if (!(await isStale(aside, options.staleMs))) await fs.link(aside, path).catch(() => {});
        await fs.rm(aside, { force: true });
      } catch {
        // another waiter broke it first
      }
      continue;
    }
    if (Date.now() - started > options.waitMs) {
      throw new AwsxError("E_CACHE", `gave up after ${Math.round(options.waitMs / 1000)}s waiting for another awsx holding ${path}; remove it if no awsx is running`);
    }
    await new Promise((r) => setTimeout(r, poll));
  }
  const heartbeat = setInterval(() => {
    const t = new Date();
    fs.utimes(path, t, t).catch(() => {});
  }, Math.max(250, Math.floor(options.staleMs / 3)));
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    try {
      if ((await fs.readFile(path, "utf8")) === me) await fs.rm(path, { force: true });
    } catch {
      // already broken by a waiter that judged us stale
    }
  }
}

async function isStale(path: string, staleMs: number): Promise<boolean> {
  try {
    const [text, st] = await Promise.all([fs.readFile(path, "utf8"), fs.stat(path)]);
    const [pidText, host] = text.split("@");
    const pid = Number(pidText);
    if (host === hostname() && Number.isInteger(pid) && pid > 0 && !alive(pid)) return true;
    return Date.now() - st.mtimeMs > staleMs;
  } catch {
    return false;
  }
}
