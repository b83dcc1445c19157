import { translateStsError } from "../credentials/stsErrors.js";
import { credentialsFor, positiveInt, type CredentialFlags, type Deps } from "./context.js";

// awsx whoami PROFILE: GetCallerIdentity with the profile's credentials.
export async function runWhoami(input: CredentialFlags & { profile: string; json?: boolean }, deps: Deps, out: (s: string) => void): Promise<number> {
  const { plan, credentials, endpoint } = await credentialsFor(input.profile, input, deps);
  const region = plan.region ?? "us-east-1";
  const target = { region, ...(endpoint.url ? { endpoint: endpoint.url } : {}) };
  const sts = deps.stsFactory
    ? await deps.stsFactory(target)
    : await (await import("../credentials/sts.js")).createSdkSts({ ...target, timeoutMs: positiveInt("AWSX_STS_TIMEOUT", deps.env.AWSX_STS_TIMEOUT, 10) * 1000, maxAttempts: 3 });
  let id;
  try {
    id = await sts.getCallerIdentity(credentials);
  } catch (e) {
    throw translateStsError(e, { profile: input.profile, action: "GetCallerIdentity", endpoint: endpoint.label });
  }
  const data = { Profile: input.profile, Account: id.Account, Arn: id.Arn, UserId: id.UserId, Expiration: credentials.expiration?.toISOString() ?? null };
  if (input.json) out(JSON.stringify(data, null, 2) + "\n");
  else out(`Profile:    ${data.Profile}\nAccount:    ${data.Account}\nArn:        ${data.Arn}\nExpiration: ${data.Expiration ?? "never (long-term keys)"}\n`);
  return 0;
}
