import { type ChildProcessByStdio, spawn } from "node:child_process";
import { isUtf8 } from "node:buffer";
import { readdirSync, readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { helperEnv } from "./helperEnv.js";

export interface Captured {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  // Why awsx stopped it or could not start it.
  error?: string;
  // Its stdout was not valid UTF-8 (stdout then holds replacement characters).
  notUtf8?: boolean;
}

export interface CaptureOptions {
  env: Record<string, string | undefined>;
  timeoutMs: number;
  maxOutputBytes: number;
  // The helper's stdin: the terminal awsx has (default), nothing, or an open fd.
  stdin?: "inherit" | "ignore" | number;
  // The setting the timeout message names.
  timeoutSetting?: string;
  // Each piece of its stderr as it comes (a prompt helper's notice, e.g. ykman's touch).
  onStderr?: (text: string) => void;
}

const STDERR_KEPT = 65536;

// Run a helper (without awsx's own secrets in its environment) with the terminal as its
// stdin (it may prompt on /dev/tty) and its output captured, within a deadline and a size
// cap. At either limit its whole process tree is killed and awsx stops reading at once: a
// grandchild holding the pipes open cannot keep awsx waiting. (Not a process group of its
// own: that needs a new session, which would cut the helper off from the terminal.)
export function runCaptured(argv: string[], options: CaptureOptions): Promise<Captured> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: helperEnv(options.env),
      stdio: [options.stdin ?? "inherit", "pipe", "pipe"],
    }) as ChildProcessByStdio<null, Readable, Readable>;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let kept = 0;
    let settled = false;
    const finish = (result: Captured) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const stop = (why: string) => {
      if (child.pid !== undefined) killTree(child.pid);
      child.stdout.destroy();
      child.stderr.destroy();
      finish({ stdout: "", stderr: "", code: null, signal: "SIGKILL", error: why });
    };
    const seconds = Math.round(options.timeoutMs / 1000);
    const timer = setTimeout(
      () =>
        stop(
          `did not finish within ${seconds}s (${options.timeoutSetting ?? "AWSX_PROCESS_TIMEOUT"})`,
        ),
      options.timeoutMs,
    );
    child.stdout.on("data", (b: Buffer) => {
      size += b.length;
      if (size > options.maxOutputBytes) stop(`printed more than ${options.maxOutputBytes} bytes`);
      else out.push(b);
    });
    child.stderr.on("data", (b: Buffer) => {
      options.onStderr?.(b.toString("utf8"));
      if (kept < STDERR_KEPT) err.push(b);
      kept += b.length;
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      const why = e.code === "ENOENT" ? "command not found" : e.message;
      finish({
        stdout: "",
        stderr: "",
        code: null,
        signal: null,
        error: `could not start ${argv[0]}: ${why}`,
      });
    });
    child.on("close", (code, signal) => {
      const text = (bufs: Buffer[]) => Buffer.concat(bufs).toString("utf8");
      const stdout = Buffer.concat(out);
      finish({ stdout: text(out), stderr: text(err), code, signal, notUtf8: !isUtf8(stdout) });
    });
  });
}

// SIGKILL a process and every descendant of it. The tree is read from /proc first (Linux):
// once the helper dies its children are re-parented and could no longer be found.
function killTree(pid: number): void {
  const victims = [pid, ...descendants(pid)];
  for (const p of victims) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return []; // no /proc (macOS, Windows): the helper alone is killed
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const c of children.get(queue.shift()!) ?? []) {
      found.push(c);
      queue.push(c);
    }
  }
  return found;
}
