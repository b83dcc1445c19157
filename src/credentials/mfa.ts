import { AwsxError } from "../errors.js";
import type { Logger } from "../util/log.js";

export type MfaCodeProvider = (serial: string, profile: string) => Promise<string>;

export interface MfaSources {
  flag?: string;
  env?: string;
  // Ask the user (terminal, dialog, ykman); absent when awsx must never ask (CI,
  // --no-prompt). A failure may carry a `fix` better than passing the code.
  prompt?: (question: string, serial: string) => Promise<string>;
  // Why there is no prompt, for the error message.
  noPromptReason?: string;
  logger: Logger;
}

const CODE = /^\d{6}$/;

// A code typed wrong is asked again, as sudo asks again for a password; then awsx gives up.
const MFA_TRIES = 3;

// One place for MFA codes: --mfa-token, then AWSX_MFA_TOKEN, then the prompt.
export function createMfaProvider(sources: MfaSources): MfaCodeProvider {
  return async (serial, profile) => {
    const given = sources.flag ?? sources.env;
    if (given !== undefined) {
      const from = sources.flag !== undefined ? "--mfa-token" : "AWSX_MFA_TOKEN";
      sources.logger.debug(`profile ${profile}: MFA code taken from ${from}`);
      sources.logger.code(given);
      if (!CODE.test(given)) {
        throw badCode(profile, `the MFA code from ${from} for ${serial} must be 6 digits`);
      }
      return given;
    }
    const prompt = sources.prompt;
    if (!prompt) throw noCode(serial, profile, sources.noPromptReason ?? "awsx may not prompt");
    const question = `Enter MFA code for ${serial} (profile ${profile}): `;
    for (let tries = 1; ; tries++) {
      const again = tries > 1 ? "That is not 6 digits; try again. " : "";
      const code = await askOnce(prompt, again + question, serial, profile);
      sources.logger.code(code);
      if (CODE.test(code)) return code;
      if (tries >= MFA_TRIES) {
        throw badCode(profile, `${MFA_TRIES} MFA codes typed for ${serial} were not 6 digits`);
      }
    }
  };
}

async function askOnce(
  prompt: NonNullable<MfaSources["prompt"]>,
  question: string,
  serial: string,
  profile: string,
): Promise<string> {
  try {
    return (await prompt(question, serial)).trim();
  } catch (e) {
    if ((e as { interrupted?: boolean }).interrupted) {
      throw new AwsxError("E_INTERRUPTED", `interrupted at the MFA prompt (profile "${profile}")`, {
        profile,
      });
    }
    throw noCode(serial, profile, (e as Error).message, (e as { fix?: string }).fix);
  }
}

function badCode(profile: string, what: string): AwsxError {
  return new AwsxError(
    "E_MFA_REQUIRED",
    `${what} (profile "${profile}"); pass the current code from your device`,
    { profile },
  );
}

function noCode(serial: string, profile: string, why: string, fix?: string): AwsxError {
  return new AwsxError(
    "E_MFA_REQUIRED",
    `profile "${profile}" needs an MFA code for ${serial} and ${why}: ` +
      (fix ?? "pass --mfa-token CODE or set AWSX_MFA_TOKEN"),
    { profile },
  );
}
