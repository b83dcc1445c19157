// A private X display (Xvfb) for tests of desktop dialogs, and xdotool to act on them as a
// user would: find the window, focus it, type, press a key.
import { type ChildProcess, spawn } from "node:child_process";

// A running Xvfb: DISPLAY's value, and stop() (kills the server by its PID).
export interface Xvfb {
  display: string;
  pid: number;
  stop(): Promise<void>;
}

// Starts Xvfb on a display number it picks itself (-displayfd: no clash with another test
// run or another user's server), listening on no TCP port.
export function startXvfb(timeoutMs = 15_000): Promise<Xvfb> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "Xvfb",
      ["-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "800x600x24"],
      {
        stdio: ["ignore", "ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`Xvfb did not report its display within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (b: Buffer) => {
      out += b.toString();
      if (!out.includes("\n")) return;
      clearTimeout(timer);
      resolve({ display: `:${out.trim()}`, pid: child.pid!, stop: () => stopChild(child) });
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}) before reporting its display: ${err}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    process.kill(child.pid!, "SIGTERM");
  });
}

// Runs xdotool on the display; its stdout, or an error with its stderr past timeoutMs.
function xdotool(display: string, args: string[], timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("xdotool", args, {
      env: { ...process.env, DISPLAY: display },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`xdotool ${args[0]} failed (${code ?? signal}): ${err}`));
    });
  });
}

// Waits for a window whose name is exactly `name`, focuses it (there is no window manager
// to do it), and returns its id.
export async function focusWindow(display: string, name: string, timeoutMs = 20_000) {
  const ids = await xdotool(
    display,
    ["search", "--sync", "--onlyvisible", "--name", `^${name}$`],
    timeoutMs,
  );
  const id = ids.trim().split("\n")[0]!;
  await xdotool(display, ["windowfocus", "--sync", id]);
  return id;
}

// Types text into the focused window, then presses a key (Return, Escape).
export async function typeThenPress(display: string, text: string, key: string): Promise<void> {
  if (text) await xdotool(display, ["type", "--delay", "30", text]);
  await xdotool(display, ["key", key]);
}
