import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunDeps } from "../command.js";
import { buildId, serveAgent } from "../agent/serveAgent.js";
import { tellAgent } from "../agent/tellAgent.js";
import { openKeychain } from "../../cache/select.js";

// The built dist/awsx.cjs next to this bundle (dist/lazy-runAgent.cjs).
const distMain = (): string => {
  const here = import.meta.url;
  return join(here.startsWith("file:") ? fileURLToPath(here) : here, "..", "awsx.cjs");
};

// awsx agent stop | status | serve.
export async function runAgent(
  action: "stop" | "status" | "serve",
  deps: RunDeps,
): Promise<number> {
  const { cacheDir, agentIdleMs } = deps.settings;
  if (action === "serve") {
    // The keychain of the agent's own environment (its D-Bus session); requests from
    // another session are left to the direct path.
    await serveAgent({
      cacheDir,
      idleMs: agentIdleMs,
      build: buildId(distMain()),
      openKeychain: () => openKeychain(deps.env),
    });
    // A keychain call that never answered may hold a thread: the agent is done.
    process.exit(0);
  }
  const answer = await tellAgent(cacheDir, action);
  if (action === "stop") {
    deps.out(answer ? `awsx agent ${answer.kind === "ok" ? answer.pid : ""} stopped\n` : "");
    if (!answer) deps.logger.info("no agent is running");
    return 0;
  }
  if (answer?.kind !== "ok" || !answer.status) {
    deps.logger.info("no agent is running");
    return 0;
  }
  const s = answer.status;
  deps.out(
    `pid ${s.pid}, started ${s.startedAt}, exits after ${s.idleExitSeconds} s idle; ` +
      `${s.served} runs answered, ${s.direct} left to awsx; ${s.held} entries held\n`,
  );
  return 0;
}
