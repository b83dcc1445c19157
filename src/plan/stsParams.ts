import { AwsxError } from "../errors.js";
import { type Origin, where } from "../config/load.js";
import type { SourceStep, StsStep } from "./plan.js";

// The minimum length of each string awsx sends from a profile, as the STS model that botocore
// validates every request against gives it (botocore/data/sts/2011-06-15/service-2.json:
// arnType, externalIdType, serialNumberType, clientTokenType). The CLI fails a shorter value
// before sending; maxima and patterns it leaves to STS. DurationSeconds (min 900) is checked
// with its range in build.ts.
export const STS_MIN_LENGTH = {
  RoleArn: 20,
  ExternalId: 2,
  SerialNumber: 9,
  WebIdentityToken: 4,
} as const;
type Param = keyof typeof STS_MIN_LENGTH;

// roleSessionNameType (min 2, max 64, [\w+=,.@-]*) is checked whole, as awsx always did:
// STS refuses the rest, so awsx fails first (docs/config.md).
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

// Python's len(), which botocore measures with: code points, not UTF-16 units.
export const pyLen = (s: string): number => [...s].length;

// Whether a value is as long as STS takes for this parameter.
export const longEnough = (param: Param, value: string): boolean =>
  pyLen(value) >= STS_MIN_LENGTH[param];

interface Where {
  profile: string;
  origin?: Origin;
}

// The value is not shown: an external_id is a shared secret of sorts.
function checkMin(at: Where, key: string, param: Param, value: string | undefined): void {
  if (value === undefined || longEnough(param, value)) return;
  const n = pyLen(value);
  const size = n === 0 ? "is empty" : `has ${n} character${n === 1 ? "" : "s"}`;
  throw new AwsxError(
    "E_CONFIG",
    `${key} in profile "${at.profile}" ${size}${where(at.origin)}; STS takes at least ` +
      `${STS_MIN_LENGTH[param]} for ${param} (the AWS CLI refuses it too): fix or remove it`,
    { profile: at.profile },
  );
}

// An mfa_serial awsx would send as SerialNumber (also by awsx rotate, outside any plan).
export function checkMfaSerial(at: Where, serial: string | undefined): void {
  checkMin(at, "mfa_serial", "SerialNumber", serial);
}

function checkSessionName(at: Where, key: string, name: string | undefined): void {
  if (name === undefined || SESSION_NAME.test(name)) return;
  throw new AwsxError(
    "E_CONFIG",
    `${key} "${name}" in profile "${at.profile}" is invalid${where(at.origin)}: ` +
      "use 2-64 characters from letters, digits and +=,.@_-",
    { profile: at.profile },
  );
}

// Fail before any request (and before asking for an MFA code) on a value STS cannot take.
export function checkStsParams(source: SourceStep, steps: readonly StsStep[]): void {
  if (source.kind === "webIdentity") {
    const env = source.from === "env";
    checkMin(source, env ? "AWS_ROLE_ARN" : "role_arn", "RoleArn", source.roleArn);
    const key = env ? "AWS_ROLE_SESSION_NAME (or role_session_name)" : "role_session_name";
    checkSessionName(source, key, source.sessionName);
  }
  for (const step of steps) {
    if (step.kind === "assumeRole") {
      checkMin(step, "role_arn", "RoleArn", step.roleArn);
      checkMin(step, "external_id", "ExternalId", step.externalId);
      checkSessionName(step, "role_session_name", step.sessionName);
    }
    checkMfaSerial(step, step.mfaSerial);
  }
}
