import { PROFILE_ARG, type Command } from "../command.js";
import { CREDENTIAL_OPTIONS, LOGIN_OPTIONS } from "../options.js";
import type { LoginInput } from "./runLogin.js";

// awsx login: the command as the parser knows it; its run is loaded only when it runs
// (runLogin.ts, a bundle of its own: docs/performance.md).
export const login: Command = {
  name: "login",
  summary: "Print (or --open) an AWS console sign-in URL for the profile",
  usage: "PROFILE",
  options: [...CREDENTIAL_OPTIONS, ...LOGIN_OPTIONS],
  args: [PROFILE_ARG],
  examples: [
    ["awsx login target1 --open", "open the console as target1's role"],
    ["awsx login target1 --path s3/home", "a URL to the S3 console"],
  ],
  run: async (input, deps) =>
    (await import("./runLogin.js")).runLogin(input as LoginInput, deps, deps.out),
};
