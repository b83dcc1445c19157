import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// The built CLI the integration and fault tests run.
export const AWSX_BIN = fileURLToPath(new URL("../../bin/awsx.js", import.meta.url));

export interface AwsxRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

// Runs a program in its own session (detached: no controlling terminal), stdin /dev/null
// (or `input`), killing its whole process group if it outlives timeoutMs.
export function runDetached(
  file: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
  input?: string,
): Promise<AwsxRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, args, {
      env,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, stdout, stderr, ms: Math.round(performance.now() - t0) });
    });
    if (child.stdin) {
      child.stdin.on("error", () => {}); // EPIPE if it exits without reading
      child.stdin.end(input);
    }
  });
}

// The built CLI, run as runDetached runs a program.
export const runAwsx = (
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
  bin = AWSX_BIN,
): Promise<AwsxRun> => runDetached(process.execPath, [bin, ...args], env, timeoutMs);
