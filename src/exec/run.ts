import { spawn } from "node:child_process";
import { constants } from "node:os";

// Every signal that would otherwise end awsx by default and leave the child orphaned with
// live credentials. Not SIGINT (see runChild), nor the fault signals (SIGSEGV, SIGBUS,
// SIGFPE, SIGILL, SIGABRT, SIGTRAP), which Node cannot safely handle in JavaScript.
export const FORWARDED_SIGNALS = [
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

export type RunOutcome =
  | { kind: "exited"; code: number }
  | { kind: "signaled"; signal: NodeJS.Signals }
  | { kind: "notFound" }
  | { kind: "notExecutable"; why: string };

// Spawn the child with awsx's own stdio (fds shared, so bytes and TTYs pass as they
// are), forward signals sent to awsx, and report how it ended. SIGINT from a terminal
// reaches the child through the process group, so awsx only ignores it while it
// waits (forwarding it too would be a second ^C). node:child_process rather than
// execa here: execa's import alone costs more than the whole warm-run budget.
export function runChild(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<RunOutcome> {
  return new Promise((resolve) => {
    // An empty command name is "not found" for a shell too; spawn() would throw on it.
    if (!command) return resolve({ kind: "notFound" });
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, args, { env, stdio: "inherit", shell: false, windowsHide: false });
    } catch (e) {
      return resolve({
        kind: "notExecutable",
        why: (e as NodeJS.ErrnoException).code ?? (e as Error).message,
      });
    }
    const onSigint = () => {};
    process.on("SIGINT", onSigint);
    const forwarders = FORWARDED_SIGNALS.map((signal) => {
      const handler = () => {
        child.kill(signal);
      };
      process.on(signal, handler);
      return () => process.off(signal, handler);
    });
    const done = (outcome: RunOutcome) => {
      process.off("SIGINT", onSigint);
      for (const off of forwarders) off();
      resolve(outcome);
    };
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") done({ kind: "notFound" });
      else done({ kind: "notExecutable", why: e.code ?? e.message });
    });
    child.on("exit", (code, signal) => {
      if (signal) done({ kind: "signaled", signal });
      else done({ kind: "exited", code: code ?? 1 });
    });
  });
}

// Die of the same signal as the child, so a calling shell sees what it would have
// seen without awsx; where that is not possible, exit 128+n like a shell does.
export function dieOfSignal(signal: NodeJS.Signals): number {
  const n = constants.signals[signal] ?? 1;
  // Node starts its inspector on SIGUSR1 and ignores SIGPIPE; others do not kill by default.
  if (
    [
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
    ].includes(signal)
  )
    return 128 + n;
  process.removeAllListeners(signal);
  try {
    process.kill(process.pid, signal);
  } catch {
    // fall through to the exit status
  }
  return 128 + n;
}
