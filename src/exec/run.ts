import { constants } from "node:os";
import { execa } from "execa";

export const FORWARDED_SIGNALS = ["SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;

export type RunOutcome =
  | { kind: "exited"; code: number }
  | { kind: "signaled"; signal: NodeJS.Signals }
  | { kind: "notFound" }
  | { kind: "notExecutable"; why: string };

// Spawn the child with awsx's stdio, forward signals sent to awsx, and report how it
// ended. SIGINT from a terminal reaches the child through the process group, so awsx
// only ignores it while it waits (forwarding it too would be a second ^C).
export async function runChild(command: string, args: string[], env: Record<string, string>): Promise<RunOutcome> {
  const onSigint = () => {};
  process.on("SIGINT", onSigint);
  const child = execa(command, args, {
    env,
    extendEnv: false,
    stdio: "inherit",
    reject: false,
    shell: false,
    stripFinalNewline: false,
    forceKillAfterDelay: false,
    windowsHide: false,
  });
  const forwarders = FORWARDED_SIGNALS.map((signal) => {
    const handler = () => {
      child.kill(signal);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  try {
    const result = await child;
    const code = (result as { code?: string }).code;
    if (code === "ENOENT") return { kind: "notFound" };
    if (code === "EACCES" || code === "ENOEXEC" || code === "EISDIR") return { kind: "notExecutable", why: code };
    if (result.signal) return { kind: "signaled", signal: result.signal as NodeJS.Signals };
    return { kind: "exited", code: result.exitCode ?? 1 };
  } finally {
    process.off("SIGINT", onSigint);
    for (const off of forwarders) off();
  }
}

// Die of the same signal as the child, so a calling shell sees what it would have
// seen without awsx; where that is not possible, exit 128+n like a shell does.
export function dieOfSignal(signal: NodeJS.Signals): number {
  const n = constants.signals[signal] ?? 1;
  // Node starts its inspector on SIGUSR1 and ignores SIGPIPE; others do not kill by default.
  if (["SIGUSR1", "SIGPIPE", "SIGWINCH", "SIGCHLD", "SIGURG", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU"].includes(signal)) return 128 + n;
  process.removeAllListeners(signal);
  try {
    process.kill(process.pid, signal);
  } catch {
    // fall through to the exit status
  }
  return 128 + n;
}
