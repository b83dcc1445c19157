import { PROFILE_ARG, type Command } from "../command.js";
import { BACKEND_OPTION } from "../options.js";
import type { RotateInput } from "./rotate.run.js";

// awsx rotate: the command as the parser knows it; its run is loaded only when it runs
// (rotate.run.ts, a bundle of its own: dist/lazy-rotate.cjs, docs/performance.md).
export const rotate: Command = {
  name: "rotate",
  summary: "Replace a profile's stored access key with a new one (IAM), deleting the old",
  usage: "PROFILE",
  options: [
    BACKEND_OPTION,
    {
      name: "mfa-token",
      type: "string",
      value: "CODE",
      describe: "The current MFA code when the profile has mfa_serial",
    },
    { name: "region", short: "r", type: "string", value: "REGION", describe: "Region for STS" },
    {
      name: "prompt",
      type: "boolean",
      negatable: true,
      describe: "Never ask on the terminal (MFA code): fail instead",
    },
  ],
  args: [PROFILE_ARG],
  examples: [["awsx rotate foo", "new key stored, old one deleted in IAM"]],
  run: async (input, deps) =>
    (await import("./rotate.run.js")).runRotate(input as RotateInput, deps),
};
