// Decides whether an integration test file can run on this machine.
// Missing tool: skip with a visible "SKIP: ..." on stderr; with CI=true: throw, never skip.
import { accessSync, constants, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";

// A tool a test file needs: a command name looked up on PATH, or a named custom probe.
export type Requirement =
  | string
  | { name: string; probe: () => boolean | Promise<boolean>; hint?: string };

// True when running in CI, where a missing tool is a failure, not a skip.
const inCI = (): boolean => process.env.CI === "true";

// True when `cmd` is an executable file in one of the PATH directories (or an executable path).
export function hasCommand(cmd: string): boolean {
  const isExe = (file: string): boolean => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (cmd.includes("/")) return isExe(cmd);
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  return dirs.some((dir) => isExe(path.join(dir, cmd)));
}

// True when `cmd args...` actually runs and exits 0 within `timeoutMs` (catches broken shims).
export function commandRuns(
  cmd: string,
  args: string[] = ["--version"],
  timeoutMs = 15_000,
): boolean {
  const r = spawnSync(cmd, args, { stdio: "ignore", timeout: timeoutMs });
  return r.error === undefined && r.status === 0;
}

// Probes one tool: true if present; if missing prints "SKIP: <why>" (false) or, in CI, throws.
export async function requireTool(
  name: string,
  probe: () => boolean | Promise<boolean>,
  hint?: string,
): Promise<boolean> {
  let ok: boolean;
  let why = `${name} is not available`;
  try {
    ok = await probe();
  } catch (err) {
    ok = false;
    why += ` (probe threw: ${err instanceof Error ? err.message : String(err)})`;
  }
  if (ok) return true;
  if (hint) why += `: ${hint}`;
  if (inCI()) throw new Error(`CI=true but required tool missing: ${why}`);
  process.stderr.write(`SKIP: ${why}\n`);
  return false;
}

// Probes all requirements; returns true only if every one is available (reports each missing one).
export async function checkAll(...reqs: Requirement[]): Promise<boolean> {
  let all = true;
  for (const req of reqs) {
    const r =
      typeof req === "string"
        ? { name: req, probe: () => hasCommand(req), hint: "not found on PATH" }
        : req;
    if (!(await requireTool(r.name, r.probe, r.hint))) all = false;
  }
  return all;
}

// `export const describeIf = await needs("moto_server", "aws")`: describe, or
// describe.skip when missing.
export async function needs(...reqs: Requirement[]): Promise<jest.Describe> {
  return (await checkAll(...reqs)) ? describe : describe.skip;
}

// Like needs() but returns `test` or `test.skip`, for gating single tests.
export async function needsForTest(...reqs: Requirement[]): Promise<jest.It> {
  return (await checkAll(...reqs)) ? test : test.skip;
}
