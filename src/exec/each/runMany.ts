import { spawn, type ChildProcess } from "node:child_process";
import { FORWARDED_SIGNALS } from "../run.js";
import type { JobResult } from "./jobResult.js";
import type { JobStream, Output } from "./output.js";

// One child to run: a profile's name, the command and the environment with its credentials.
export interface Job {
  profile: string;
  argv: readonly string[];
  env: Record<string, string>;
}

export interface RunManyOptions {
  // At most this many children at once.
  jobs: number;
  // Kill a child (SIGTERM to its process group, SIGKILL 5 s later) after this long.
  timeoutMs?: number;
  output: Output;
  // Called just before a child starts: its environment, fresh (a run of many profiles can
  // outlast the sessions resolved at its start), or why it has none.
  refresh?: (job: Job) => Promise<Record<string, string> | { why: string }>;
  // Told when a signal stops the run (one line for the person watching).
  notice?: (message: string) => void;
}

const NOT_RUN = { ms: 0, stdoutBytes: 0, stderrBytes: 0 } as const;

// A timed-out or twice-signalled child's group gets SIGKILL after this grace.
const KILL_GRACE_MS = 5_000;

// Each child leads a process group of its own (so a signal or a timeout reaches what it
// started too, and ^C on the terminal reaches awsx alone, which passes it on once).
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone
  }
}

// Copies a child's stream to its writer, pausing the child while the destination is full.
function pump(from: NodeJS.ReadableStream, to: JobStream, count: (n: number) => void): void {
  from.on("data", (chunk: Buffer) => {
    count(chunk.length);
    if (!to.write(chunk)) {
      from.pause();
      to.dest.onDrain(() => from.resume());
    }
  });
  from.on("end", () => to.end());
}

// Runs every job, `jobs` at a time, and reports how each ended. SIGINT, SIGTERM and the
// other signals that would end awsx start no new job and reach every running child's group;
// a second SIGINT or SIGTERM kills them (SIGKILL). `stoppedBy`: the first such signal.
export async function runMany(
  jobs: readonly Job[],
  opts: RunManyOptions,
): Promise<{ results: JobResult[]; stoppedBy?: NodeJS.Signals }> {
  const results: JobResult[] = new Array(jobs.length);
  const running = new Map<number, ChildProcess>();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const again = stoppedBy !== undefined && (signal === "SIGINT" || signal === "SIGTERM");
    if (stoppedBy === undefined)
      opts.notice?.(
        `${signal}: starting no more commands; passed on to the ${running.size} running ` +
          "(send SIGINT or SIGTERM again to kill them)",
      );
    else if (again) opts.notice?.(`${signal} again: killing the ${running.size} running (SIGKILL)`);
    stoppedBy ??= signal;
    for (const child of running.values()) killGroup(child, again ? "SIGKILL" : signal);
  };
  const signals = ["SIGINT", ...FORWARDED_SIGNALS] as NodeJS.Signals[];
  for (const s of signals) process.on(s, onSignal);
  // Should awsx end some other way while children run, none outlives it.
  const onExit = () => {
    for (const child of running.values()) killGroup(child, "SIGKILL");
  };
  process.on("exit", onExit);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && stoppedBy === undefined) {
      const i = next++;
      const job = jobs[i]!;
      const env = opts.refresh ? await opts.refresh(job) : job.env;
      if ("why" in env) {
        results[i] = { ...NOT_RUN, profile: job.profile, status: "unresolved", why: env.why };
        opts.output.done(results[i]!);
        continue;
      }
      if (stoppedBy !== undefined) break;
      results[i] = await runOne({ ...job, env }, i, opts, (c) =>
        c ? running.set(i, c) : running.delete(i),
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.jobs, jobs.length) }, worker));
  } finally {
    for (const s of signals) process.off(s, onSignal);
    process.off("exit", onExit);
  }
  for (const [i, job] of jobs.entries())
    results[i] ??= { ...NOT_RUN, profile: job.profile, status: "notStarted" };
  return { results, stoppedBy };
}

// One child, from spawn to its streams' end.
function runOne(
  job: Job,
  index: number,
  opts: RunManyOptions,
  track: (child: ChildProcess | undefined) => void,
): Promise<JobResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const r: JobResult = {
      profile: job.profile,
      status: "exited",
      ms: 0,
      stdoutBytes: 0,
      stderrBytes: 0,
    };
    const [file, ...args] = job.argv;
    let child: ChildProcess;
    try {
      child = spawn(file ?? "", args, {
        env: job.env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
        shell: false,
      });
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      return finish({ ...r, status: "notExecutable", why });
    }
    track(child);
    const streams = opts.output.streams(job.profile, index);
    pump(child.stdout!, streams.stdout, (n) => (r.stdoutBytes += n));
    pump(child.stderr!, streams.stderr, (n) => (r.stderrBytes += n));
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup(child, "SIGTERM");
            killer = setTimeout(() => killGroup(child, "SIGKILL"), KILL_GRACE_MS);
          }, opts.timeoutMs);
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") r.status = "notFound";
      else {
        r.status = "notExecutable";
        r.why = e.code ?? e.message;
      }
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      track(undefined);
      if (r.status === "exited") {
        if (timedOut) Object.assign(r, { status: "timedOut", signal: signal ?? undefined });
        else if (signal) Object.assign(r, { status: "signaled", signal });
        else r.exitCode = code ?? 1;
      }
      finish(r);
    });
    function finish(result: JobResult) {
      result.ms = Math.round(performance.now() - t0);
      opts.output.done(result);
      resolve(result);
    }
  });
}
