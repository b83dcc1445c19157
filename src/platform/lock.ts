import { join } from "node:path";
import { AwsxError } from "../errors.js";
import { ensurePrivateDir } from "./privateDir.js";

export interface LockOptions {
  dir: string;
  // A lock whose holder has not refreshed it for this long is taken over (at least 2 s).
  staleMs: number;
  // Give up waiting after this long.
  waitMs: number;
  pollMs?: number;
}

type ProperLockfile = typeof import("./properLockfile.js");

// Loaded on the first miss only: a warm run never takes a lock, and loading proper-lockfile
// costs 20-40 ms (it also hooks exit and signals, to remove held locks).
let library: Promise<ProperLockfile> | undefined;
const load = (): Promise<ProperLockfile> => (library ??= import("./properLockfile.js"));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A cross-process lock per cache key, held while fn runs: proper-lockfile's mkdir lock,
// refreshed while fn works (an MFA prompt can take a while) and taken over once stale.
export async function withLock<T>(
  key: string,
  options: LockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const { lock } = await load();
  // Another user's (or a shared) folder could hold a lock we would wait on for good.
  ensurePrivateDir(options.dir);
  // Not "<key>.lock": that name was a file in earlier awsx, and one left behind by a
  // killed older awsx would fail the takeover (rmdir: ENOTDIR) instead of going stale.
  const path = join(options.dir, `${key}.lockdir`);
  const lockOptions = {
    lockfilePath: path,
    realpath: false,
    stale: options.staleMs,
    update: Math.floor(options.staleMs / 3),
    // A lost lock must not throw from a timer: fn finishes, and the cache re-check
    // after acquiring keeps the result right.
    onCompromised: () => {},
  };
  const started = Date.now();
  let release: () => Promise<void>;
  // The library's retries would also retry EACCES or EROFS for the whole wait: only a
  // lock held by another awsx (ELOCKED) is waited for, or one that vanished under us
  // (ENOENT: another waiter broke it as stale just after we made it).
  for (;;) {
    try {
      release = await lock(join(options.dir, key), { ...lockOptions, retries: 0 });
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ELOCKED" && code !== "ENOENT") {
        const fix = `check that ${options.dir} is yours and writable`;
        throw new AwsxError("E_CACHE", `cannot take the cache lock ${path}: ${code}; ${fix}`, {
          cause: e,
        });
      }
    }
    if (Date.now() - started >= options.waitMs) {
      const s = Math.round(options.waitMs / 1000);
      throw new AwsxError(
        "E_CACHE",
        `gave up after ${s}s waiting for another awsx holding ${path}; ` +
          "remove it if no awsx is running, or raise AWSX_LOCK_WAIT",
      );
    }
    await sleep(options.pollMs ?? 25);
  }
  try {
    return await fn();
  } finally {
    // ERELEASED: compromised meanwhile (see onCompromised); a lock left behind goes stale.
    await release().catch(() => {});
  }
}
