import { validEndpointHost } from "../config/endpointUrl.js";
import type { ProfileValues } from "../config/nestedBlock.js";
import { readFlag, readSetting } from "../config/setting.js";
import { AwsxError } from "../errors.js";
import type { Env } from "../types.js";
import { pythonInt } from "../util/pythonInt.js";

// How to reach the instance metadata service, from the environment and the profile awsx was
// asked for, as botocore's create_credential_resolver reads them (configprovider.py).
export interface MetadataSettings {
  disabled: boolean;
  // The base URL every path is appended to (botocore's _construct_url).
  baseUrl: string;
  v1Disabled: boolean;
  timeoutMs: number;
  attempts: number;
}

const IPV4_BASE = "http://169.254.169.254/";
const IPV6_BASE = "http://[fd00:ec2::254]/";

// The instance metadata settings of a profile; a bad one fails every profile, as in the CLI.
export function metadataSettings(profile: ProfileValues, env: Env): MetadataSettings {
  const { name } = profile;
  const bad = (what: string, fix: string) =>
    new AwsxError("E_CONFIG", `${what} (profile "${name}"); ${fix}`, { profile: name });
  const int = (envName: string, key: string, fallback: number): number => {
    const got = readSetting(env, profile, envName, key);
    if (!got) return fallback;
    const n = pythonInt(got.value);
    if (n === undefined)
      throw bad(`${got.from} = "${got.value}" is not a whole number`, "write e.g. 1");
    return n;
  };
  const mode = readSetting(
    env,
    profile,
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    "ec2_metadata_service_endpoint_mode",
  );
  if (mode && !["ipv4", "ipv6"].includes(mode.value.toLowerCase()))
    throw bad(`${mode.from} = "${mode.value}" is not an endpoint mode`, "use IPv4 or IPv6");
  const ipv6 = mode
    ? mode.value.toLowerCase() === "ipv6"
    : readFlag(env, profile, "AWS_IMDS_USE_IPV6", "imds_use_ipv6");
  const custom = readSetting(
    env,
    profile,
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "ec2_metadata_service_endpoint",
  );
  const baseUrl = custom?.value ? custom.value : ipv6 ? IPV6_BASE : IPV4_BASE;
  // botocore's is_valid_uri: the fetch itself may still fail, and the chain goes on.
  if (!validEndpointHost(baseUrl))
    throw bad(`the instance metadata endpoint "${baseUrl}" is not a valid URL`, "fix or unset it");
  return {
    disabled: (env.AWS_EC2_METADATA_DISABLED ?? "false").toLowerCase() === "true",
    baseUrl,
    v1Disabled: readFlag(env, profile, "AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled"),
    timeoutMs: int("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout", 1) * 1000,
    attempts: int("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts", 1),
  };
}
