import {
  accessSync,
  closeSync,
  constants,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from "node:fs";
import { isAbsolute, join } from "node:path";

// Node's own ELF machine, the only one whose binaries awsx hands straight to execve.
const MACHINE: Partial<Record<NodeJS.Architecture, number>> = { x64: 62, arm64: 183 };
// Linux refuses one argument or variable of 128 KiB or more (E2BIG); the total is bounded by
// a quarter of the stack limit. Far below both, so execve cannot fail on size.
const MAX_ONE = 64 * 1024;
const MAX_ALL = 512 * 1024;
// What is read of a file: its ELF header and program headers. A #! line is read from the
// first 256 bytes of it (BINPRM_BUF_SIZE), as Linux does.
const HEAD = 4096;

// Replace awsx with COMMAND (process.execve: same pid, nothing of awsx left to run) when that
// cannot fail; else return why not, and the caller spawns the command as before. A failed
// execve does not throw: Node aborts (SIGABRT). So the command is resolved on the child's
// PATH as execvp does and checked first: an ELF file for this machine whose interpreter
// exists, or a #! script with an absolute interpreter that passes the same check; anything
// else (not found, not executable, a script without #!, which execvp hands to /bin/sh) is
// left to spawn, which reports it with today's 127/126 and message. Linux only: elsewhere
// it is untried. The caller has finished everything awsx does before the child starts, but
// LASTLY, run once every check has passed, just before the execve (the agent's client writes
// the agent's stderr lines there: only when the command does start in awsx's place).
export function replaceProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  lastly?: () => void,
): string {
  const execve = process.execve;
  if (typeof execve !== "function") return "this Node has no process.execve";
  if (process.platform !== "linux") return "execve is used on Linux only";
  if (!command || command.includes("\0")) return "no command name";
  const big = tooBig([command, ...args, ...Object.entries(env).flat()]);
  if (big) return big;
  const file = resolveOnPath(command, env.PATH);
  if (typeof file !== "string") return file.why;
  const format = runnable(file, 0);
  if (format) return format;
  const signals = signalsToReset();
  if (typeof signals === "string") return signals;
  const blocking = blockingStdio();
  if (blocking) return blocking;
  // A name with "=" or "-" alone env would take for its own (NAME=VALUE; an empty environment).
  if (signals.viaEnv && (command.includes("=") || command === "-"))
    return "a command name env would misread";
  try {
    lastly?.();
  } catch (e) {
    return `before the execve: ${(e as Error).message}`;
  }
  try {
    if (!signals.viaEnv) {
      // Only SIGPIPE and SIGXFSZ ignored (Node's own): a caught signal is reset to its default
      // by execve, an ignored one stays ignored (the command would print "Broken pipe" where a
      // shell's dies quietly). So catch both until the exec.
      for (const s of ["SIGPIPE", "SIGXFSZ"] as const) process.on(s, () => {});
      return execve(file, [command, ...args], env);
    }
    // A blocked signal stays blocked across execve, and Node cannot unblock one: started with
    // --disable-sigusr1 (bin/awsx.js's #! line) it keeps SIGUSR1 blocked. GNU env's
    // --default-signal resets and unblocks them, then runs the command by the same PATH
    // (execvp, as spawn does: argv[0] as typed). One exec more.
    const reset = signals.numbers.join(",");
    return execve(ENV, ["env", `--default-signal=${reset}`, "--", command, ...args], env);
  } catch (e) {
    // Node's own checks of the arguments, before the system call.
    return `process.execve refused: ${(e as Error).message}`;
  }
}

const ENV = "/usr/bin/env";
// Bits of /proc/self/status's masks: signal n is bit n-1.
const bit = (n: number) => 1n << BigInt(n - 1);
const NODE_IGNORES = bit(13) | bit(25); // SIGPIPE, SIGXFSZ

// The signals the command must not inherit as they are in awsx (any blocked, any ignored:
// spawn resets them all), or why that cannot be done here.
function signalsToReset(): { viaEnv: boolean; numbers: number[] } | string {
  let status: string;
  try {
    status = readFileSync("/proc/self/status", "utf8"); // ASCII; Node reads utf8 fastest
  } catch {
    return "/proc/self/status cannot be read";
  }
  const mask = (name: string) => {
    const m = new RegExp(`^${name}:\\s*([0-9a-f]+)$`, "m").exec(status);
    return m ? BigInt(`0x${m[1]}`) : undefined;
  };
  const blocked = mask("SigBlk");
  const ignored = mask("SigIgn");
  if (blocked === undefined || ignored === undefined) return "no signal masks in /proc";
  if (blocked === 0n && (ignored & ~NODE_IGNORES) === 0n) return { viaEnv: false, numbers: [] };
  const all = blocked | ignored;
  if (all >> 31n) return "a real-time signal is blocked or ignored";
  const numbers = [...Array(31).keys()].map((i) => i + 1).filter((n) => all & bit(n));
  return gnuEnv() ? { viaEnv: true, numbers } : `signals ${numbers} set, and no GNU env`;
}

// /usr/bin/env is GNU coreutils' 8.31 or later (it knows --default-signal) and runnable.
function gnuEnv(): boolean {
  try {
    return readFileSync(ENV).includes("--default-signal") && runnable(ENV, 0) === undefined;
  } catch {
    return false;
  }
}

