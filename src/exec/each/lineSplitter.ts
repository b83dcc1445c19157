// A line longer than this is passed on in pieces of at most this many bytes: a child that
// writes megabytes without a newline must not make awsx hold them.
export const MAX_LINE_BYTES = 64 * 1024;

// Where a cut at `n` would not split a UTF-8 character (at most 3 bytes earlier).
function boundary(buf: Buffer, n: number): number {
  let i = n;
  while (i > n - 3 && i > 0 && (buf[i]! & 0xc0) === 0x80) i--;
  return i > 0 ? i : n;
}

// A byte stream cut into lines (each with its "\n", but a piece of an over-long line and
// the unterminated last line), handed to `emit` as they complete. It holds at most
// `max` bytes between calls, whatever the input.
export function lineSplitter(emit: (line: Buffer) => void, max = MAX_LINE_BYTES) {
  let held: Buffer[] = [];
  let heldBytes = 0;
  const out = (piece: Buffer) => {
    emit(held.length ? Buffer.concat([...held, piece]) : piece);
    held = [];
    heldBytes = 0;
  };
  return {
    push(chunk: Buffer): void {
      let rest = chunk;
      while (rest.length > 0) {
        const room = max - heldBytes;
        const nl = rest.indexOf(10);
        if (nl >= 0 && nl < room) {
          out(rest.subarray(0, nl + 1));
          rest = rest.subarray(nl + 1);
        } else if (nl < 0 && rest.length < room) {
          held.push(rest);
          heldBytes += rest.length;
          return;
        } else {
          const cut = boundary(rest, room);
          out(rest.subarray(0, cut));
          rest = rest.subarray(cut);
        }
      }
    },
    end(): void {
      if (heldBytes > 0) out(Buffer.alloc(0));
    },
  };
}
