import { spawn } from "node:child_process";
import { closeSync, lstatSync, openSync, unlinkSync } from "node:fs";
import { join } from "node:path";

// One start at a time: a marker made with O_EXCL in the agent's folder, which the agent
// removes once it has the socket; one older than START_MS is from a start that failed. With
// no folder yet (the agent makes it) every first run may start one: the last to bind wins.
const START_MS = 10_000;

function claimStart(dir: string): boolean {
  const marker = join(dir, "starting");
  const claim = () => closeSync(openSync(marker, "wx", 0o600));
  try {
    claim();
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return true;
    if (code !== "EEXIST") return false;
  }
  try {
    if (Date.now() - lstatSync(marker).mtimeMs < START_MS) return false;
    unlinkSync(marker);
    claim();
    return true;
  } catch {
    return false; // another run took it first
  }
}

// The variables the agent needs, and none of the run's secrets.
const KEEP = [
  ...["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR"],
  ...["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "AWSX_CACHE_DIR"],
  ...["AWSX_AGENT", "AWSX_AGENT_IDLE", "NODE_COMPILE_CACHE", "NODE_DISABLE_COMPILE_CACHE"],
];

// Starts the agent (DIST/agent.cjs) of the agent folder DIR in a session of its own, with no
// core dumps (it holds sessions) and the environment it needs. It serves from the next run on.
export function startAgent(env: NodeJS.ProcessEnv, dir: string, dist: string): void {
  if (!claimStart(dir)) return;
  const agentEnv: Record<string, string> = {};
  for (const k of KEEP) if (env[k] !== undefined) agentEnv[k] = env[k];
  // It starts once this run is over (a warm run's time): its own start would take a core
  // from the run that starts it, on a small machine.
  const script = 'ulimit -c 0 2>/dev/null; sleep 0.3 2>/dev/null; exec "$@"';
  const node = [process.execPath, "--disable-sigusr1", join(dist, "agent.cjs")];
  try {
    const child = spawn("/bin/sh", ["-c", script, "awsx-agent", ...node], {
      detached: true,
      stdio: "ignore",
      cwd: "/",
      env: agentEnv,
    });
    child.on("error", () => {});
    child.unref();
  } catch {
    // no agent this time: the direct path runs
  }
}