function tooBig(strings: string[]): string | undefined {
  let all = 0;
  for (const s of strings) {
    const n = Buffer.byteLength(s) + 1;
    if (n > MAX_ONE) return "an argument or variable too long for a sure execve";
    all += n + 8;
  }
  return all > MAX_ALL ? "arguments and environment too large for a sure execve" : undefined;
}

// Node's stdout/stderr streams make a pipe O_NONBLOCK, and the file description is shared:
// the child would get EAGAIN writing to it. Node makes process.stderr by itself (a socket's
// destroy() names it: the D-Bus probe's), so what a stream set is set back to blocking, as
// spawn does for fds 0-2 in the child (libuv); the flags are read from /proc/self/fdinfo.
function blockingStdio(): string | undefined {
  for (const fd of [2, 1, 0] as const) {
    const flags = fdFlags(fd);
    if (flags === undefined) return `/proc/self/fdinfo/${fd} cannot be read`;
    if (!(flags & constants.O_NONBLOCK)) continue;
    if (fd === 0) return "stdin is non-blocking";
    const stream = (fd === 1 ? process.stdout : process.stderr) as unknown as NodeStdio;
    if (stream.writableLength) return `awsx's own output to fd ${fd} is still being written`;
    stream._handle?.setBlocking?.(true);
    if ((fdFlags(fd) ?? constants.O_NONBLOCK) & constants.O_NONBLOCK)
      return `fd ${fd} stays non-blocking`;
  }
  return undefined;
}

// What Node's stream for fd 1 or 2 has: its libuv handle, for a pipe or a terminal.
interface NodeStdio {
  writableLength?: number;
  _handle?: { setBlocking?: (blocking: boolean) => number };
}

function fdFlags(fd: number): number | undefined {
  try {
    const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
    return flags ? Number.parseInt(flags[1]!, 8) : undefined;
  } catch {
    return undefined;
  }
}

// The file execvp would run, or why awsx leaves the search to spawn. PATH: the child's own,
// an empty entry being the current folder; a file it cannot execute is skipped (EACCES),
// as execvp does.
function resolveOnPath(command: string, path: string | undefined): string | { why: string } {
  if (command.includes("/")) return executable(command) ?? { why: `${command} is not runnable` };
  if (path === undefined) return { why: "the child has no PATH" };
  for (const dir of path.split(":")) {
    const file = executable(join(dir || ".", command));
    if (file) return file;
  }
  return { why: `${command} not found on PATH as an executable file` };
}

// FILE when it is a regular file this process may execute, else undefined.
function executable(file: string): string | undefined {
  try {
    // A missing file is no exception here: each PATH entry before the command's would make one.
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return undefined;
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}

// undefined when the kernel will run FILE: an ELF binary of this machine (with its program
// interpreter there), or a #! script whose interpreter is one (one level of scripts).
function runnable(file: string, depth: number): string | undefined {
  const head = readHead(file);
  if (!head) return `${file} cannot be read`;
  if (head.readUInt32BE(0) === 0x7f454c46) return elfRunnable(file, head);
  if (head[0] === 0x23 && head[1] === 0x21 && depth === 0) {
    const line = head.subarray(2, Math.min(head.length, 256)).toString("latin1");
    const end = line.indexOf("\n");
    // As Linux reads it: leading blanks skipped, the name ends at a blank (a CR is part of
    // it: a CRLF script names "/bin/sh\r", which does not exist).
    const text = end < 0 ? "" : line.slice(0, end).replace(/^[ \t]+/, "");
    const interpreter = text.includes("\0") ? "" : (text.split(/[ \t]/)[0] ?? "");
    if (!isAbsolute(interpreter) || !executable(interpreter))
      return `${file}: #! interpreter "${interpreter}" is not a runnable absolute path`;
    return runnable(interpreter, depth + 1);
  }
  return `${file} is neither an ELF binary nor a #! script awsx checks`;
}

function readHead(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const buf = Buffer.alloc(HEAD);
    return buf.subarray(0, readSync(fd, buf, 0, HEAD, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// 64-bit little-endian ELF of Node's own machine, an executable or a shared object, program
// headers as the kernel expects them; its PT_INTERP (if any) an ELF file of the same kind.
function elfRunnable(file: string, h: Buffer, loader = false): string | undefined {
  const machine = MACHINE[process.arch];
  const type = h.length >= 64 ? h.readUInt16LE(16) : 0;
  if (h.length < 64 || h[4] !== 2 || h[5] !== 1 || h.readUInt16LE(18) !== machine)
    return `${file} is not a 64-bit ELF binary for ${process.arch}`;
  if ((type !== 2 && type !== 3) || h.readUInt16LE(54) !== 56)
    return `${file} is not an ELF executable`;
  const phoff = Number(h.readBigUInt64LE(32));
  const count = h.readUInt16LE(56);
  for (let i = 0; i < count && !loader; i++) {
    const at = phoff + i * 56;
    if (at + 56 > h.length) return `${file}: program headers past the first ${HEAD} bytes`;
    if (h.readUInt32LE(at) !== 3) continue; // PT_INTERP
    const offset = Number(h.readBigUInt64LE(at + 8));
    const length = Number(h.readBigUInt64LE(at + 32));
    if (offset + length > h.length) return `${file}: interpreter name past the first bytes`;
    const interpreter = h.toString("latin1", offset, offset + length).replace(/\0.*$/s, "");
    const head = executable(interpreter) && readHead(interpreter);
    const why = head ? elfRunnable(interpreter, head, true) : "missing";
    if (why) return `${file}: its loader ${interpreter}: ${why}`;
  }
  return undefined;
}
