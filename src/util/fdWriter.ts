import { writeSync } from "node:fs";

// awsx's stderr (or stdout) written to the fd itself rather than through Node's stream:
// making process.stderr sets a pipe O_NONBLOCK, for the command that shares it too, and
// `awsx exec` then cannot hand over with execve (src/exec/replaceProcess.ts), so a warning
// or --debug would change how the command runs. An fd that refuses for now (EAGAIN: made
// non-blocking by someone else) gets this and every later line through the stream, which
// waits for the reader, in order. A reader gone (EPIPE) or a closed fd loses the line.
export function fdWriter(fd: 1 | 2, stream: () => NodeJS.WritableStream): (text: string) => void {
  let viaStream = false;
  return (text) => {
    let rest = Buffer.from(text);
    while (!viaStream && rest.length > 0) {
      try {
        rest = rest.subarray(writeSync(fd, rest));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") return;
        viaStream = true;
      }
    }
    if (rest.length > 0) stream().write(rest);
  };
}
