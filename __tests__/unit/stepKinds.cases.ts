// One plan per step kind and variant, for the pinned hop ids, descriptions and explain data
// (stepTable.test.ts).
import type { Plan, SourceStep, StsStep } from "../../src/plan/plan.js";

const origin = { file: "/c", section: "profile x" };
const session = {
  name: "corp",
  startUrl: "https://d.awsapps.com/start",
  region: "eu-west-1",
  origin,
};

const SOURCES: Record<string, SourceStep> = {
  staticFile: {
    kind: "static",
    profile: "base",
    provider: "shared-credentials-file",
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "secret-FAKE",
    origin,
  },
  staticStored: {
    kind: "static",
    profile: "base",
    provider: "awsx-store",
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "secret-FAKE",
    sessionToken: "token-FAKE",
    origin: { file: "awsx keychain", section: "base" },
    shadows: { file: "/k", section: "base" },
  },
  process: { kind: "process", profile: "p", command: "helper --x 'a b'", origin },
  environment: { kind: "credentialSource", profile: "r", source: "Environment", origin },
  instance: { kind: "credentialSource", profile: "r", source: "Ec2InstanceMetadata", origin },
  container: { kind: "credentialSource", profile: "r", source: "EcsContainer", origin },
  webIdentityProfile: {
    kind: "webIdentity",
    profile: "w",
    roleArn: "arn:aws:iam::123456789012:role/ci",
    tokenFile: "/run/token",
    sessionName: "ci-run",
    from: "profile",
    origin,
  },
  webIdentityEnv: {
    kind: "webIdentity",
    profile: "w",
    roleArn: "arn:aws:iam::123456789012:role/ci",
    tokenFile: "/run/token",
    from: "env",
  },
  ssoSession: {
    kind: "sso",
    profile: "s",
    session,
    accountId: "123456789012",
    roleName: "Admin",
    origin,
  },
  ssoLegacy: {
    kind: "sso",
    profile: "s",
    session: { startUrl: session.startUrl, region: "us-east-1", origin },
    accountId: "123456789012",
    roleName: "Admin",
    origin,
  },
};

const STEPS: StsStep[] = [
  {
    kind: "sessionToken",
    profile: "m",
    mfaSerial: "arn:aws:iam::123456789012:mfa/me",
    durationSeconds: 43200,
    reason: "mfa_serial on a role whose source has long-term keys",
  },
  { kind: "sessionToken", profile: "m", durationSeconds: 3600, reason: "child session" },
  {
    kind: "assumeRole",
    profile: "x",
    roleArn: "arn:aws:iam::123456789012:role/x",
    sessionName: "me",
    externalId: "ext",
    mfaSerial: "arn:aws:iam::123456789012:mfa/me",
    durationSeconds: 900,
    sourceIdentity: "me",
    origin,
  },
  { kind: "assumeRole", profile: "y", roleArn: "arn:aws:iam::123456789012:role/y", origin },
];

// Each source with every STS step after it.
export const PLANS: Record<string, Plan> = Object.fromEntries(
  Object.entries(SOURCES).map(([name, source]) => [
    name,
    { profile: "x", source, steps: STEPS, region: "eu-west-1", notes: [] },
  ]),
);

// What the hop ids are computed with, besides the plan.
export const HOP = {
  endpoint: "https://sts.eu-west-1.amazonaws.com",
  region: "eu-west-1",
  tokenDigest: "d1g3st",
  envAccessKeyId: "AKIDENVIRONMENT",
  sourceEndpoint: "https://portal.sso.eu-west-1.amazonaws.com",
};
