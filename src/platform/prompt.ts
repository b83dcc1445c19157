import { openSync, closeSync } from "node:fs";
import tty from "node:tty";
import { visible } from "../util/printable.js";
import { PromptError } from "./promptError.js";

export class NoTerminalError extends Error {}

// Ask on the controlling terminal, not stdin/stdout: it works while stdout is piped
// or captured (credential_process). Input is not echoed.
export async function promptHidden(question: string): Promise<string> {
  let fd: number;
  try {
    fd = openSync("/dev/tty", "r+");
  } catch (e) {
    throw new NoTerminalError(
      `there is no terminal to ask on (${(e as NodeJS.ErrnoException).code ?? "no /dev/tty"})`,
    );
  }
  const input = new tty.ReadStream(fd);
  const output = new tty.WriteStream(fd);
  try {
    input.setRawMode(true);
    output.write(visible(question));
    return await new Promise<string>((resolve, reject) => {
      let answer = "";
      input.on("data", (chunk: Buffer) => {
        for (const ch of chunk.toString("utf8")) {
          if (ch === "\r" || ch === "\n") {
            output.write("\n");
            resolve(answer);
            return;
          }
          // Raw mode turns Ctrl-C into a character: it means "stop", as SIGINT would.
          if (ch === "\u0003") {
            output.write("\n");
            reject(new PromptError("interrupted at the prompt", { interrupted: true }));
            return;
          }
          if (ch === "\u0004") {
            output.write("\n");
            reject(new NoTerminalError("the prompt was closed (Ctrl-D)"));
            return;
          }
          if (ch === "\u007f" || ch === "\b") answer = answer.slice(0, -1);
          else answer += ch;
        }
      });
      input.on("error", (e) => reject(new NoTerminalError(e.message)));
    });
  } finally {
    try {
      input.setRawMode(false);
    } catch {
      // the terminal may be gone already
    }
    input.destroy();
    output.destroy();
    try {
      closeSync(fd);
    } catch {
      // closed by destroy()
    }
  }
}
