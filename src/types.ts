// Types every layer shares: credentials and the STS calls awsx makes.
// A set of AWS credentials; expiration is absent for long-term keys.
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

// Show an access key id the way aws-vault's debug output does: never the whole key.
export const maskKeyId = (id: string): string => (id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : "…");

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
  getSessionToken(creds: Credentials, input: { DurationSeconds?: number; SerialNumber?: string; TokenCode?: string }): Promise<Credentials>;
  assumeRoleWithWebIdentity(input: { RoleArn: string; RoleSessionName: string; WebIdentityToken: string; DurationSeconds?: number }): Promise<Credentials>;
  getCallerIdentity(creds: Credentials): Promise<{ Account?: string; Arn?: string; UserId?: string }>;
  getFederationToken(creds: Credentials, input: { Name: string; Policy?: string; DurationSeconds?: number }): Promise<Credentials>;
}
