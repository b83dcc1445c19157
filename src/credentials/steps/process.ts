import { AwsxError } from "../../errors.js";
import { shlexSplit } from "../../util/shlex.js";
import type { SourceStep } from "../../plan/plan.js";
import type { Credentials } from "../../types.js";
import { refreshedOnce } from "../refreshedOnce.js";
import { parsePythonJson, processCredentials } from "./processOutput.js";
import { type SourceDef, shownOrigin } from "../stepDef.js";
import type { StepContext } from "../stepContext.js";
import type { StepEffects } from "../stepEffects.js";

export interface ProcessOptions {
  env: Record<string, string | undefined>;
  timeoutMs: number;
  maxOutputBytes: number;
  now: () => Date;
  runHelper: StepEffects["runHelper"];
}

// The credential_process step: at most 1 MiB of output is read.
type ProcessStep = Extract<SourceStep, { kind: "process" }>;

export function credentialProcess(step: ProcessStep, ctx: StepContext): Promise<Credentials> {
  ctx.logger.debug(`profile ${step.profile}: running credential_process`);
  return runCredentialProcess(step.profile, step.command, {
    env: ctx.env,
    timeoutMs: ctx.processTimeoutMs,
    maxOutputBytes: 1024 * 1024,
    now: ctx.now,
    runHelper: ctx.effects.runHelper,
  });
}

// Run a credential_process command (split shell-style, no shell, as botocore does) and read
// its Version 1 JSON; keys within 15 minutes of their Expiration run it once more, as the
// CLI's RefreshableCredentials do.
export function runCredentialProcess(
  profile: string,
  command: string,
  options: ProcessOptions,
): Promise<Credentials> {
  const fail = (why: string, cause?: unknown) =>
    new AwsxError("E_CREDENTIALS", `credential_process of profile "${profile}" ${why}`, {
      profile,
      cause,
    });
  return refreshedOnce(
    () => runOnce(profile, command, options, fail),
    options.now,
    (keys) =>
      fail(`was run twice and returned expired credentials (${keys.expiration?.toISOString()})`),
  );
}

// granted writes profiles whose credential_process runs granted, with its own granted_sso_*
// keys that neither the AWS CLI nor awsx reads: without granted installed, say what to do.
function grantedHint(program: string, error: string): string {
  if (!/(^|[/\\])granted(\.exe)?$/.test(program) || !/command not found/.test(error)) return "";
  return (
    "; it is a profile granted wrote (granted_sso_* keys, which awsx does not read): run " +
    "`awsx sso sync` to write standard SSO profiles, or give this one sso_session, " +
    "sso_account_id and sso_role_name (docs/sso.md#coming-from-granted)"
  );
}

async function runOnce(
  profile: string,
  command: string,
  options: ProcessOptions,
  fail: (why: string, cause?: unknown) => AwsxError,
): Promise<Credentials> {
  let argv: string[];
  try {
    argv = shlexSplit(command);
  } catch (e) {
    throw fail(`cannot be split into words (${(e as Error).message}); fix its quoting`, e);
  }
  if (argv.length === 0) throw fail("is empty; set it to a command that prints credentials JSON");
  const { stdout, stderr, code, signal, error, notUtf8 } = await options.runHelper(argv, {
    env: options.env,
    timeoutMs: options.timeoutMs,
    maxOutputBytes: options.maxOutputBytes,
  });
  if (error) throw fail(error + grantedHint(argv[0]!, error));
  if (code !== 0) {
    const last = stderr.trim().split("\n").pop() ?? "";
    // An awsx inside the process refused a loop: that is the config's fault, say so.
    if (/^awsx: credential_process recursion/.test(last))
      throw new AwsxError("E_CONFIG", last.slice("awsx: ".length), { profile });
    throw fail(`exited with ${signal ?? `status ${code}`}${last ? `: ${last.slice(0, 200)}` : ""}`);
  }
  // botocore decodes the output as UTF-8, strictly, before reading it as JSON.
  if (notUtf8) throw fail("printed bytes that are not UTF-8; it must print UTF-8 JSON");
  let parsed: unknown;
  try {
    parsed = parsePythonJson(stdout);
  } catch {
    throw fail(
      'printed something that is not JSON; it must print {"Version": 1, "AccessKeyId": …}',
    );
  }
  return processCredentials(parsed, fail);
}

// credential_process: named by its command line, run every time (the helper caches, if any).
export const processStep: SourceDef<ProcessStep> = {
  identity: (s) => ["process", s.command],
  run: (s, ctx) => credentialProcess(s, ctx),
  describe: (s) => `process(${s.profile})`,
  explain: (s) => ({ command: s.command, from: shownOrigin(s.origin) }),
};
