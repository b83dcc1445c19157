import { PICKED_PROFILE_ARG, type Command } from "../command.js";
import { AwsxError } from "../../errors.js";
import { CREDENTIAL_OPTIONS, LOGIN_OPTIONS } from "../options.js";
import { profileOrPick } from "../pickProfile.js";
import { missingArg } from "../usage.js";
import type { LoginInput } from "./login.run.js";

// awsx login: the command as the parser knows it, its flags checked and its profile picked
// when none is named; its run is loaded only then (login.run.ts, a bundle of its own:
// docs/performance.md).
export const login: Command = {
  name: "login",
  summary: "Print (or --open) an AWS console sign-in URL for the profile",
  usage: "PROFILE",
  options: [...CREDENTIAL_OPTIONS, ...LOGIN_OPTIONS],
  args: [PICKED_PROFILE_ARG],
  examples: [
    ["awsx login target1 --open", "open the console as target1's role"],
    ["awsx login target1 --path s3/home", "a URL to the S3 console"],
    ["awsx login --open", "pick the profile from a list (on a terminal), then open"],
  ],
  run: async (input, deps) => {
    const given = input as Omit<LoginInput, "profile"> & { profile?: string };
    if (given.open && given.stdout) {
      const which = given.profile === undefined ? "" : ` (profile "${given.profile}")`;
      throw new AwsxError(
        "E_USAGE",
        `--open and --stdout contradict each other${which}: pick one`,
        {
          profile: given.profile,
        },
      );
    }
    const missing = () => missingArg(login, "profile");
    const profile = await profileOrPick(given.profile, "login", given, deps, missing);
    return (await import("./login.run.js")).runLogin({ ...given, profile }, deps, deps.out);
  },
};
