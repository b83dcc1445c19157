"use strict";
// The client of awsx's agent (docs/agent.md), run by bin/awsx.js for `awsx exec` before the
// big bundle is loaded: it asks the user's agent for the child, and on an answer replaces
// itself with it (process.execve). Anything else (no agent, a cold cache, a prompt due, an
// error, no answer within CLIENT_MS) resolves false and awsx runs its direct path as
// without an agent. It speaks src/cli/agentProtocol.ts (version AGENT_PROTOCOL) and must stay
// small: it is what a warm run costs.
const fs = require("node:fs");
const path = require("node:path");

const AGENT_PROTOCOL = 1;
// Connect and answer, in all: a warm answer takes a few milliseconds; a stopped or frozen
// agent costs this once per run, and the direct path follows.
const CLIENT_MS = 1000;
// sun_path: 108 bytes on Linux, 104 elsewhere, the NUL included.
const SUN_PATH_MAX = process.platform === "linux" ? 107 : 103;

// AWSX_AGENT as src/cli/settings.ts reads it (agentWanted); a value it refuses is left to
// the direct path, which says so.
function wanted(env) {
  const raw = (env.AWSX_AGENT || "").toLowerCase();
  if (raw === "") return !["1", "true"].includes((env.CI || "").toLowerCase());
  return raw === "1" || raw === "true";
}

// The agent's folder and every folder above it, checked as src/platform/privateDir.ts does,
// the agent's own folder 0700 and ours: only we (and root) can have made its socket.
// "missing": not there yet; "unsafe": never used.
function folderState(dir, uid) {
  const chain = [];
  for (let d = dir; ; d = path.dirname(d)) {
    chain.unshift(d);
    if (d === path.dirname(d)) break;
  }
  for (const d of chain) {
    let st;
    try {
      st = fs.lstatSync(d);
    } catch (e) {
      return e.code === "ENOENT" ? "missing" : "unsafe";
    }
    if (!st.isDirectory()) return "unsafe";
    if (d === dir) return st.uid === uid && (st.mode & 0o077) === 0 ? "ok" : "unsafe";
    if (st.uid !== uid && st.uid !== 0) return "unsafe";
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return "unsafe";
  }
  return "unsafe";
}

// This awsx's build, as the agent computes it (src/cli/agent/serveAgent.ts buildId).
function buildId() {
  const st = fs.statSync(path.join(__dirname, "..", "dist", "awsx.cjs"));
  return `${st.ino}:${st.size}:${Math.trunc(st.mtimeMs)}`;
}

// One start at a time: a marker made with O_EXCL in the agent's folder, which the agent
// removes once it has the socket; one older than START_MS is from a start that failed. With
// no folder yet (the agent makes it) every first run may start one: the last to bind wins.
const START_MS = 10_000;
function claimStart(dir) {
  const marker = path.join(dir, "starting");
  const claim = () => fs.closeSync(fs.openSync(marker, "wx", 0o600));
  try {
    claim();
    return true;
  } catch (e) {
    if (e.code === "ENOENT") return true;
    if (e.code !== "EEXIST") return false;
  }
  try {
    if (Date.now() - fs.lstatSync(marker).mtimeMs < START_MS) return false;
    fs.unlinkSync(marker);
    claim();
    return true;
  } catch {
    return false; // another run took it first
  }
}

