// A command on a real pseudo-terminal (util-linux `script`), typed into like a person would.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface PtyRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  terminal: string;
}

// Runs `command` on a fresh pty via `script -qec`, types `input` once the shell has
// printed something (its prompt), and returns everything the terminal showed.
export function onPty(
  command: string,
  env: Record<string, string>,
  input: string,
  timeoutMs = 20_000,
): Promise<PtyRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      env,
      cwd: ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let terminal = "";
    let typed = false;
    const type = () => {
      if (typed) return;
      typed = true;
      child.stdin.write(input);
    };
    // A command that ends before the input is typed (it needed none) closes the pty: the
    // write then fails with EPIPE, which is no failure of the command's.
    child.stdin.on("error", () => {});
    const onData = (b: Buffer) => {
      terminal += b.toString("utf8");
      setTimeout(type, 100); // the first output is the prompt: the shell is reading
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const fallback = setTimeout(type, 5_000); // a shell with an empty prompt
    const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(fallback);
      clearTimeout(killer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      typed = true; // nothing is typed into a closed pty
      clearTimeout(fallback);
      clearTimeout(killer);
      child.stdin.destroy();
      resolve({ code, signal, terminal });
    });
  });
}

// One exchange of a conversation on the terminal: once `after` has been shown (counting
// from the end of the previous exchange; "" at once), type `type`.
export interface PtyStep {
  after: string | RegExp;
  type: string;
}

const shown = (text: string, after: string | RegExp): boolean =>
  typeof after === "string" ? text.includes(after) : after.test(text);

// Runs `command` on a fresh pty and answers its questions in order, as a person would: each
// answer is typed only once its question has appeared. A step whose text never shows stops
// the run at timeoutMs (the child is killed): the caller then sees what the terminal showed.
export function onPtySteps(
  command: string,
  env: Record<string, string>,
  steps: ReadonlyArray<PtyStep>,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<PtyRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      env,
      cwd: options.cwd ?? ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let terminal = "";
    let since = 0;
    let next = 0;
    // An answer typed as the command ends meets a closed pty (EPIPE): what the terminal
    // showed, and the exit status, are the test's to judge.
    child.stdin.on("error", () => {});
    const advance = () => {
      while (next < steps.length && shown(terminal.slice(since), steps[next]!.after)) {
        since = terminal.length;
        child.stdin.write(steps[next]!.type);
        next++;
      }
    };
    const onData = (b: Buffer) => {
      terminal += b.toString("utf8");
      advance();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const killer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.on("error", (e) => {
      clearTimeout(killer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      child.stdin.destroy();
      resolve({ code, signal, terminal });
    });
    advance();
  });
}
