// Types every layer shares: credentials and the STS calls awsx makes.
// A set of AWS credentials; expiration is absent for long-term keys.
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

// Show an access key id the way aws-vault's debug output does: never the whole key.
export const maskKeyId = (id: string): string =>
  id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : "…";

export interface AssumeRoleInput {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds?: number;
  ExternalId?: string;
  SerialNumber?: string;
  TokenCode?: string;
  SourceIdentity?: string;
}

// The four STS calls awsx makes, behind an interface so tests can count them.
export interface Sts {
  assumeRole(creds: Credentials, input: AssumeRoleInput): Promise<Credentials>;
  getSessionToken(
    creds: Credentials,
    input: { DurationSeconds?: number; SerialNumber?: string; TokenCode?: string },
  ): Promise<Credentials>;
  assumeRoleWithWebIdentity(input: {
    RoleArn: string;
    RoleSessionName: string;
    WebIdentityToken: string;
    DurationSeconds?: number;
  }): Promise<Credentials>;
  getCallerIdentity(
    creds: Credentials,
  ): Promise<{ Account?: string; Arn?: string; UserId?: string }>;
  getFederationToken(
    creds: Credentials,
    input: { Name: string; Policy?: string; DurationSeconds?: number },
  ): Promise<Credentials>;
}

// The three IAM calls `awsx rotate` makes, signed with the credentials given.
export interface Iam {
  listAccessKeys(creds: Credentials, userName: string): Promise<string[]>;
  createAccessKey(
    creds: Credentials,
    userName: string,
  ): Promise<{ accessKeyId: string; secretAccessKey: string }>;
  deleteAccessKey(creds: Credentials, userName: string, accessKeyId: string): Promise<void>;
}

// Creates the IAM client: the SDK's in production, a fake in tests.
export type IamFactory = (target: { region: string; endpoint?: string }) => Promise<Iam>;

// An environment as a plain map: awsx's own, handed down, never read from process.env below cli/.
export type Env = Record<string, string | undefined>;

// Creates the STS client for a region and endpoint: the SDK's in production, a fake in tests.
// Without `endpoint`, the SDK's STS rules pick the host from the region and the switches.
export type StsFactory = (target: StsClientTarget) => Promise<Sts>;

// A CA bundle that replaces the default trust of a profile's https calls, and where the
// setting came from (src/config/caBundle.ts).
export interface CaBundle {
  path: string;
  from: string;
}

export interface StsClientTarget {
  region: string;
  endpoint?: string;
  caBundle?: CaBundle;
  fips?: boolean;
  dualstack?: boolean;
  global?: boolean;
}

// The IAM Identity Center portal call awsx makes (GetRoleCredentials: a bearer token, unsigned).
export interface SsoRolePortal {
  getRoleCredentials(input: {
    accessToken: string;
    accountId: string;
    roleName: string;
  }): Promise<Credentials>;
}

// The OIDC call the resolver makes: CreateToken with the refresh_token grant.
export interface SsoTokenRefresher {
  refreshToken(input: {
    clientId: string;
    clientSecret: string;
    refreshToken: string;
  }): Promise<{ accessToken: string; expiresIn: number; refreshToken?: string }>;
}

// Where an SSO client's calls go.
// Where an SSO portal or OIDC client calls: an endpoint URL, or the region's default with the
// FIPS and dual-stack switches (never with an endpoint: the SDK's rules refuse both); the CA
// bundle its TLS trusts, when one is configured.
export interface SsoClientTarget {
  region: string;
  endpoint?: string;
  fips?: boolean;
  dualstack?: boolean;
  caBundle?: CaBundle;
}

// Creates the SSO clients for a region and endpoint: the SDK's in production, fakes in tests.

export interface SsoFactory {
  portal(target: SsoClientTarget): Promise<SsoRolePortal>;
  oidc(target: SsoClientTarget): Promise<SsoTokenRefresher>;
}

// One hop of a plan that calls STS and yields a session worth caching.
export interface Hop {
  // Names the whole route up to this hop without any secret (src/plan/hopIds.ts).
  id: string;
  profile: string;
  kind: "assumeRole" | "sessionToken" | "webIdentity" | "sso";
  // The role ARN or MFA serial, to tell sessions apart in `awsx list`.
  label: string;
  // Every profile of the chain (for `awsx clear PROFILE`).
  profiles: string[];
  // The region of the STS calls (awsx list shows it where two sessions differ by it).
  region?: string;
}

// Wraps the running of one hop from outside (the session cache is one): it may return
// credentials without calling run.
export type AroundHop = (hop: Hop, run: () => Promise<Credentials>) => Promise<Credentials>;

// The small interface every cache backend implements. Values are opaque strings
// (an encoded CacheEntry); a backend only keeps them.
export interface Store {
  readonly name: "keychain" | "file" | "memory" | "none";
  // Chosen by name: a failing read is an error, not a cache miss.
  readonly strict?: boolean;
  // The default backend: why the keychain was given up during this run, if it was.
  readonly failure?: string;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  list(): Promise<Array<{ key: string; value: string }>>;
}
