// How a test runs the built CLI: one path to it (AWSX_BIN), one runner (runAwsx, on
// runDetached), one check of how it ended (expectExit, expectOneError).
import { spawn } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The built CLI every test that runs awsx runs (npm test builds it first), and the folder
// it was built in (the repository).
export const AWSX_BIN = fileURLToPath(new URL("../../bin/awsx.js", import.meta.url));
export const ROOT = path.dirname(path.dirname(AWSX_BIN));

// A copy of the built CLI in `dir`, away from node_modules: `parts` of the repository (files
// or folders; by default bin/ and dist/ whole). Returns the copy's bin.
export function copyAwsx(dir: string, parts = ["bin", "dist"]): string {
  for (const part of parts) {
    mkdirSync(path.dirname(path.join(dir, part)), { recursive: true });
    cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
  }
  return path.join(dir, "bin", "awsx.js");
}

// A program under __tests__/fixtures.
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

// One word quoted for sh.
export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

// The built CLI with `args` as one sh command line (for ptys and shells).
export const awsxCommand = (...args: string[]): string =>
  [process.execPath, AWSX_BIN, ...args].map(shq).join(" ");

export interface AwsxRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

// Runs a program in its own session (detached: no controlling terminal), stdin /dev/null
// (or `input`), in `cwd` (by default jest's, the repository), killing its whole process
// group if it outlives timeoutMs.
export function runDetached(
  file: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
  input?: string,
  cwd?: string,
): Promise<AwsxRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, args, {
      env,
      cwd,
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

// The built CLI (or a copy of it at `bin`), run as runDetached runs a program.
export const runAwsx = (
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
  bin = AWSX_BIN,
  input?: string,
): Promise<AwsxRun> => runDetached(process.execPath, [bin, ...args], env, timeoutMs, input);

// Exit status `code`, no signal. On a wrong status the diff shows awsx's stderr.
export function expectExit(r: AwsxRun, code: number): void {
  const ok = r.code === code && r.signal === null;
  expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({
    code,
    signal: null,
    stderr: ok ? expect.any(String) : "",
  });
}

// A failure as awsx must show it: exit `code`, nothing on stdout, exactly one stderr line
// `awsx: ...` (ending in a newline) containing every needle, no stack trace. Returns the line.
export function expectOneError(
  r: AwsxRun,
  code: number,
  ...needles: Array<string | RegExp>
): string {
  expectExit(r, code);
  expect(r.stdout).toBe("");
  const lines = r.stderr.split("\n");
  expect(lines.at(-1)).toBe("");
  expect(lines.slice(0, -1)).toEqual([expect.stringMatching(/^awsx: \S/)]);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  for (const n of needles) expect(lines[0]).toMatch(n);
  return lines[0]!;
}
