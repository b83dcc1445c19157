// The STS endpoint awsx names (in messages, `explain`, doctor's clock check and cache keys)
// must be the host the SDK's STS client calls for the same region and switches. The client is
// stopped before sending: no request leaves the process.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { stsEndpoint } from "../../src/config/endpoint.js";
import { loadConfig } from "../../src/config/load.js";
import { sdkClientConfig } from "../../src/platform/sdkClientConfig.js";
import { hostCalled } from "../helpers/sdkHost.js";

const CFG = "/home/u/.aws/config";
const label = (region: string, lines: string) => {
  const config = loadConfig({ configFile: CFG, credentialsFile: "/none" }, (p) =>
    p === CFG ? `[profile p]\n${lines}\n` : undefined,
  );
  return stsEndpoint(config, "p", {}, region);
};

// The host the SDK calls for the region and the profile's lines as given (it reads FIPS
// pseudo-regions itself), read off the request at the last step before sending.
async function sdkHost(region: string, lines: string): Promise<string> {
  const client = new STSClient({
    ...sdkClientConfig({ region, timeoutMs: 1000, trust: { proxyEnv: {} } }, "STS"),
    useFipsEndpoint: lines.includes("use_fips_endpoint = true"),
    useDualstackEndpoint: lines.includes("use_dualstack_endpoint = true"),
    useGlobalEndpoint: lines.includes("sts_regional_endpoints = legacy"),
    credentials: { accessKeyId: "AKIDSTSLABELTEST0001", secretAccessKey: "not-a-secret" },
  });
  return hostCalled(client, new GetCallerIdentityCommand({}));
}

const REGIONS = [
  "us-east-1",
  "eu-west-1",
  "ap-southeast-7",
  "mx-central-1",
  "il-central-1",
  "cn-north-1",
  "cn-northwest-1",
  "us-gov-west-1",
  "us-iso-east-1",
  "us-isob-east-1",
  "eu-isoe-west-1",
  "us-isof-south-1",
  "eusc-de-east-1",
  "us-east-1-fips",
  "fips-us-east-1",
  "us-gov-west-1-fips",
  "aws-global",
];
const SWITCHES = [
  "",
  "use_fips_endpoint = true",
  "use_dualstack_endpoint = true",
  "use_fips_endpoint = true\nuse_dualstack_endpoint = true",
  "sts_regional_endpoints = legacy",
];

describe("the STS endpoint awsx names is the one the SDK calls", () => {
  const cases = REGIONS.flatMap((r) => SWITCHES.map((s) => [r, s] as const));
  it.each(cases)("%s with %j", async (region, lines) => {
    expect(label(region, lines).label).toBe(await sdkHost(region, lines));
  });
});
