// dist/agent-client.cjs: the agent's client (docs/agent.md), required by bin/awsx.js for
// `awsx exec` before the big bundle is loaded. It asks the user's agent for the child and, on
// an answer, becomes it through replaceProcess: the direct path's own execve, with the same
// checks and the same reset of signals and stdio. Anything else (no agent, a cold cache, a
// prompt due, an error, no answer within CLIENT_MS, a command replaceProcess leaves to spawn)
// resolves false and bin/awsx.js runs the direct path. It must stay small: it is what a warm
// run costs (scripts/build.mjs loads node:net, node:tty and node:child_process at first use).
import { fstatSync, lstatSync, writeSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { isatty } from "node:tty";
import { fileURLToPath } from "node:url";
import { replaceProcess } from "../../exec/replaceProcess.js";
import { existingPrivateDir } from "../../platform/privateDir.js";
import {
  AGENT_PROTOCOL,
  type AgentRequest,
  agentDirOf,
  agentSetting,
  buildId,
  fitsSunPath,
  socketPathOf,
} from "../agentProtocol.js";
import { startAgent } from "./startAgent.js";

// Connect and answer, in all: a warm answer takes a few milliseconds; a stopped or frozen
// agent costs this once per run, and the direct path follows.
const CLIENT_MS = 1000;

// dist/, where this bundle, awsx.cjs and agent.cjs are.
const distDir = (): string => {
  const here = import.meta.url;
  return dirname(here.startsWith("file:") ? fileURLToPath(here) : here);
};

// Ask the agent of the cache folder ROOT; resolves false when the direct path must run.
// bin/awsx.js calls it through the build (dist/agent-client.cjs), where knip cannot follow;
// BEFORE_EXECVE is its own, run once the execve is sure (it writes this bundle's code cache).
/** @public */
export function viaAgent(root: string, beforeExecve?: () => void): false | Promise<boolean> {
  const env = process.env;
  if (typeof process.execve !== "function" || typeof process.getuid !== "function") return false;
  // Linux only: the agent answers from what it holds only while the keychain says the item is
  // there and unlocked, which it can ask the Secret Service without reading the item
  // (src/platform/keychainItemState.ts). Elsewhere the direct path runs.
  if (process.platform !== "linux") return false;
  if (agentSetting(env) !== true) return false;
  const dir = agentDirOf(root);
  const sock = socketPathOf(root);
  if (!fitsSunPath(sock)) return false;
  const dist = distDir();
  const folder = folderState(dir);
  if (folder !== "ok") {
    if (folder === "missing") startAgent(env, dir, dist);
    return false;
  }
  try {
    const st = lstatSync(sock);
    if (!st.isSocket() || st.uid !== process.getuid()) return false;
  } catch {
    startAgent(env, dir, dist);
    return false;
  }
  let build: string;
  try {
    build = buildId(join(dist, "awsx.cjs"));
  } catch {
    return false; // no dist/awsx.cjs: the direct path says so
  }
  const request: AgentRequest = {
    v: AGENT_PROTOCOL,
    op: "exec",
    build,
    argv: process.argv.slice(2),
    env: env as Record<string, string>,
    cwd: process.cwd(),
    pid: process.pid,
    tty: terminals(),
  };
  return new Promise((resolve) => {
    ask(sock, request, (answer, error) => {
      // No agent behind the socket (a dead one's), or one of another build that now exits.
      if (error === "ECONNREFUSED" || error === "ENOENT") startAgent(env, dir, dist);
      const exec = execAnswer(answer);
      if (exec) replace(exec, beforeExecve);
      else if (isRecord(answer) && answer.kind === "direct" && answer.why === "another awsx")
        startAgent(env, dir, dist);
      resolve(false);
    });
  });
}

// The agent's folder as src/platform/privateDir.ts checks a private folder (it and every
// folder above it), and 0700: only we (and root) can have made its socket. "missing": not
// there yet; "unsafe": never used.
function folderState(dir: string): "ok" | "missing" | "unsafe" {
  try {
    if (!existingPrivateDir(dir)) return "missing";
    return (lstatSync(dir).mode & 0o077) === 0 ? "ok" : "unsafe";
  } catch {
    return "unsafe";
  }
}

// Which of stdin, stdout and stderr is a terminal. node:tty is loaded only when one of them is
// a character device at all (a terminal, or /dev/null): scripts and pipes do without it.
function terminals(): { stdin: boolean; stdout: boolean; stderr: boolean } {
  const chr = [0, 1, 2].map((fd) => {
    try {
      return fstatSync(fd).isCharacterDevice();
    } catch {
      return false;
    }
  });
  const [stdin, stdout, stderr] = chr.map((c, fd) => c && isatty(fd));
  return { stdin: Boolean(stdin), stdout: Boolean(stdout), stderr: Boolean(stderr) };
}

// One request line to the agent; ANSWERED gets its answer line, parsed (undefined: none, or
// not JSON), at once: an execve there leaves the socket to close with this process (libuv
// opens it close-on-exec) and skips the stream's teardown, a warm run's time.
function ask(
  sock: string,
  request: AgentRequest,
  answered: (answer: unknown, error?: string) => void,
): void {
  const socket = connect({ path: sock });
  let text = "";
  let settled = false;
  const done = (answer?: unknown, error?: string) => {
    if (settled) return;
    settled = true;
    answered(answer, error);
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(() => done(), CLIENT_MS);
  socket.setEncoding("utf8");
  socket.on("connect", () => socket.write(`${JSON.stringify(request)}\n`));
  socket.on("data", (d: string) => {
    text += d;
    const end = text.indexOf("\n");
    if (end < 0) return;
    let answer: unknown;
    try {
      answer = JSON.parse(text.slice(0, end));
    } catch {
      answer = undefined;
    }
    done(answer);
  });
  socket.on("error", (e: NodeJS.ErrnoException) => done(undefined, e.code));
  socket.on("close", () => done());
}

interface ExecAnswer {
  argv: [string, ...string[]];
  env: Record<string, string>;
  stderr: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === "string");

// The agent's "exec" answer, checked: a command line, an environment of strings, stderr.
function execAnswer(a: unknown): ExecAnswer | undefined {
  if (!isRecord(a) || a.v !== AGENT_PROTOCOL || a.kind !== "exec") return undefined;
  const { argv, env, stderr } = a;
  if (!strings(argv) || argv.length === 0 || !isRecord(env) || !strings(Object.values(env)))
    return undefined;
  if (typeof stderr !== "string") return undefined;
  return { argv: argv as ExecAnswer["argv"], env: env as Record<string, string>, stderr };
}

// The answer carried out by the direct path's execve: its stderr lines are written once
// nothing can stop the execve. Returns only when replaceProcess would not (then the direct
// path runs, finds the same reason and spawns).
function replace(
  { argv: [command, ...args], env, stderr }: ExecAnswer,
  beforeExecve?: () => void,
): void {
  replaceProcess(command, args, env, () => {
    beforeExecve?.();
    if (stderr) writeSync(2, stderr);
  });
}
