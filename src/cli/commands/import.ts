import { PROFILE_ARG, type Command } from "../command.js";
import { BACKEND_OPTION } from "../options.js";
import type { ImportInput } from "./import.run.js";

// awsx import: the command as the parser knows it; its run is loaded only when it runs
// (import.run.ts, a bundle of its own: dist/lazy-import.cjs, docs/performance.md).
export const importKeys: Command = {
  name: "import",
  summary: "Move a profile's key pair from ~/.aws/credentials into the keychain",
  usage: "PROFILE",
  options: [
    { name: "force", type: "boolean", describe: "Replace other keys already stored for it" },
    { ...BACKEND_OPTION, describe: "Where to store them; default the keychain" },
  ],
  args: [PROFILE_ARG],
  examples: [["awsx import foo", "[foo]'s keys into the keychain, out of the file"]],
  run: async (input, deps) =>
    (await import("./import.run.js")).runImport(input as ImportInput, deps),
};
