import type { Command } from "../command.js";

const ACTIONS = ["stop", "status"] as const;

// awsx agent stop | status (the agent is dist/agent.cjs, started by awsx: docs/agent.md).
export const agent: Command = {
  name: "agent",
  summary: "The agent that answers warm runs from memory: stop it, or show its status",
  usage: "stop|status",
  options: [],
  args: [
    {
      name: "subcommand",
      required: true,
      choices: ACTIONS,
      describe: "stop or status",
    },
  ],
  help:
    "awsx starts one agent per user and cache folder on demand; it holds sessions read from " +
    "the keychain and the parsed config, so a warm awsx exec starts the command at once. " +
    "It exits after AWSX_AGENT_IDLE seconds (900) without a request; AWSX_AGENT=0 turns it " +
    "off. See docs/agent.md.",
  examples: [
    ["awsx agent status", "is an agent running, and what it holds"],
    ["awsx agent stop", "stop it (the next awsx exec starts a new one)"],
  ],
  run: async (input, deps) =>
    (await import("./agent.run.js")).runAgent(input.subcommand as (typeof ACTIONS)[number], deps),
};
