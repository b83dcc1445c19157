import type { Writable } from "node:stream";

// Where the children's output goes: awsx's stdout or stderr, as far as the output needs.
export interface Sink {
  // false: wait for onDrain before writing more.
  write(chunk: Buffer | string): boolean;
  onDrain(resume: () => void): void;
}

// A stream whose reader may go away (`awsx exec --each ... | head`): after its first error
// (EPIPE) everything written to it is dropped, and the children keep running and are counted,
// instead of awsx crashing or waiting for ever on a drain that cannot come.
export function sinkOf(stream: Writable): Sink {
  let broken = false;
  const waiting = new Set<() => void>();
  stream.on("error", () => {
    broken = true;
    for (const resume of waiting) resume();
    waiting.clear();
  });
  return {
    write: (chunk) => broken || stream.write(chunk),
    onDrain(resume) {
      if (broken) return resume();
      waiting.add(resume);
      stream.once("drain", () => {
        if (waiting.delete(resume)) resume();
      });
    },
  };
}
