import { close, constants, fstat, open, read, type Stats } from "node:fs";

const CHUNK = 64 * 1024;

export interface ReadRegularOptions {
  // Follow a symbolic link to a regular file (the AWS CLI's own files); default: refuse it.
  follow?: boolean;
  // Refuse a file larger than this many bytes, before reading it (default: no limit).
  maxBytes?: number;
}

// Why a file was not read: not there, not a regular file (a FIFO or a device: reading one
// would block or never end; a symbolic link when not followed), or larger than maxBytes.
export type NotRead = "missing" | "not a regular file" | "too large";

// The text of a regular file, or why it was not read. Opened with O_NONBLOCK, so a FIFO
// never blocks the open, and checked with fstat on the open file, so what is read is what
// was checked; a file that grows past maxBytes meanwhile is refused too.
export async function readRegularFile(
  path: string,
  options: ReadRegularOptions = {},
): Promise<{ text: string } | { notRead: NotRead }> {
  const nofollow = options.follow ? 0 : constants.O_NOFOLLOW;
  let fd: number;
  try {
    const flags = constants.O_RDONLY | constants.O_NONBLOCK | nofollow;
    fd = await call<number>((cb) => open(path, flags, cb));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { notRead: "missing" };
    if (code === "ELOOP") return { notRead: "not a regular file" }; // O_NOFOLLOW: a link
    throw e;
  }
  try {
    const st = await call<Stats>((cb) => fstat(fd, cb));
    if (!st.isFile()) return { notRead: "not a regular file" };
    const max = options.maxBytes ?? Number.POSITIVE_INFINITY;
    if (st.size > max) return { notRead: "too large" };
    const chunks: Buffer[] = [];
    let got = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, max + 1 - got));
      const bytesRead = await call<number>((cb) => read(fd, chunk, 0, chunk.length, null, cb));
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      got += bytesRead;
      if (got > max) return { notRead: "too large" };
    }
    return { text: Buffer.concat(chunks).toString("utf8") };
  } finally {
    await call<void>((cb) => close(fd, cb));
  }
}

// node:fs's callbacks, not node:fs/promises: that module (and the readline and REPL modules
// it loads) is not otherwise on a warm run, which reads the stored-keys index through here.
function call<T>(start: (cb: (e: NodeJS.ErrnoException | null, value: T) => void) => void) {
  return new Promise<T>((resolve, reject) => start((e, v) => (e ? reject(e) : resolve(v))));
}
