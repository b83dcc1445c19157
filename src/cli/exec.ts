import { AwsxError } from "../errors.js";
import { childEnv } from "../exec/childEnv.js";
import { credentialsFor, type CredentialFlags, type Deps } from "./context.js";

export interface ExecInput extends CredentialFlags {
  profile: string;
  command: string[] | undefined;
  force?: boolean;
}

// awsx exec PROFILE [--] COMMAND [ARGS...]: run COMMAND with the profile's credentials
// and return its exit status exactly (no command: the user's shell).
export async function runExec(input: ExecInput, deps: Deps): Promise<number> {
  const { env, logger } = deps;
  if (env.AWSX_PROFILE && !input.force) {
    throw new AwsxError(
      "E_USAGE",
      `already inside awsx exec for profile "${env.AWSX_PROFILE}"; type \`exit\` to leave that shell first, or pass --force to nest "${input.profile}" inside it`,
      { profile: input.profile },
    );
  }
  let argv = input.command && input.command.length > 0 ? input.command : undefined;
  if (!argv) {
    const shell = process.platform === "win32" ? env.COMSPEC || "cmd.exe" : env.SHELL || "/bin/sh";
    logger.debug(`no command given: starting ${shell}`);
    argv = [shell];
  }
  const { plan, credentials } = await credentialsFor(input.profile, input, deps);
  const envForChild = childEnv(env, credentials, input.profile, plan.region);
  const { runChild, dieOfSignal } = await import("../exec/run.js");
  const outcome = await runChild(argv[0]!, argv.slice(1), envForChild);
  switch (outcome.kind) {
    case "exited":
      return outcome.code;
    case "signaled":
      logger.debug(`${argv[0]} was killed by ${outcome.signal}`);
      return dieOfSignal(outcome.signal);
    case "notFound":
      logger.error(`${argv[0]}: command not found (profile "${input.profile}"); check the command name and PATH`);
      return 127;
    case "notExecutable":
      logger.error(`${argv[0]}: cannot execute (${outcome.why}) (profile "${input.profile}"); check it is a program and has execute permission`);
      return 126;
  }
}
