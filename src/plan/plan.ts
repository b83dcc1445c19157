import type { Origin } from "../config/load.js";
import type { SsoSession } from "../sso/ssoConfig.js";

export type CredentialSourceName = "Environment" | "Ec2InstanceMetadata" | "EcsContainer";

// Where a chain starts: credentials that need no STS call of ours (or, for web
// identity, one that needs no credentials).
export type SourceStep =
  | {
      kind: "static";
      profile: string;
      // Which file the keys were read from, as the CLI reports it; "awsx-store": the keychain
      // (or encrypted file store) of `awsx add` (docs/keys.md).
      provider: "shared-credentials-file" | "config-file" | "awsx-store";
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken?: string;
      origin: Origin;
      // awsx-store keys: the plaintext keys of the same profile they win over (explain, list).
      shadows?: Origin;
    }
  | { kind: "process"; profile: string; command: string; origin: Origin }
  | { kind: "credentialSource"; profile: string; source: CredentialSourceName; origin: Origin }
  | {
      kind: "webIdentity";
      profile: string;
      roleArn: string;
      tokenFile: string;
      sessionName?: string;
      // "env" when AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE supplied it.
      from: "profile" | "env";
      origin?: Origin;
    }
  | {
      // IAM Identity Center: GetRoleCredentials with the session's token.
      kind: "sso";
      profile: string;
      session: SsoSession;
      accountId: string;
      roleName: string;
      origin: Origin;
    };

export interface AssumeRoleStep {
  kind: "assumeRole";
  profile: string;
  roleArn: string;
  sessionName?: string;
  externalId?: string;
  mfaSerial?: string;
  durationSeconds?: number;
  sourceIdentity?: string;
  origin: Origin;
}

export interface SessionTokenStep {
  kind: "sessionToken";
  profile: string;
  // Absent: a plain GetSessionToken, so long-term keys never reach the child (docs/keys.md).
  mfaSerial?: string;
  durationSeconds: number;
  // Why this step was added, for --debug and explain.
  reason: string;
}

export type StsStep = AssumeRoleStep | SessionTokenStep;
export type Step = SourceStep | StsStep;

// The explicit route from a source to the target profile's credentials.
export interface Plan {
  profile: string;
  source: SourceStep;
  steps: StsStep[];
  region?: string;
  regionOrigin?: string;
  notes: string[];
}
