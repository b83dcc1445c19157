import { AwsxError } from "../../errors.js";
import type { Command } from "../command.js";
import { BACKEND_OPTION, type OptionSpec } from "../options.js";
import type { SsoLoginInput } from "./ssoLogin.run.js";
import type { SsoLogoutInput } from "./ssoLogout.run.js";
import type { SsoSyncInput } from "./ssoSync.run.js";

const ACTIONS = ["login", "logout", "sync"] as const;

// awsx sso's own options (each action ignores the ones that are not its own).
const SSO_OPTIONS: OptionSpec[] = [
  {
    name: "sso-session",
    type: "string",
    value: "NAME",
    describe: "The [sso-session NAME] to act on, instead of a profile's",
  },
  {
    name: "use-device-code",
    type: "boolean",
    describe: "login: sign in with a code on any device instead of a browser on this one",
  },
  {
    name: "browser",
    type: "boolean",
    negatable: true,
    describe: "login: print the sign-in URL, do not open a browser",
  },
  {
    name: "write-cli-cache",
    type: "boolean",
    describe:
      "login/logout: also write (remove) the AWS CLI's plaintext ~/.aws/sso/cache file; " +
      "default AWSX_SSO_WRITE_CLI_CACHE, else off",
  },
  {
    name: "dry-run",
    type: "boolean",
    describe: "sync: print the change to the config file as a diff, write nothing",
  },
  {
    name: "template",
    type: "string",
    value: "TEMPLATE",
    describe:
      "sync: profile names from {account_name}, {account_id}, {role_name}, {session}; " +
      "default {account_name}/{role_name}",
  },
  {
    name: "profile-region",
    type: "string",
    value: "REGION",
    describe: "sync: a region = line for every profile written",
  },
  BACKEND_OPTION,
];

const only = (input: Record<string, unknown>, action: string, names: string[]): void => {
  const wrong = names.find((n) => input[n] !== undefined);
  if (wrong)
    throw new AwsxError(
      "E_USAGE",
      `--${wrong.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is not an option of ` +
        `awsx sso ${action}; see awsx sso --help`,
    );
};

// awsx sso login | logout | sync.
export const sso: Command = {
  name: "sso",
  summary: "IAM Identity Center: sign in (login), sign out (logout), write profiles (sync)",
  usage: "login|logout|sync [PROFILE] [--sso-session NAME]",
  options: SSO_OPTIONS,
  args: [
    {
      name: "subcommand",
      required: true,
      choices: ACTIONS,
      describe: "login, logout or sync",
    },
    {
      name: "profile",
      required: false,
      describe: "An SSO profile whose session to act on",
      complete: "profile",
    },
  ],
  help:
    "login signs in (browser with PKCE, or --use-device-code) and keeps the token in " +
    "awsx's cache; logout ends one session, or every one without PROFILE/--sso-session; " +
    "sync writes one profile per account and role into a marked block of ~/.aws/config. " +
    "See docs/sso.md.",
  examples: [
    ["awsx sso login --sso-session corp", "sign in once for every profile of corp"],
    ["awsx sso login dev --use-device-code", "sign in from another device"],
    ["awsx sso sync --sso-session corp --dry-run", "show the profiles sync would write"],
    ["awsx sso logout", "end every SSO session awsx keeps"],
  ],
  run: async (input, deps) => {
    const action = input.subcommand as (typeof ACTIONS)[number];
    if (action === "login") {
      only(input, action, ["dryRun", "template", "profileRegion"]);
      return (await import("./ssoLogin.run.js")).runSsoLogin(input as SsoLoginInput, deps);
    }
    if (action === "logout") {
      only(input, action, ["dryRun", "template", "profileRegion", "useDeviceCode", "browser"]);
      return (await import("./ssoLogout.run.js")).runSsoLogout(input as SsoLogoutInput, deps);
    }
    only(input, action, ["useDeviceCode", "browser", "writeCliCache"]);
    return (await import("./ssoSync.run.js")).runSsoSync(input as SsoSyncInput, deps, deps.out);
  },
};
