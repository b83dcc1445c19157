import { runMany, type RunManyOptions } from "../../exec/each/runMany.js";
import { createOutput } from "../../exec/each/output.js";
import { sinkOf } from "../../exec/each/sink.js";
import { type JobResult, resultText, SOME_FAILED, succeeded } from "../../exec/each/jobResult.js";
import { dieOfSignal } from "../../exec/run.js";
import type { Deps } from "../deps.js";
import { alignedTable } from "../table.js";
import type { OutputMode } from "../../exec/each/outputModes.js";

export interface EachRun {
  argv: string[];
  ready: Array<{ profile: string; env: Record<string, string> }>;
  failed: Array<{ profile: string; why: string }>;
  names: string[];
  jobs: number;
  // What the run reads of exec --each's input (execEach.run.ts's EachInput, which imports this
  // file: naming that type here would tie the two files in a cycle).
  input: { output?: OutputMode; timeout?: number };
  deps: Deps;
  refresh?: RunManyOptions["refresh"];
}

// NO_COLOR set to anything but "" turns colour off (no-color.org).
const colorOn = (tty: boolean | undefined, deps: Deps) => Boolean(tty) && !deps.env.NO_COLOR;

// Waits until what was written to a stream has left awsx (before the exit status is set).
const flushed = (s: NodeJS.WritableStream) =>
  new Promise<void>((r) => (s.writable ? s.write("", () => r()) : r()));

// Runs the command in every resolved profile, then writes the summary table on stderr
// (not with --quiet) and returns 0, SOME_FAILED, or dies of the signal that stopped the run.
export async function runEachJobs(run: EachRun): Promise<number> {
  const { input, deps } = run;
  const output = createOutput(input.output ?? "prefix", run.names, {
    stdout: sinkOf(process.stdout),
    stderr: sinkOf(process.stderr),
    color: { stdout: colorOn(deps.tty?.stdout, deps), stderr: colorOn(deps.tty?.stderr, deps) },
  });
  const jobs = run.ready.map(({ profile, env }) => ({ profile, argv: run.argv, env }));
  const timeoutMs = input.timeout === undefined ? undefined : input.timeout * 1000;
  const notice = (m: string) => deps.logger.info(m);
  const { results, stoppedBy } = await runMany(jobs, {
    jobs: run.jobs,
    timeoutMs,
    output,
    notice,
    ...(run.refresh ? { refresh: run.refresh } : {}),
  });
  const unresolved: JobResult[] = run.failed.map(({ profile, why }) => ({
    profile,
    status: "unresolved",
    ms: 0,
    stdoutBytes: 0,
    stderrBytes: 0,
    why,
  }));
  for (const r of [...results.filter((r) => r.status === "notStarted"), ...unresolved])
    output.done(r);
  const order = new Map(run.names.map((n, i) => [n, i]));
  const all = [...results, ...unresolved].sort(
    (a, b) => order.get(a.profile)! - order.get(b.profile)!,
  );
  if (!deps.quiet) process.stderr.write(summary(all, input.timeout));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  if (stoppedBy) return dieOfSignal(stoppedBy);
  return all.every(succeeded) ? 0 : SOME_FAILED;
}

// The table on stderr after the run: each profile's result and time, then the counts.
export function summary(all: JobResult[], timeoutSeconds?: number): string {
  const rows = all.map((r) => [
    r.profile,
    resultText(r, timeoutSeconds),
    r.status === "unresolved" || r.status === "notStarted" ? "-" : `${(r.ms / 1000).toFixed(1)}s`,
  ]);
  const ok = all.filter(succeeded).length;
  const failed = ok < all.length ? ` (exit ${SOME_FAILED})` : "";
  const counts = `${ok} of ${all.length} succeeded${failed}`;
  return `${alignedTable([["PROFILE", "RESULT", "TIME"], ...rows]).join("\n")}\n${counts}\n`;
}
