import { translateStsError } from "../../credentials/stsErrors.js";
import { PROFILE_ARG, type Command } from "../command.js";
import type { CredentialFlags, Deps } from "../deps.js";
import { resolveProfile, stsClientFor } from "../resolveProfile.js";
import { CREDENTIAL_OPTIONS, JSON_OPTION } from "../options.js";
import { visible } from "../../util/printable.js";

type WhoamiInput = CredentialFlags & { profile?: string; json?: boolean };

// The profile whoami reads when none is given: the one this shell's credentials came from
// (AWSX_PROFILE), else the AWS CLI's own choice (AWS_DEFAULT_PROFILE, AWS_PROFILE, default).
function currentProfile(deps: Deps): string {
  const name = deps.settings.currentProfile ?? "default";
  deps.logger.debug(
    `no profile given: using "${name}" (AWSX_PROFILE, AWS_DEFAULT_PROFILE, AWS_PROFILE, default)`,
  );
  return name;
}

// awsx whoami [PROFILE]: GetCallerIdentity with the profile's credentials.
async function runWhoami(
  given: WhoamiInput,
  deps: Deps,
  out: (s: string) => void,
): Promise<number> {
  const input = { ...given, profile: given.profile ?? currentProfile(deps) };
  const resolved = await resolveProfile(input.profile, input, deps);
  const { credentials, endpoint } = resolved;
  const sts = await stsClientFor(resolved, deps);
  let id: Awaited<ReturnType<typeof sts.getCallerIdentity>>;
  try {
    id = await sts.getCallerIdentity(credentials);
  } catch (e) {
    throw translateStsError(e, {
      profile: input.profile,
      action: "GetCallerIdentity",
      endpoint: endpoint.label,
    });
  }
  const data = {
    Profile: input.profile,
    Account: id.Account,
    Arn: id.Arn,
    UserId: id.UserId,
    Expiration: credentials.expiration?.toISOString() ?? null,
  };
  if (input.json) out(`${JSON.stringify(data, null, 2)}\n`);
  else
    out(
      visible(
        `Profile:    ${data.Profile}\n` +
          `Account:    ${data.Account}\n` +
          `Arn:        ${data.Arn}\n` +
          `Expiration: ${data.Expiration ?? "never (long-term keys)"}\n`,
      ),
    );
  return 0;
}

// awsx whoami.
export const whoami: Command = {
  name: "whoami",
  summary: "Show the identity (account, ARN, expiry) the profile's credentials resolve to",
  usage: "[PROFILE]",
  options: [...CREDENTIAL_OPTIONS, JSON_OPTION],
  args: [
    {
      ...PROFILE_ARG,
      required: false,
      describe:
        "Default: AWSX_PROFILE (set by exec and env), AWS_DEFAULT_PROFILE, AWS_PROFILE, default",
    },
  ],
  examples: [
    ["awsx whoami target1 --json", "GetCallerIdentity as target1, as JSON"],
    ["awsx whoami", "the profile this shell switched to (AWSX_PROFILE)"],
  ],
  run: (input, deps) => runWhoami(input as WhoamiInput, deps, deps.out),
};
