import type { RunDeps } from "../command.js";
import { tellAgent } from "../tellAgent.js";

// awsx agent stop | status (the agent itself is dist/agent.cjs: src/cli/agent/main.ts).
export async function runAgent(action: "stop" | "status", deps: RunDeps): Promise<number> {
  const answer = await tellAgent(deps.settings.cacheDir, action);
  if (action === "stop") {
    if (answer?.kind === "ok") deps.out(`awsx agent ${answer.pid} stopped\n`);
    else deps.logger.info("no agent is running");
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
