import { AwsxError } from "../../errors.js";
import type { Credentials } from "../../types.js";
import { childEnv, serverVariables, withVariables } from "../../exec/childEnv.js";
import { replaceProcess } from "../../exec/replaceProcess.js";
import { PICKED_PROFILE_ARG, type Command } from "../command.js";
import { timeLeft } from "../../util/timeLeft.js";
import { type CredentialFlags, type Deps, hintsWanted, longRunCache } from "../deps.js";
import { profileOrPick } from "../pickProfile.js";
import { resolveProfile } from "../resolveProfile.js";
import { missingArg } from "../usage.js";
import { camel, CREDENTIAL_OPTIONS, EXEC_OPTIONS } from "../options.js";
import { EACH_OPTIONS, EACH_SELECTORS } from "../eachOptions.js";

interface ExecInput extends CredentialFlags {
  // Absent: picked at the terminal (pickProfile.ts), else a usage error.
  profile?: string;
  command: string[] | undefined;
  force?: boolean;
  server?: boolean;
}

// awsx exec PROFILE [--] COMMAND [ARGS...]: run COMMAND with the profile's credentials
// and return its exit status exactly (no command: the user's shell).
async function runExec(given: ExecInput, deps: Deps): Promise<number> {
  const { env, logger } = deps;
  if (deps.settings.execProfile && !given.force) {
    const nested = given.profile === undefined ? "another profile" : `"${given.profile}"`;
    throw new AwsxError(
      "E_USAGE",
      `already inside awsx exec for profile "${deps.settings.execProfile}" ` +
        "(AWSX_EXEC_PROFILE is set); type `exit` to leave that shell first, " +
        `or pass --force to nest ${nested} inside it`,
      { profile: given.profile },
    );
  }
  const missing = () => missingArg(exec, "profile");
  const profile = await profileOrPick(given.profile, "exec", given, deps, missing);
  const input = { ...given, profile };
  let argv = input.command && input.command.length > 0 ? input.command : undefined;
  if (!argv) {
    const shell = process.platform === "win32" ? env.COMSPEC || "cmd.exe" : env.SHELL || "/bin/sh";
    logger.debug(`no command given: starting ${shell}`);
    argv = [shell];
  }
  let envForChild: Record<string, string>;
  let stop: (() => Promise<void>) | undefined;
  if (input.server) {
    ({ envForChild, stop } = await serve(input, deps));
    if (!input.command?.length) shellBanner(input.profile, "refreshed by awsx while it runs", deps);
  } else {
    const { plan, credentials } = await resolveProfile(input.profile, input, deps);
    const keep = deps.settings.keepAwsProfile;
    envForChild = childEnv(env, credentials, input.profile, plan.region, keep);
    if (!input.command?.length) shellBanner(input.profile, untilText(credentials, deps), deps);
  }
  // The agent (src/cli/agent/) answers a client with the child, which it does not start itself.
  if (deps.handOff && !input.server) return deps.handOff(argv, envForChild);
  // Nothing runs after the child but passing on its status: awsx becomes the child (same
  // pid, no Node left waiting) where that cannot fail. Spawned instead: --server, whose
  // endpoint serves while the child runs, and a run whose picker made Node's stdio streams.
  if (!stop && given.profile !== undefined) {
    logger.debug(`running ${argv[0]} in awsx's place (execve) where it can`);
    const why = replaceProcess(argv[0]!, argv.slice(1), envForChild, deps.beforeExecve);
    logger.debug(`${argv[0]} runs as a child of awsx: ${why}`);
  }
  const { runChild, dieOfSignal } = await import("../../exec/run.js");
  const outcome = await runChild(argv[0]!, argv.slice(1), envForChild).finally(() => stop?.());
  switch (outcome.kind) {
    case "exited":
      return outcome.code;
    case "signaled":
      logger.debug(`${argv[0]} was killed by ${outcome.signal}`);
      return dieOfSignal(outcome.signal);
    case "notFound":
      logger.error(
        `${argv[0]}: command not found (profile "${input.profile}"); ` +
          "check the command name and PATH",
      );
      return 127;
    case "notExecutable":
      logger.error(
        `${argv[0]}: cannot execute (${outcome.why}) (profile "${input.profile}"); ` +
          "check it is a program and has execute permission",
      );
      return 126;
  }
}

