// python3 for the differential tests, which compare an awsx function with the code the AWS
// CLI runs (botocore, configparser, int()): one python process answers a whole batch.
import { spawnSync } from "node:child_process";
import { needs } from "./requirements.js";

// Runs `script` with `input` as JSON on stdin and returns the JSON it writes to stdout.
// UTF-8 is pinned (PYTHONUTF8, PYTHONIOENCODING) so the run does not depend on the locale.
export function pythonJson<T>(script: string, input: unknown, env: Record<string, string> = {}): T {
  const r = spawnSync("python3", ["-c", script], {
    input: JSON.stringify(input),
    encoding: "utf-8",
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYTHONUTF8: "1", PYTHONIOENCODING: "utf-8", ...env },
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

// A probe for requirements.ts: python3 runs `import <modules>` (or just runs, for "").
export const pythonImports = (modules: string) => () =>
  spawnSync("python3", ["-c", modules ? `import ${modules}` : "pass"], {
    stdio: "ignore",
    timeout: 15_000,
  }).status === 0;

// `describe` when python3 can import `modules`, else describe.skip with a SKIP notice (a
// failure with CI=true).
export const describeWithPython = (modules: string, name: string, hint: string) =>
  needs({ name, probe: pythonImports(modules), hint });
