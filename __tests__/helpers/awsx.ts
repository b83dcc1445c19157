import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// The built CLI the integration and fault tests run.
export const AWSX_BIN = fileURLToPath(new URL("../../bin/awsx.js", import.meta.url));

export interface AwsxRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

// Runs the built CLI in its own session (detached: no controlling terminal), stdin
// /dev/null, killing its whole process group if it outlives timeoutMs.
export function runAwsx(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<AwsxRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [AWSX_BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - t0) });
    });
  });
}
