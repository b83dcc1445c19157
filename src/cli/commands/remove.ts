import { PROFILE_ARG, type Command } from "../command.js";
import { BACKEND_OPTION } from "../options.js";
import type { RemoveInput } from "./remove.run.js";

// awsx remove: the command as the parser knows it; its run is loaded only when it runs
// (remove.run.ts, a bundle of its own: dist/lazy-remove.cjs, docs/performance.md).
export const remove: Command = {
  name: "remove",
  summary: "Delete a profile's stored long-term keys and the sessions minted from them",
  usage: "PROFILE",
  options: [
    { name: "force", type: "boolean", describe: "Do not ask for confirmation" },
    { ...BACKEND_OPTION, describe: "The store holding them; default the keychain" },
  ],
  args: [PROFILE_ARG],
  examples: [["awsx remove foo --force", "no question asked"]],
  run: async (input, deps) =>
    (await import("./remove.run.js")).runRemove(input as RemoveInput, deps),
};
