// How one profile's run ended. `unresolved`: its credentials could not be had (with
// --keep-going); `notStarted`: awsx was stopped by a signal before its turn.
export interface JobResult {
  profile: string;
  status:
    | "exited"
    | "signaled"
    | "timedOut"
    | "notFound"
    | "notExecutable"
    | "notStarted"
    | "unresolved";
  exitCode?: number;
  signal?: string;
  ms: number;
  stdoutBytes: number;
  stderrBytes: number;
  // For unresolved and notExecutable: the reason, one line, no secret.
  why?: string;
}

// awsx's status when some profile did not succeed (failed, timed out, was never started):
// xargs's code for "a command failed", taken by no other awsx failure.
export const SOME_FAILED = 123;

export const succeeded = (r: JobResult): boolean => r.status === "exited" && r.exitCode === 0;

// One word or two for the summary table.
export function resultText(r: JobResult, timeoutSeconds?: number): string {
  switch (r.status) {
    case "exited":
      return r.exitCode === 0 ? "ok" : `exit ${r.exitCode}`;
    case "signaled":
      return `killed by ${r.signal}`;
    case "timedOut":
      return `timed out after ${timeoutSeconds}s`;
    case "notFound":
      return "command not found";
    case "notExecutable":
      return `cannot execute (${r.why})`;
    case "notStarted":
      return "not started";
    case "unresolved":
      return "no credentials";
  }
}
