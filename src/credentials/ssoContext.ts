import type { SsoEndpoint } from "../config/endpoint.js";
import type { SsoSession } from "../sso/ssoConfig.js";
import type { SsoToken } from "../sso/ssoToken.js";
import type { CaBundle, SsoFactory } from "../types.js";

// Offered a profile that has no valid token: may sign the user in and return the token
// (`awsx sso login` on a terminal); undefined leaves the error to the caller.
export type SsoLoginHook = (request: {
  profile: string;
  session: SsoSession;
  reason: string;
  // Where the run's SSO calls go (the named profile's endpoints): the login goes there too.
  oidcUrl: string;
  portalUrl: string;
  // The CA bundle those calls trust (AWS_CA_BUNDLE, the named profile's ca_bundle...).
  caBundle?: CaBundle;
}) => Promise<SsoToken | undefined>;

// What an SSO source needs from outside: the clients, the token store, a cross-process lock.
export interface SsoDeps {
  clients: SsoFactory;
  tokens: {
    read(key: string): Promise<SsoToken | undefined>;
    save(key: string, token: SsoToken): Promise<void>;
  };
  // Runs fn while holding a lock named key across every awsx process.
  lock: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
  login?: SsoLoginHook;
}

// The SSO part of a step context: the deps, and the endpoints of a session's region. As in
// botocore, they are the profile the user named's (its [services], endpoint_url, FIPS...),
// also for an SSO profile that is the source_profile of a role chain.
export interface SsoContext extends SsoDeps {
  endpoints(region: string): { portal: SsoEndpoint; oidc: SsoEndpoint };
}