// Starts an agent in a session of its own, with no core dumps (it holds sessions), the
// environment it needs and none of the run's secrets. It serves from the next run on.
function startAgent(env, dir) {
  if (!claimStart(dir)) return;
  const keep = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR"];
  keep.push("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "AWSX_CACHE_DIR");
  keep.push("AWSX_AGENT", "AWSX_AGENT_IDLE", "NODE_COMPILE_CACHE", "NODE_DISABLE_COMPILE_CACHE");
  const agentEnv = {};
  for (const k of keep) if (env[k] !== undefined) agentEnv[k] = env[k];
  // It starts once this run is over (a warm run's time): its own start would take a core
  // from the run that starts it, on a small machine.
  const script = 'ulimit -c 0 2>/dev/null; sleep 0.3 2>/dev/null; exec "$@"';
  const agent = path.join(__dirname, "..", "dist", "agent.cjs");
  const node = [process.execPath, "--disable-sigusr1", agent];
  try {
    const child = require("node:child_process").spawn(
      "/bin/sh",
      ["-c", script, "awsx-agent", ...node],
      { detached: true, stdio: "ignore", cwd: "/", env: agentEnv },
    );
    child.on("error", () => {});
    child.unref();
  } catch {
    // no agent this time: the direct path runs
  }
}

// The program the child's PATH finds for `name` (as execvp would), if it is one execve can
// start: a regular executable file beginning with #! or an ELF header. Otherwise undefined,
// and the direct path says "command not found" (127) or "cannot execute" (126) as usual.
function programOf(name, env) {
  const dirs = name.includes("/") ? [""] : env.PATH === undefined ? [] : env.PATH.split(":");
  for (const dir of dirs) {
    const file = dir === "" && !name.includes("/") ? path.resolve(name) : path.resolve(dir, name);
    try {
      if (!fs.statSync(file).isFile()) continue;
      fs.accessSync(file, fs.constants.X_OK);
      const head = Buffer.alloc(4);
      const fd = fs.openSync(file, "r");
      const n = fs.readSync(fd, head, 0, 4, 0);
      fs.closeSync(fd);
      const magic = head.subarray(0, n).toString("latin1");
      if (magic.startsWith("#!") || magic === "\x7fELF") return file;
    } catch {
      // not this one
    }
    if (name.includes("/")) return undefined;
  }
  return undefined;
}

// Signals Node ignores (SIGPIPE, SIGXFSZ) and any the parent ignored stay ignored across
// execve; a spawned child (the direct path) starts with every signal at its default. A
// listener makes each one caught, which execve resets to the default.
function defaultSignals() {
  let ignored = 0n;
  try {
    const m = /^SigIgn:\s*([0-9a-f]+)$/m.exec(fs.readFileSync("/proc/self/status", "latin1"));
    if (m) ignored = BigInt(`0x${m[1]}`);
  } catch {
    // not Linux: the two Node ignores
  }
  const names = new Set(["SIGPIPE", "SIGXFSZ"]);
  // Node's own two (13 and 25 on Linux) need no table of signal numbers; any other does.
  if (ignored & ~((1n << 12n) | (1n << 24n))) {
    const { signals } = require("node:os").constants;
    for (const [name, n] of Object.entries(signals))
      if (n < 64 && (ignored >> BigInt(n - 1)) & 1n) names.add(name);
  }
  for (const name of names) {
    try {
      process.on(name, () => {});
    } catch {
      // one Node does not let a script catch
    }
  }
}

// Which of stdin, stdout and stderr is a terminal. node:tty is loaded only when one of them is
// a character device at all (a terminal, or /dev/null): scripts and pipes do without it.
function terminals() {
  const chr = [0, 1, 2].map((fd) => {
    try {
      return fs.fstatSync(fd).isCharacterDevice();
    } catch {
      return false;
    }
  });
  const isatty = chr.some(Boolean) ? require("node:tty").isatty : () => false;
  const [stdin, stdout, stderr] = chr.map((c, fd) => c && isatty(fd));
  return { stdin, stdout, stderr };
}

// The agent's answer carried out: stderr lines first, then the child in this process.
function replace(answer) {
  const file = programOf(answer.argv[0], answer.env);
  if (!file) return false;
  if (answer.stderr) fs.writeSync(2, answer.stderr);
  defaultSignals();
  process.execve(file, answer.argv, answer.env);
  return false; // not reached: a failed execve aborts the process
}

// Ask the agent of the cache folder `root`; resolves false when the direct path must run.
exports.viaAgent = function viaAgent(root) {
  const env = process.env;
  if (typeof process.execve !== "function" || typeof process.getuid !== "function") return false;
  if (!wanted(env)) return false;
  const dir = path.join(root, "agent");
  const sock = path.join(dir, "agent.sock");
  if (Buffer.byteLength(sock) > SUN_PATH_MAX) return false;
  const folder = folderState(dir, process.getuid());
  if (folder !== "ok") {
    if (folder === "missing") startAgent(env, dir);
    return false;
  }
  try {
    const st = fs.lstatSync(sock);
    if (!st.isSocket() || st.uid !== process.getuid()) return false;
  } catch {
    startAgent(env, dir);
    return false;
  }
  let build;
  try {
    build = buildId();
  } catch {
    return false; // no dist/awsx.cjs: the direct path says so
  }
  const request = {
    v: AGENT_PROTOCOL,
    op: "exec",
    build,
    argv: process.argv.slice(2),
    env,
    cwd: process.cwd(),
    pid: process.pid,
    tty: terminals(),
  };
  return new Promise((resolve) => {
    const socket = require("node:net").connect({ path: sock });
    let text = "";
    let settled = false;
    const done = (answer, error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error === "ECONNREFUSED" || error === "ENOENT") startAgent(env, dir); // a dead agent's
      if (answer && answer.v === AGENT_PROTOCOL && answer.kind === "exec") {
        return resolve(replace(answer));
      }
      if (answer && answer.kind === "direct" && answer.why === "another awsx") {
        startAgent(env, dir);
      }
      resolve(false);
    };
    const timer = setTimeout(() => done(undefined), CLIENT_MS);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (d) => {
      text += d;
      const end = text.indexOf("\n");
      if (end < 0) return;
      let answer;
      try {
        answer = JSON.parse(text.slice(0, end));
      } catch {
        answer = undefined;
      }
      done(answer);
    });
    socket.on("error", (e) => done(undefined, e.code));
    socket.on("close", () => done(undefined));
  });
};
