import { visible } from "../../util/printable.js";
import { lineSplitter } from "./lineSplitter.js";
import type { JobResult } from "./jobResult.js";
import type { Sink } from "./sink.js";

import type { OutputMode } from "./outputModes.js";

// In grouped mode a child's stream is kept up to this size; the rest is counted, not kept.
const GROUP_MAX_BYTES = 16 << 20;

export interface OutputIo {
  stdout: Sink;
  stderr: Sink;
  // Colour the prefixes on this stream (a terminal, and NO_COLOR unset).
  color: { stdout: boolean; stderr: boolean };
}

// One child's stream: write returns false when the destination wants the child paused.
export interface JobStream {
  write(chunk: Buffer): boolean;
  end(): void;
  dest: Sink;
}

export interface Output {
  streams(name: string, index: number): { stdout: JobStream; stderr: JobStream };
  done(result: JobResult): void;
}

const COLORS = [36, 33, 35, 32, 34, 31];

// Every line of a child's stream with "name | " before it; a piece of a longer line too.
function prefixed(prefix: string, dest: Sink): JobStream {
  const head = Buffer.from(prefix);
  let ok = true;
  const split = lineSplitter((line) => {
    const tail = line.at(-1) === 10 ? [] : [Buffer.from("\n")];
    ok = dest.write(Buffer.concat([head, line, ...tail])) && ok;
  });
  return {
    dest,
    write(chunk) {
      ok = true;
      split.push(chunk);
      return ok;
    },
    end: () => split.end(),
  };
}

function prefixOf(name: string, index: number, width: number, color: boolean): string {
  const text = visible(name).padEnd(width);
  return color ? `\x1b[${COLORS[index % COLORS.length]}m${text}\x1b[0m | ` : `${text} | `;
}

// A child's stream kept whole (up to GROUP_MAX_BYTES) until it ends.
function kept(dest: Sink) {
  const parts: Buffer[] = [];
  let size = 0;
  let dropped = 0;
  const stream: JobStream = {
    dest,
    write(chunk) {
      const room = Math.max(0, GROUP_MAX_BYTES - size);
      if (room > 0) parts.push(chunk.subarray(0, room));
      size += Math.min(room, chunk.length);
      dropped += Math.max(0, chunk.length - room);
      return true;
    },
    end: () => {},
  };
  return { stream, parts, dropped: () => dropped };
}

// How the children's output reaches awsx's: each line prefixed with the profile, each
// child's output in one piece when it ends, or one JSON line per child (output to stderr).
// The writer of one mode for the profiles `names` (their width aligns the prefixes).
export function createOutput(mode: OutputMode, names: readonly string[], io: OutputIo): Output {
  const width = Math.min(40, Math.max(...names.map((n) => visible(n).length)));
  if (mode === "prefix" || mode === "json") {
    return {
      streams: (name, i) => ({
        stdout:
          mode === "json"
            ? prefixed(prefixOf(name, i, width, io.color.stderr), io.stderr)
            : prefixed(prefixOf(name, i, width, io.color.stdout), io.stdout),
        stderr: prefixed(prefixOf(name, i, width, io.color.stderr), io.stderr),
      }),
      done: (r) => {
        if (mode === "json") io.stdout.write(`${JSON.stringify(jsonLine(r))}\n`);
      },
    };
  }
  const groups = new Map<string, { out: ReturnType<typeof kept>; err: ReturnType<typeof kept> }>();
  return {
    streams: (name) => {
      const g = { out: kept(io.stdout), err: kept(io.stderr) };
      groups.set(name, g);
      return { stdout: g.out.stream, stderr: g.err.stream };
    },
    done: (r) => {
      const g = groups.get(r.profile);
      if (!g) return; // never started: no output
      groups.delete(r.profile);
      io.stdout.write(`==> ${visible(r.profile)} <==\n`);
      for (const [k, dest] of [
        [g.out, io.stdout],
        [g.err, io.stderr],
      ] as const) {
        if (k.parts.length === 0 && k.dropped() === 0) continue;
        if (dest === io.stderr) dest.write(`==> ${visible(r.profile)} (stderr) <==\n`);
        for (const p of k.parts) dest.write(p);
        const last = k.parts.at(-1);
        if (last && last.at(-1) !== 10) dest.write("\n");
        if (k.dropped() > 0)
          dest.write(`awsx: ${k.dropped()} more bytes of ${visible(r.profile)} not kept\n`);
      }
    },
  };
}

// The JSON line of one profile (--output json).
function jsonLine(r: JobResult) {
  return {
    profile: r.profile,
    status: r.status,
    exitCode: r.exitCode ?? null,
    signal: r.signal ?? null,
    durationMs: r.ms,
    stdoutBytes: r.stdoutBytes,
    stderrBytes: r.stderrBytes,
    ...(r.why ? { error: r.why } : {}),
  };
}
