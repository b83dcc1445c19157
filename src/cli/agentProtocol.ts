import { statSync } from "node:fs";
import { join } from "node:path";
import type { Env } from "../types.js";

// The agent's wire format (docs/agent.md): one JSON line from the client, one JSON line back,
// then the agent closes the connection. The client (src/cli/agentClient/, its own small bundle)
// and the agent (src/cli/agent/) both speak it from this file; a change is a new version.
export const AGENT_PROTOCOL = 1;

// The agent's folder inside the cache folder (0700) and its socket (0600).
export const agentDirOf = (cacheDir: string): string => join(cacheDir, "agent");
export const socketPathOf = (cacheDir: string): string => join(agentDirOf(cacheDir), "agent.sock");

// sun_path holds 108 bytes on Linux and 104 on macOS and the BSDs, the NUL included: a
// longer path cannot be bound or connected to, and the agent is skipped.
const SUN_PATH_MAX = process.platform === "linux" ? 107 : 103;
export const fitsSunPath = (path: string): boolean => Buffer.byteLength(path) <= SUN_PATH_MAX;

// The identity of a built file (the client's and the agent's dist/awsx.cjs): an agent asked
// by a client of another build exits.
export function buildId(file: string): string {
  const st = statSync(file);
  return `${st.ino}:${st.size}:${Math.trunc(st.mtimeMs)}`;
}

// AWSX_AGENT: 1/true on, 0/false off, unset or empty: on unless CI is 1/true (a CI job must
// not leave a process behind); undefined for any other value, which src/cli/settings.ts
// refuses and the client leaves to the direct path (which says so).
export function agentSetting(env: Env): boolean | undefined {
  const raw = (env.AWSX_AGENT ?? "").toLowerCase();
  if (raw === "") return !["1", "true"].includes((env.CI ?? "").toLowerCase());
  if (raw === "1" || raw === "true") return true;
  if (raw === "0" || raw === "false") return false;
  return undefined;
}

// The most a request or an answer may take (an environment is a few KB).
export const LINE_MAX = 1 << 20;

// What the client asks. build: the client's dist/awsx.cjs (inode, size, mtime); an agent of
// another build or protocol answers "direct" and exits.
export type AgentRequest =
  | {
      v: number;
      op: "exec";
      build: string;
      argv: string[];
      env: Env;
      cwd: string;
      pid: number;
      tty: { stdin: boolean; stdout: boolean; stderr: boolean };
    }
  | { v: number; op: "stop" | "status" | "forget" };

// What the agent answers. exec: the child's command line and environment, and what awsx
// would have written to stderr before starting it. direct: run the direct path (why: for
// `awsx agent status` and the tests, never shown).
export type AgentAnswer =
  | { v: number; kind: "exec"; argv: string[]; env: Record<string, string>; stderr: string }
  | { v: number; kind: "direct"; why: string }
  | { v: number; kind: "ok"; pid: number; status?: AgentStatus };

export interface AgentStatus {
  pid: number;
  build: string;
  startedAt: string;
  idleExitSeconds: number;
  served: number;
  direct: number;
  held: number;
}
