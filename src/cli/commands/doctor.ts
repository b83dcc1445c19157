import type { Command } from "../command.js";
import { JSON_OPTION, cacheBackendOption } from "../options.js";
import type { DoctorInput } from "./doctor.run.js";

// awsx doctor: the command as the parser knows it; its run is loaded only when it runs
// (doctor.run.ts, a bundle of its own: dist/lazy-doctor.cjs, docs/performance.md).
export const doctor: Command = {
  name: "doctor",
  summary: "Check this machine: Node, config, profiles, cache backend, keychain, clock",
  usage: "",
  options: [
    JSON_OPTION,
    cacheBackendOption("check"),
    { name: "offline", type: "boolean", describe: "Skip the clock check (the one network call)" },
  ],
  args: [],
  help:
    "Check what awsx depends on and say what is wrong with the fix: exit 0 when the everyday " +
    "path works, 1 when a check failed (warnings do not count).",
  examples: [["awsx doctor --json", "the same as JSON"]],
  run: async (input, deps) =>
    (await import("./doctor.run.js")).runDoctor(input as DoctorInput, deps, deps.out),
};
