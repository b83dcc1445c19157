import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDir } from "./privateDir.js";

const WEEK_MS = 7 * 24 * 3600 * 1000;

// A name for the user's terminal session, the same for every awsx run in it and different in
// the next one: on Linux the session id, its leader's start time (session ids are reused)
// and the terminal device, from /proc; elsewhere the parent process (the shell), which is
// the best a portable Node program can see.
function terminalSessionKey(): string {
  try {
    const self = statFields(readFileSync("/proc/self/stat", "utf8"));
    const sid = self[3]!;
    const leader = statFields(readFileSync(`/proc/${sid}/stat`, "utf8"));
    return `s${sid}-t${self[4]}-b${leader[19]}`;
  } catch {
    return `p${process.ppid}`;
  }
}

// /proc/PID/stat after the ")" that closes the command name: field 3 (state) is [0].
const statFields = (text: string): string[] =>
  text
    .slice(text.lastIndexOf(")") + 2)
    .trim()
    .split(/\s+/);

// True the first time it is asked for `what` in this terminal session, false after: a
// marker file in <dir> (a private folder) remembers. Markers older than a week are removed.
// Any error reading or writing the folder answers true: a hint said twice beats one lost.
export function firstTimeInSession(dir: string, what: string): boolean {
  try {
    const folder = ensurePrivateDir(dir);
    const marker = join(folder, `${what}-${terminalSessionKey()}`);
    try {
      writeFileSync(marker, "", { flag: "wx", mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e;
    }
    prune(folder);
  } catch {
    // not writable: say it anyway
  }
  return true;
}

function prune(folder: string): void {
  const old = Date.now() - WEEK_MS;
  for (const name of readdirSync(folder)) {
    const p = join(folder, name);
    if (statSync(p).mtimeMs < old) unlinkSync(p);
  }
}
