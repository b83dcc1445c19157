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

// One place for MFA codes: --mfa-token, then AWSX_MFA_TOKEN, then the prompt.
export function createMfaProvider(sources: MfaSources): MfaCodeProvider {
  return async (serial, profile) => {
    let code = sources.flag ?? sources.env;
    const from = sources.flag !== undefined ? "--mfa-token" : "AWSX_MFA_TOKEN";
    if (code === undefined) {
      if (!sources.prompt)
        throw noCode(serial, profile, sources.noPromptReason ?? "awsx may not prompt");
      try {
        const question = `Enter MFA code for ${serial} (profile ${profile}): `;
        code = (await sources.prompt(question, serial)).trim();
      } catch (e) {
        throw noCode(serial, profile, (e as Error).message, (e as { fix?: string }).fix);
      }
    } else sources.logger.debug(`profile ${profile}: MFA code taken from ${from}`);
    sources.logger.code(code);
    if (!CODE.test(code)) {
      throw new AwsxError(
        "E_MFA_REQUIRED",
        `the MFA code for ${serial} (profile "${profile}") must be 6 digits; ` +
          "pass the current code from your device",
        { profile },
      );
    }
    return code;
  };
}

function noCode(serial: string, profile: string, why: string, fix?: string): AwsxError {
  return new AwsxError(
    "E_MFA_REQUIRED",
    `profile "${profile}" needs an MFA code for ${serial} and ${why}: ` +
      (fix ?? "pass --mfa-token CODE or set AWSX_MFA_TOKEN"),
    { profile },
  );
}
