import { consoleSignInUrl, type SignInEffects } from "../../login/consoleSignIn.js";
import { destinationUrl, partitionOf } from "../../login/federation.js";
import { sendRequest } from "../../platform/sendRequest.js";
import { openSecretUrl } from "../../platform/openBrowser.js";
import { type CredentialFlags, type Deps, trustOf } from "../deps.js";
import { planOf, resolveProfile, stsClientFor } from "../resolveProfile.js";
import type { Resolved } from "../../credentials/credentialsFor.js";

export interface LoginInput extends CredentialFlags {
  profile: string;
  path?: string;
  open?: boolean;
  stdout?: boolean;
}

// awsx login PROFILE: a console sign-in URL for the profile's role (long-term user keys
// go through GetFederationToken first, as aws-vault does: src/login/consoleSignIn.ts).
export async function runLogin(
  input: LoginInput,
  deps: Deps,
  out: (s: string) => void,
): Promise<number> {
  // GetFederationToken needs the long-term keys themselves: no session of stored keys.
  input = { ...input, session: false };
  const plan = await planOf(input.profile, { ...input, duration: undefined }, deps);
  // A bad --path is refused before any credentials are fetched or sent anywhere.
  const partition = partitionOf(plan.region);
  const destination = destinationUrl(partition, plan.region, input.path);
  const isRole =
    plan.steps.some((s) => s.kind === "assumeRole") || plan.source.kind === "webIdentity";
  const resolved = await resolveProfile(
    input.profile,
    isRole ? input : { ...input, duration: undefined },
    deps,
  );
  const endpoint = deps.settings.federationEndpoint || partition.federation;
  const url = await consoleSignInUrl(
    {
      profile: input.profile,
      credentials: resolved.credentials,
      endpoint,
      destination,
      stsEndpoint: resolved.endpoint.label,
      federationSeconds: input.duration,
      sessionSeconds: isRole && input.duration !== undefined ? input.duration : undefined,
    },
    signInEffects(resolved, endpoint, deps),
  );
  if (input.open && (await openSecretUrl(url, deps.env))) return 0;
  out(`${url}\n`);
  return 0;
}

// The exchange's effects: the profile's STS client (created only for long-term keys) and the
// federation endpoint reached as the CLI reaches AWS: its proxy, and the profile's CA bundle
// for an https endpoint.
function signInEffects(resolved: Resolved, endpoint: string, deps: Deps): SignInEffects {
  const bundle = endpoint.startsWith("https:") ? resolved.endpoint.caBundle : undefined;
  return {
    sts: () => stsClientFor(resolved, deps),
    get: (url) =>
      sendRequest(url, {
        method: "GET",
        timeoutMs: 10_000,
        trust: trustOf(deps, bundle),
        what: endpoint,
      }),
    logger: deps.logger,
  };
}
