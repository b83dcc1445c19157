import { chmodSync, lstatSync, renameSync, unlinkSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { decodeEntry } from "../../cache/cacheEntry.js";
import type { ItemStates } from "../../platform/keychainItemState.js";
import { ensurePrivateDir } from "../../platform/privateDir.js";
import type { Store } from "../../types.js";
import { type AgentState, answerExec } from "./answerExec.js";
import { configCache } from "./configCache.js";
import { GoDirect } from "./heldStore.js";
import {
  AGENT_PROTOCOL,
  type AgentAnswer,
  type AgentRequest,
  type AgentStatus,
  agentDirOf,
  fitsSunPath,
  LINE_MAX,
  socketPathOf,
} from "../agentProtocol.js";

export interface AgentOptions {
  cacheDir: string;
  idleMs: number;
  // This awsx's dist/awsx.cjs (buildId): a client of another build makes the agent exit.
  build: string;
  // The keychain, opened on the first request that needs it (src/platform/keychain.ts).
  openKeychain: () => Promise<Store>;
  // The state of a keychain item, asked before each use of what the agent holds.
  itemStates: ItemStates;
}

// How often the agent checks that its socket is still its own (a newer agent took the name).
const CHECK_MS = 10_000;

// The agent (dist/agent.cjs, src/cli/agent/main.ts): bind the socket, answer requests one at
// a time, exit when idle, told to stop, displaced by a newer agent, or asked by another build.
// Resolves when the agent is to exit (the caller exits the process: a keychain call may hold
// a thread).
export async function serveAgent(o: AgentOptions): Promise<void> {
  const dir = ensurePrivateDir(agentDirOf(o.cacheDir));
  if ((lstatSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  const path = socketPathOf(o.cacheDir);
  const own = join(dirname(path), `agent.${process.pid}.sock`);
  if (!fitsSunPath(path) || !fitsSunPath(own)) return;
  const startedAt = new Date().toISOString();
  let keychain: Promise<Store> | undefined;
  let retire = false;
  // A keychain that failed once may be stuck (a probe kept as silent): the agent retires.
  const failed = (e: Error): never => {
    retire = true;
    throw e;
  };
  const state: AgentState = {
    cacheDir: o.cacheDir,
    bus: process.env.DBUS_SESSION_BUS_ADDRESS,
    keychain: () => {
      keychain ??= o.openKeychain();
      return keychain.catch(failed);
    },
    stateOf: (key) => o.itemStates.stateOf(key).catch(failed),
    held: { entries: new Map(), generation: 0 },
    config: configCache(),
  };
  const counts = { served: 0, direct: 0 };
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let ino: bigint | undefined;
  const mine = () => {
    try {
      return lstatSync(path, { bigint: true }).ino === ino;
    } catch {
      return false;
    }
  };
  const server = createServer({ allowHalfOpen: false });
  let idle: NodeJS.Timeout | undefined;
  const stop = () => {
    clearTimeout(idle);
    server.close();
    if (mine()) unlinkSafe(path);
    unlinkSafe(own);
    state.held.entries.clear();
    o.itemStates.close();
    done();
  };
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(stop, o.idleMs);
  };
  const status = (): AgentStatus => ({
    pid: process.pid,
    build: o.build,
    startedAt,
    idleExitSeconds: o.idleMs / 1000,
    served: counts.served,
    direct: counts.direct,
    held: state.held.entries.size,
  });
  // Requests one at a time: each sets the working folder (relative paths) to its client's.
  let queue: Promise<unknown> = Promise.resolve();
  const handle = async (
    req: AgentRequest,
  ): Promise<{ answer: AgentAnswer; after?: () => void }> => {
    const ok = (extra = {}): AgentAnswer => ({
      v: AGENT_PROTOCOL,
      kind: "ok",
      pid: process.pid,
      ...extra,
    });
    if (req.v !== AGENT_PROTOCOL || (req.op === "exec" && req.build !== o.build))
      return { answer: { v: AGENT_PROTOCOL, kind: "direct", why: "another awsx" }, after: stop };
    if (req.op === "stop") return { answer: ok(), after: stop };
    if (req.op === "status") return { answer: ok({ status: status() }) };
    if (req.op === "forget") {
      state.held.generation++;
      state.held.entries.clear();
      return { answer: ok() };
    }
    if (req.op !== "exec") return { answer: { v: AGENT_PROTOCOL, kind: "direct", why: "unknown" } };
    let answer: AgentAnswer;
    try {
      answer = await answerExec(req, state);
    } catch (e) {
      const why = e instanceof GoDirect ? e.message : `error: ${(e as Error).message}`;
      answer = { v: AGENT_PROTOCOL, kind: "direct", why };
    } finally {
      process.chdir("/"); // never keep a client's folder (or its file system) busy
    }
    counts[answer.kind === "exec" ? "served" : "direct"]++;
    return { answer, ...(retire ? { after: stop } : {}) };
  };
  server.on("connection", (socket: Socket) => {
    touch();
    readLine(socket, (line) => {
      let req: AgentRequest;
      try {
        req = JSON.parse(line) as AgentRequest;
      } catch {
        return void socket.destroy();
      }
      queue = queue.then(async () => {
        const { answer, after } = await handle(req);
        socket.end(`${JSON.stringify(answer)}\n`);
        if (!mine()) return stop(); // a newer agent has the socket
        after?.();
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(own, () => resolve());
  });
  chmodSync(own, 0o600);
  // Take the name: a stale socket (its agent gone) or an older agent's is replaced, anything
  // else (not a socket, not ours) is left alone and this agent exits.
  try {
    const there = lstatSync(path);
    if (!there.isSocket() || there.uid !== process.getuid?.()) {
      stop();
      return finished;
    }
  } catch {
    // no socket yet
  }
  renameSync(own, path);
  ino = lstatSync(path, { bigint: true }).ino;
  unlinkSafe(join(dir, "starting")); // src/cli/agentClient/startAgent.ts: the next start may come
  touch();
  setInterval(() => {
    if (!mine()) return stop();
    dropExpired(state.held.entries);
  }, CHECK_MS).unref();
  for (const s of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(s, stop);
  return finished;
}

// One line from a client, at most LINE_MAX bytes; anything longer ends the connection.
function readLine(socket: Socket, then: (line: string) => void): void {
  let text = "";
  socket.setEncoding("utf8");
  socket.on("error", () => socket.destroy());
  // A client that connects and says nothing does not hold a connection for long.
  socket.setTimeout(5000, () => socket.destroy());
  socket.on("data", (d: string) => {
    text += d;
    const end = text.indexOf("\n");
    if (end >= 0) {
      socket.removeAllListeners("data");
      then(text.slice(0, end));
    } else if (text.length > LINE_MAX) socket.destroy();
  });
}

function unlinkSafe(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
}

// Sessions past their expiry are of no use to anyone: not kept in memory until the idle exit.
function dropExpired(entries: Map<string, string>): void {
  const now = Date.now();
  for (const [k, raw] of entries) {
    const e = decodeEntry(raw, k);
    if (e && Date.parse(e.expiration) <= now) entries.delete(k);
  }
}
