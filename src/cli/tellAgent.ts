import { lstatSync } from "node:fs";
import { connect } from "node:net";
import { existingPrivateDir } from "../platform/privateDir.js";
import {
  AGENT_PROTOCOL,
  type AgentAnswer,
  agentDirOf,
  fitsSunPath,
  LINE_MAX,
  socketPathOf,
} from "./agentProtocol.js";

// How long awsx waits for the agent to answer a stop, status or forget.
const TELL_MS = 2000;

// Sends one request to the user's agent and returns its answer; undefined: no agent answers
// there (none running, a socket that is not ours, a stopped or frozen agent).
export async function tellAgent(
  cacheDir: string,
  op: "stop" | "status" | "forget",
): Promise<AgentAnswer | undefined> {
  const path = socketPathOf(cacheDir);
  if (!fitsSunPath(path)) return undefined;
  try {
    if (!existingPrivateDir(agentDirOf(cacheDir))) return undefined;
    const st = lstatSync(path);
    if (!st.isSocket() || st.uid !== process.getuid?.()) return undefined;
  } catch {
    return undefined;
  }
  return new Promise((resolve) => {
    const socket = connect({ path });
    let text = "";
    const done = (a: AgentAnswer | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(a);
    };
    const timer = setTimeout(() => done(undefined), TELL_MS);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${JSON.stringify({ v: AGENT_PROTOCOL, op })}\n`));
    socket.on("data", (d: string) => {
      text += d;
      if (text.length > LINE_MAX) return done(undefined);
      const end = text.indexOf("\n");
      if (end < 0) return;
      try {
        done(JSON.parse(text.slice(0, end)) as AgentAnswer);
      } catch {
        done(undefined);
      }
    });
    socket.on("error", () => done(undefined));
    socket.on("close", () => done(undefined));
  });
}

// After a command that changes what the agent may hold (clear, remove, rotate, add, import,
// sso): it forgets every session and sign-in it read, and reads the keychain again.
export async function agentForget(cacheDir: string): Promise<void> {
  await tellAgent(cacheDir, "forget");
}