// The one line before an interactive shell starts: whose credentials, until when, how out.
// Only on a terminal: a script that runs `awsx exec P < commands` wants no extra stderr.
function shellBanner(profile: string, credentials: string, deps: Deps): void {
  if (!hintsWanted(deps)) return;
  deps.logger.info(`shell with profile "${profile}", ${credentials}; type \`exit\` to leave`);
}

const untilText = ({ expiration }: Credentials, deps: Deps): string =>
  expiration
    ? `credentials expire in ${timeLeft(expiration.getTime() - deps.now().getTime())} ` +
      `(${expiration.toISOString().slice(11, 16)} UTC)`
    : "long-term keys, no expiry";

// --server: resolve once now (so errors and the MFA prompt come before the child starts),
// then serve fresh credentials from the cache, refreshing through the plan, for as long
// as the child lives. Later refreshes never prompt: the child owns the terminal.
async function serve(
  input: ExecInput & { profile: string },
  deps: Deps,
): Promise<{ envForChild: Record<string, string>; stop: () => Promise<void> }> {
  const shared = { ...deps, sharedCache: longRunCache(input, deps) };
  const first = await resolveProfile(input.profile, input, shared);
  const { startCredentialServer } = await import("../../server/ecsServer.js");
  const later = {
    ...input,
    prompt: false as const,
    noPromptReason:
      "the credential server refreshes without prompting (the child has the terminal)",
    mfaToken: undefined,
  };
  const noCode = { ...shared, settings: { ...deps.settings, mfaToken: undefined } };
  const refresh = async () => (await resolveProfile(input.profile, later, noCode)).credentials;
  const server = await startCredentialServer(refresh, deps.logger);
  deps.logger.debug(`credential server on ${server.url} for the child`);
  return {
    envForChild: withVariables(
      deps.env,
      serverVariables(
        server.url,
        server.token,
        input.profile,
        first.plan.region,
        deps.settings.keepAwsProfile,
      ),
    ),
    stop: () => server.close(),
  };
}

// awsx exec: the everyday command.
// Said after a stray -j/--jobs: aws-vault's exec -j (--json) is awsx credential-process.
const JSON_HABIT =
  " (for aws-vault's exec -j/--json in credential_process, use `awsx credential-process PROFILE`)";

export const exec: Command = {
  name: "exec",
  summary: "Run COMMAND with the profile's credentials (no command: your $SHELL)",
  usage: "PROFILE [--] COMMAND [ARGS...]",
  options: [...CREDENTIAL_OPTIONS, ...EXEC_OPTIONS, ...EACH_OPTIONS],
  args: [{ ...PICKED_PROFILE_ARG, unless: EACH_SELECTORS }],
  rest: { name: "command", describe: "The command and its arguments, all of them its own" },
  help:
    "Run COMMAND with the profile's credentials (no command: your $SHELL) and exit with its " +
    "status. The command starts at -- or at the first word after PROFILE; what follows is the " +
    "command's, never awsx's (awsx exec prod aws s3 ls --recursive). With no PROFILE on a " +
    "terminal, pick one from a list (type to filter, Enter; Esc cancels). With --each, " +
    "--each-from or --each-sync instead of PROFILE, the command runs in every profile chosen " +
    "(after --).",
  examples: [
    ["awsx exec target1 -- aws s3 ls", "run the AWS CLI as target1's role"],
    ["awsx exec prod -- terraform apply", ""],
    ["awsx exec prod", "start $SHELL with prod's credentials; `exit` returns"],
    ["awsx exec --each 'prod-*' --each staging -- aws s3 ls", "run in many profiles at once"],
    ["awsx exec -- aws s3 ls", "pick the profile from a list, then run the AWS CLI"],
  ],
  run: async (input, deps) => {
    // --each and its kin: many profiles, in a bundle of its own (dist/lazy-execEach.cjs).
    if (EACH_SELECTORS.some((o) => input[camel(o)] !== undefined)) {
      const { runEach } = await import("./execEach.run.js");
      return runEach({ ...input, command: input.rest }, deps);
    }
    const stray = EACH_OPTIONS.find((o) => input[camel(o.name)] !== undefined);
    // aws-vault's exec -j is --json, a credential_process line's habit.
    const vault = stray?.name === "jobs" ? JSON_HABIT : "";
    if (stray)
      throw new AwsxError(
        "E_USAGE",
        `--${stray.name} is for awsx exec --each; see awsx exec --help${vault}`,
      );
    return runExec({ ...(input as ExecInput), command: input.rest }, deps);
  },
};
