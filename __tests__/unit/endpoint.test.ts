// stsEndpoint: botocore's endpoint choice for the STS client of the named profile (the
// outcomes here were each read off `aws --debug` of the CLI v1 / botocore 1.43, run with no
// network; __tests__/integration/endpointParity.test.ts checks them against the CLI itself).
import { stsEndpoint } from "../../src/config/endpoint.js";
import { loadConfig } from "../../src/config/load.js";
import { AwsxError } from "../../src/errors.js";

const CFG = "/home/u/.aws/config";
const load = (config: string) =>
  loadConfig({ configFile: CFG, credentialsFile: "/none" }, (p) =>
    p === CFG ? config : undefined,
  );
const ep = (config: string, env: Record<string, string> = {}, region?: string) =>
  stsEndpoint(load(config), "p", env, region);

const LOCAL = "http://127.0.0.1:5";
const PROFILE_URL = "http://127.0.0.1:7";

describe("stsEndpoint", () => {
  it.each([
    ["nothing configured", "", {}, "eu-west-1", undefined, "https://sts.eu-west-1.amazonaws.com"],
    ["no region: the global endpoint", "", {}, undefined, undefined, "https://sts.amazonaws.com"],
    [
      "AWS_ENDPOINT_URL_STS first",
      `endpoint_url = ${PROFILE_URL}`,
      { AWS_ENDPOINT_URL_STS: LOCAL },
      "eu-west-1",
      LOCAL,
      LOCAL,
    ],
    [
      "an empty AWS_ENDPOINT_URL_STS is skipped",
      "",
      { AWS_ENDPOINT_URL_STS: "", AWS_ENDPOINT_URL: LOCAL },
      "eu-west-1",
      LOCAL,
      LOCAL,
    ],
    [
      "the profile's endpoint_url",
      `endpoint_url = ${PROFILE_URL}`,
      {},
      "eu-west-1",
      PROFILE_URL,
      PROFILE_URL,
    ],
    [
      "ignore in the profile beats the env's endpoint",
      `ignore_configured_endpoint_urls = true`,
      { AWS_ENDPOINT_URL_STS: LOCAL },
      "eu-west-1",
      undefined,
      "https://sts.eu-west-1.amazonaws.com",
    ],
    [
      "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false beats the profile's true",
      "ignore_configured_endpoint_urls = true",
      { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false", AWS_ENDPOINT_URL_STS: LOCAL },
      "eu-west-1",
      LOCAL,
      LOCAL,
    ],
    [
      "an empty AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is false and hides the profile's",
      `ignore_configured_endpoint_urls = true\nendpoint_url = ${PROFILE_URL}`,
      { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "" },
      "eu-west-1",
      PROFILE_URL,
      PROFILE_URL,
    ],
    [
      "only 'true' is true",
      `ignore_configured_endpoint_urls = yes\nendpoint_url = ${PROFILE_URL}`,
      {},
      "eu-west-1",
      PROFILE_URL,
      PROFILE_URL,
    ],
    [
      "legacy in a legacy-global region",
      "sts_regional_endpoints = legacy",
      {},
      "eu-west-1",
      undefined,
      "https://sts.amazonaws.com",
    ],
    [
      "legacy elsewhere stays regional",
      "sts_regional_endpoints = legacy",
      {},
      "af-south-1",
      undefined,
      "https://sts.af-south-1.amazonaws.com",
    ],
    [
      "the variable beats the profile",
      "sts_regional_endpoints = legacy",
      { AWS_STS_REGIONAL_ENDPOINTS: "regional" },
      "eu-west-1",
      undefined,
      "https://sts.eu-west-1.amazonaws.com",
    ],
    [
      "FIPS",
      "use_fips_endpoint = true",
      {},
      "us-east-1",
      undefined,
      "https://sts-fips.us-east-1.amazonaws.com",
    ],
    [
      "FIPS wins over legacy",
      "use_fips_endpoint = true\nsts_regional_endpoints = legacy",
      {},
      "us-east-1",
      undefined,
      "https://sts-fips.us-east-1.amazonaws.com",
    ],
    [
      "dual-stack",
      "",
      { AWS_USE_DUALSTACK_ENDPOINT: "true" },
      "eu-west-1",
      undefined,
      "https://sts.eu-west-1.api.aws",
    ],
    ["cn partition", "", {}, "cn-north-1", undefined, "https://sts.cn-north-1.amazonaws.com.cn"],
    [
      "FIPS is ignored with a configured endpoint",
      `use_fips_endpoint = true\nendpoint_url = ${PROFILE_URL}`,
      {},
      "us-east-1",
      PROFILE_URL,
      PROFILE_URL,
    ],
  ])("%s", (_name, lines, env, region, url, label) => {
    const e = ep(`[profile p]\n${lines}\n`, env as Record<string, string>, region);
    expect(e.url).toBe(url);
    expect(e.label).toBe(label);
  });

  it("no region: the client region is aws-global (signed for us-east-1 by the SDK's rules)", () => {
    expect(ep("[profile p]\n").region).toBe("aws-global");
  });

  it("the services section's sts endpoint_url beats the profile's endpoint_url", () => {
    const e = ep(
      `[profile p]\nservices = s\nendpoint_url = ${PROFILE_URL}\n[services s]\nsts =\n` +
        `  endpoint_url = ${LOCAL}\n`,
      {},
      "eu-west-1",
    );
    expect([e.url, e.from]).toEqual([LOCAL, "[services s] sts"]);
  });

  it("a services section without sts falls through to endpoint_url", () => {
    const e = ep(
      `[profile p]\nservices = s\nendpoint_url = ${PROFILE_URL}\n[services s]\niam =\n` +
        `  endpoint_url = ${LOCAL}\n`,
      {},
      "eu-west-1",
    );
    expect(e.url).toBe(PROFILE_URL);
  });

  it.each([
    ["a missing section", "[profile p]\nservices = nope\n"],
    ["an empty section", "[profile p]\nservices = s\n[services s]\n"],
  ])("services naming %s is a config error (as botocore), before any call", (_n, config) => {
    const err = (() => {
      try {
        ep(config, {}, "eu-west-1");
      } catch (e) {
        return e;
      }
    })() as AwsxError;
    expect(err).toBeInstanceOf(AwsxError);
    expect(err.code).toBe("E_CONFIG");
    expect(err.message).toMatch(/services configuration does not exist/);
  });

  it("services naming a missing section is not read when an env endpoint or ignore wins", () => {
    expect(ep("[profile p]\nservices = nope\n", { AWS_ENDPOINT_URL: LOCAL }, "eu-west-1").url).toBe(
      LOCAL,
    );
    expect(
      ep(
        "[profile p]\nservices = nope\n",
        { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" },
        "eu-west-1",
      ).url,
    ).toBeUndefined();
  });

  it.each([
    [{ AWS_STS_REGIONAL_ENDPOINTS: "bogus" }, ""],
    [{}, "sts_regional_endpoints = Legacy"],
    [{ AWS_ENDPOINT_URL_STS: LOCAL }, "sts_regional_endpoints = bogus"],
  ])("an invalid sts_regional_endpoints is an error even with an endpoint (%j %s)", (env, line) => {
    expect(() => ep(`[profile p]\n${line}\n`, env, "eu-west-1")).toThrow(
      /STS regional endpoints option .* is invalid/,
    );
  });
});
