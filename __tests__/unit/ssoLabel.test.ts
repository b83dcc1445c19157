// The SSO portal and OIDC endpoints awsx names (messages, `explain`, the cache key, and the URL
// `awsx sso login|logout|sync` call) must be the hosts the SDK's clients call for the same
// region and switches, with the options awsx gives them (ssoClientConfig): use_fips_endpoint
// and use_dualstack_endpoint change the hosts as in botocore. The clients are stopped before
// sending: no request leaves the process.
import { GetRoleCredentialsCommand, SSOClient } from "@aws-sdk/client-sso";
import { CreateTokenCommand, SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import { ssoEndpoint } from "../../src/config/endpoint.js";
import { loadConfig } from "../../src/config/load.js";
import { ssoClientConfig } from "../../src/platform/ssoClientConfig.js";
import { hostCalled } from "../helpers/sdkHost.js";

const CFG = "/home/u/.aws/config";
const configWith = (lines: string) =>
  loadConfig({ configFile: CFG, credentialsFile: "/none" }, (p) =>
    p === CFG ? `[profile p]\n${lines}\n` : undefined,
  );

type Service = "sso" | "sso-oidc";

// The host the SDK calls with the switches awsx read, read off the request before sending.
async function sdkHost(service: Service, region: string, fips: boolean, dualstack: boolean) {
  const target = { region, timeoutMs: 1000, fips, dualstack, trust: { proxyEnv: {} } };
  const config = ssoClientConfig(target, "test");
  const client = service === "sso" ? new SSOClient(config) : new SSOOIDCClient(config);
  const command =
    service === "sso"
      ? new GetRoleCredentialsCommand({ accessToken: "t", accountId: "1", roleName: "r" })
      : new CreateTokenCommand({ clientId: "c", clientSecret: "s", grantType: "refresh_token" });
  return hostCalled(client, command);
}

const REGIONS = [
  "us-east-1",
  "eu-west-1",
  "ap-southeast-7",
  "cn-north-1",
  "us-gov-west-1",
  "us-iso-east-1",
  "eusc-de-east-1",
  "us-east-1-fips",
];
const SWITCHES = [
  "",
  "use_fips_endpoint = true",
  "use_dualstack_endpoint = true",
  "use_fips_endpoint = true\nuse_dualstack_endpoint = true",
];

describe("the SSO hosts awsx names are the ones the SDK calls", () => {
  const cases = (["sso", "sso-oidc"] as const).flatMap((s) =>
    REGIONS.flatMap((r) => SWITCHES.map((l) => [s, r, l] as const)),
  );
  it.each(cases)("%s in %s with %j", async (service, region, lines) => {
    const e = ssoEndpoint(configWith(lines), "p", {}, service, region);
    expect(e.url).toBeUndefined();
    expect(e.label).toBe(await sdkHost(service, region, e.fips, e.dualstack));
  });

  test("the hosts botocore's SSO rules give, from the profile or the variables", () => {
    const at = (lines: string, env: Record<string, string> = {}) =>
      ssoEndpoint(configWith(lines), "p", env, "sso", "eu-west-1").label;
    expect(at("")).toBe("https://portal.sso.eu-west-1.amazonaws.com");
    expect(at("use_fips_endpoint = true")).toBe("https://portal.sso-fips.eu-west-1.amazonaws.com");
    expect(at("use_dualstack_endpoint = TRUE")).toBe("https://portal.sso.eu-west-1.api.aws");
    expect(at("", { AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "true" })).toBe(
      "https://portal.sso-fips.eu-west-1.api.aws",
    );
    // The variable wins over the profile, even to turn it off.
    expect(at("use_fips_endpoint = true", { AWS_USE_FIPS_ENDPOINT: "false" })).toBe(
      "https://portal.sso.eu-west-1.amazonaws.com",
    );
    const oidc = ssoEndpoint(
      configWith("use_fips_endpoint = true"),
      "p",
      {},
      "sso-oidc",
      "us-east-2",
    );
    expect(oidc.label).toBe("https://oidc-fips.us-east-2.amazonaws.com");
  });

  test(
    "a configured URL is called as it is, the switches off (botocore, " +
      "and the SDK refuses both)",
    () => {
      const e = ssoEndpoint(
        configWith("use_fips_endpoint = true\nuse_dualstack_endpoint = true"),
        "p",
        { AWS_ENDPOINT_URL_SSO: "http://127.0.0.1:9" },
        "sso",
        "eu-west-1",
      );
      expect(e).toMatchObject({ url: "http://127.0.0.1:9", fips: false, dualstack: false });
    },
  );
});
