import { AwsxError } from "../errors.js";
import type { Logger } from "../util/log.js";

export type MfaCodeProvider = (serial: string, profile: string) => Promise<string>;

export interface MfaSources {
  flag?: string;
  env?: string;
  // Prompt on the terminal; absent when awsx must never prompt (CI, --no-prompt).
  prompt?: (question: string) => Promise<string>;
  // Why there is no prompt, for the error message.
  noPromptReason?: string;
  logger: Logger;
}

const CODE = /^\d{6}$/;

// One place for MFA codes: --mfa-token, then AWSX_MFA_TOKEN, then the terminal.
export function createMfaProvider(sources: MfaSources): MfaCodeProvider {
  return async (serial, profile) => {
    let code = sources.flag ?? sources.env;
    const from = sources.flag !== undefined ? "--mfa-token" : "AWSX_MFA_TOKEN";
    if (code === undefined) {
      if (!sources.prompt)
        throw noCode(serial, profile, sources.noPromptReason ?? "awsx may not prompt");
      try {
        code = (await sources.prompt(`Enter MFA code for ${serial} (profile ${profile}): `)).trim();
      } catch (e) {
        throw noCode(serial, profile, (e as Error).message);
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

function noCode(serial: string, profile: string, why: string): AwsxError {
  return new AwsxError(
    "E_MFA_REQUIRED",
    `profile "${profile}" needs an MFA code for ${serial} and ${why}: ` +
      "pass --mfa-token CODE or set AWSX_MFA_TOKEN",
    { profile },
  );
}
