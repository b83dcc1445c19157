import { PROFILE_ARG, type Command } from "../command.js";
import { BACKEND_OPTION } from "../options.js";
import type { AddInput } from "./add.run.js";

// awsx add: the command as the parser knows it; its run is loaded only when it runs
// (add.run.ts, a bundle of its own: dist/lazy-add.cjs, docs/performance.md).
export const add: Command = {
  name: "add",
  summary: "Store a profile's long-term access key in the keychain (asked, --env or --stdin)",
  usage: "PROFILE",
  options: [
    {
      name: "env",
      type: "boolean",
      describe: "Take the keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
    },
    {
      name: "stdin",
      type: "boolean",
      describe: "Read the keys from stdin: the id, then the secret, one a line",
    },
    { name: "force", type: "boolean", describe: "Replace keys already stored for the profile" },
    {
      name: "verify",
      type: "boolean",
      describe: "Check the keys with one STS GetCallerIdentity first",
    },
    { ...BACKEND_OPTION, describe: "Where to store them; default the keychain" },
    {
      name: "prompt",
      type: "boolean",
      negatable: true,
      describe: "Never ask on the terminal: fail unless --env or --stdin",
    },
  ],
  args: [PROFILE_ARG],
  examples: [
    ["awsx add foo", "asked on the terminal, the secret not echoed"],
    ["awsx add foo --env --verify", "from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, checked"],
  ],
  run: async (input, deps) => (await import("./add.run.js")).runAdd(input as AddInput, deps),
};
