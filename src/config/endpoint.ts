import { AwsxError } from "../errors.js";
import { describeProblem, endpointUrl, endpointUrlProblem } from "./endpointUrl.js";
import type { LoadedConfig } from "./load.js";
import { type ProfileValues, refuseBlock } from "./nestedBlock.js";
import { type CaBundle, caBundleOf } from "./caBundle.js";
import { readFlag, readSetting } from "./setting.js";

// Where a service's calls go, and why.
export interface ServiceEndpoint {
  // Set when configured; absent means the service's default endpoint.
  url?: string;
  // What to show in messages: the URL awsx will call.
  label: string;
  from: string;
  // The CA bundle of an https endpoint's calls (AWS_CA_BUNDLE, ca_bundle...), when set.
  caBundle?: CaBundle;
}

export interface StsEndpoint extends ServiceEndpoint {
  // url absent: the default endpoint the SDK's STS rules give for `region` and the three
  // switches below.
  // The region the STS client is created with: "aws-global" when there is none, as botocore.
  region: string;
  fips: boolean;
  dualstack: boolean;
  // sts_regional_endpoints = legacy in a region that had the global endpoint.
  global: boolean;
}

type Env = Record<string, string | undefined>;

// botocore's LEGACY_GLOBAL_STS_REGIONS: with sts_regional_endpoints = legacy these used
// https://sts.amazonaws.com.
const LEGACY_GLOBAL = new Set([
  "ap-northeast-1",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "aws-global",
  "ca-central-1",
  "eu-central-1",
  "eu-north-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
]);

const configError = (profile: string, message: string): AwsxError =>
  new AwsxError("E_CONFIG", message, { profile });

// A service as botocore's ConfiguredEndpointProvider names it: its variable and its key in
// a [services] section.
interface Service {
  variable: string;
  key: string;
}
const STS: Service = { variable: "AWS_ENDPOINT_URL_STS", key: "sts" };

// The configured endpoint, in botocore's ConfiguredEndpointProvider order; empty values
// are skipped, and a `services` key naming no (or an empty) section is an error. The one
// chosen must be a URL the CLI would call: otherwise no request goes anywhere (exit 78).
function configuredUrl(
  config: LoadedConfig,
  profile: ProfileValues,
  env: Env,
  service: Service = STS,
): { url: string; from: string } | undefined {
  const found = findConfiguredUrl(config, profile, env, service);
  if (!found) return undefined;
  const problem = endpointUrlProblem(found.url);
  if (problem) {
    throw configError(
      profile.name,
      `the ${service.key} endpoint of profile "${profile.name}" (from ${found.from}) ` +
        `${describeProblem(found.url, problem)}; write it as http(s)://host[:port]`,
    );
  }
  return { url: endpointUrl(found.url), from: found.from };
}

function findConfiguredUrl(
  config: LoadedConfig,
  profile: ProfileValues,
  env: Env,
  service: Service,
): { url: string; from: string } | undefined {
  const own = env[service.variable];
  if (own) return { url: own, from: service.variable };
  if (env.AWS_ENDPOINT_URL) return { url: env.AWS_ENDPOINT_URL, from: "AWS_ENDPOINT_URL" };
  const { values } = profile;
  refuseBlock(profile, "services");
  const name = values.services;
  if (name !== undefined) {
    const section = config.services.get(name);
    if (!section || Object.keys(section).length === 0) {
      throw configError(
        profile.name,
        `profile "${profile.name}" sets services = ${name}, but the "${name}" services ` +
          `configuration does not exist in ${config.configFile}; add [services ${name}] or ` +
          "remove the services key",
      );
    }
    const sub = section[service.key];
    // botocore reads section[key].get("endpoint_url"): a plain value there makes it crash.
    if (typeof sub === "string") {
      throw configError(
        profile.name,
        `[services ${name}] in ${config.configFile} sets ${service.key} = ${sub} on one line, ` +
          `where the AWS CLI wants a block; write "${service.key} =" and below it an indented ` +
          `"endpoint_url = ${sub}"`,
      );
    }
    if (sub?.endpoint_url)
      return { url: sub.endpoint_url, from: `[services ${name}] ${service.key}` };
  }
  refuseBlock(profile, "endpoint_url");
  if (values.endpoint_url)
    return { url: values.endpoint_url, from: `endpoint_url of profile ${profile.name}` };
  return undefined;
}

// sts_regional_endpoints: "regional" unless set; anything but legacy/regional is an error,
// read (like botocore) even when an endpoint URL is configured.
function regionalSetting(profile: ProfileValues, env: Env): string {
  const got = readSetting(env, profile, "AWS_STS_REGIONAL_ENDPOINTS", "sts_regional_endpoints");
  const raw = got?.value;
  if (!raw) return "regional";
  if (raw !== "legacy" && raw !== "regional") {
    throw configError(
      profile.name,
      `STS regional endpoints option ${raw} (profile "${profile.name}", from ${got!.from}) ` +
        'is invalid; use "legacy" or "regional"',
    );
  }
  return raw;
}

const profileOf = (config: LoadedConfig, name: string): ProfileValues =>
  config.profiles.get(name) ?? { name, values: {} };

const ignoreConfigured = (env: Env, profile: ProfileValues): boolean =>
  readFlag(env, profile, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls");

// The CLI reads ca_bundle for an https endpoint (STS, SSO portal, OIDC), and a nested block
// there fails before anything is sent: so does awsx. Not read for an http endpoint.
const trustOf = (env: Env, profile: ProfileValues, url: string) => {
  const bundle = url.startsWith("https:") ? caBundleOf(env, profile) : undefined;
  return bundle ? { caBundle: bundle } : {};
};

// The DNS suffixes (plain, dual-stack) of the partitions other than aws and aws-us-gov, as in
// @aws-sdk/core's partitions, which the STS client itself uses. That module cannot go into the
// warm bundle alone (it brings 34 KB of the SDK's endpoint code); stsLabel.test.ts compares
// every label with the host the SDK's client calls.
const PARTITIONS: Array<[RegExp, string, string]> = [
  [/^(cn-\w+-\d+|aws-cn-global)$/, "amazonaws.com.cn", "api.amazonwebservices.com.cn"],
  [/^eusc-de-\w+-\d+$/, "amazonaws.eu", "api.amazonwebservices.eu"],
  [/^(us-iso-\w+-\d+|aws-iso-global)$/, "c2s.ic.gov", "api.aws.ic.gov"],
  [/^(us-isob-\w+-\d+|aws-iso-b-global)$/, "sc2s.sgov.gov", "api.aws.scloud"],
  [/^(eu-isoe-\w+-\d+|aws-iso-e-global)$/, "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk"],
  [/^(us-isof-\w+-\d+|aws-iso-f-global)$/, "csp.hci.ic.gov", "api.aws.hci.ic.gov"],
];

// The default endpoint's URL for messages and cache keys (the SDK's STS rules pick the host
// it calls).
function defaultLabel(region: string, fipsWanted: boolean, dualstack: boolean, global: boolean) {
  let fips = fipsWanted;
  if (!fips && !dualstack && (global || region === "aws-global"))
    return "https://sts.amazonaws.com";
  // The us-gov partition's FIPS host is its regional one.
  if (fips && !dualstack && region.startsWith("us-gov-")) fips = false;
  const [, plain, dual] = PARTITIONS.find(([re]) => re.test(region)) ?? [
    undefined,
    "amazonaws.com",
    "api.aws",
  ];
  return `https://sts${fips ? "-fips" : ""}.${region}.${dualstack ? dual : plain}`;
}

// botocore's _normalize_fips_region: a FIPS pseudo-region (us-east-1-fips, fips-us-east-1) is
// its region with FIPS on; "fips-" and "-fips" go wherever they are.
const fipsRegion = (region: string | undefined) => {
  const real = region?.replaceAll("fips-", "").replaceAll("-fips", "");
  return { real, pseudo: real !== region };
};

// Where STS calls go, as botocore decides for the named profile's client: a configured URL
// (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the [services] sts endpoint_url, the profile's
// endpoint_url) unless ignore_configured_endpoint_urls; else the default endpoint for the
// region, sts_regional_endpoints, use_fips_endpoint and use_dualstack_endpoint.
export function stsEndpoint(
  config: LoadedConfig,
  profileName: string,
  env: Env,
  region: string | undefined,
): StsEndpoint {
  const profile = profileOf(config, profileName);
  const regional = regionalSetting(profile, env);
  const { real, pseudo } = fipsRegion(region);
  const clientRegion = real ?? "aws-global";
  const ignore = ignoreConfigured(env, profile);
  const configured = ignore ? undefined : configuredUrl(config, profile, env);
  if (configured) {
    const { url, from } = configured;
    // No region: botocore refuses ("You must specify a region"); awsx signs for us-east-1
    // (docs/config.md, where awsx knowingly differs).
    return {
      url,
      label: url,
      from,
      ...trustOf(env, profile, url),
      region: real ?? "us-east-1",
      fips: false,
      dualstack: false,
      global: false,
    };
  }
  const trust = trustOf(env, profile, "https:");
  const fips = pseudo || readFlag(env, profile, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
  const dualstack = readFlag(env, profile, "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");
  const global = regional === "legacy" && LEGACY_GLOBAL.has(clientRegion) && !fips && !dualstack;
  const why = [
    ignore ? "configured endpoints ignored" : undefined,
    region ? undefined : "no region",
    global ? "sts_regional_endpoints = legacy" : undefined,
    fips ? "FIPS" : undefined,
    dualstack ? "dual-stack" : undefined,
  ].filter(Boolean);
  return {
    label: defaultLabel(clientRegion, fips, dualstack, global),
    from: why.length ? `default (${why.join(", ")})` : "default",
    ...trust,
    region: clientRegion,
    fips,
    dualstack,
    global,
  };
}

// The SSO portal or OIDC endpoint of a profile: a configured URL, or the default one the SSO
// endpoint rules give for the region and the FIPS and dual-stack switches.
export interface SsoEndpoint extends ServiceEndpoint {
  // Both false with a configured URL (botocore then leaves them off).
  fips: boolean;
  dualstack: boolean;
}

// The SSO and SSO OIDC endpoint rules (botocore's and the SDK's endpoint-rule-set): HOST-fips
// for FIPS (aws-us-gov: the plain host), the partition's dual-stack suffix for dual-stack.
function ssoDefaultLabel(host: string, region: string, fipsWanted: boolean, dualstack: boolean) {
  const fips = fipsWanted && (dualstack || !region.startsWith("us-gov-"));
  const [, plain, dual] = PARTITIONS.find(([re]) => re.test(region)) ?? [
    undefined,
    "amazonaws.com",
    "api.aws",
  ];
  return `https://${host}${fips ? "-fips" : ""}.${region}.${dualstack ? dual : plain}`;
}

// The SSO portal ("sso") or OIDC ("sso-oidc") endpoint of a profile, chosen as STS's is:
// AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL, the [services] sso /
// sso_oidc endpoint_url, the profile's endpoint_url, unless ignored; else the regional one,
// with use_fips_endpoint and use_dualstack_endpoint (or their variables) as botocore reads
// them for the client of the profile the user named.
export function ssoEndpoint(
  config: LoadedConfig,
  profileName: string,
  env: Env,
  service: "sso" | "sso-oidc",
  region: string,
): SsoEndpoint {
  const profile = profileOf(config, profileName);
  const ignore = ignoreConfigured(env, profile);
  const named =
    service === "sso"
      ? { variable: "AWS_ENDPOINT_URL_SSO", key: "sso" }
      : { variable: "AWS_ENDPOINT_URL_SSO_OIDC", key: "sso_oidc" };
  const configured = ignore ? undefined : configuredUrl(config, profile, env, named);
  if (configured) {
    const label = configured.url;
    return { ...configured, label, fips: false, dualstack: false, ...trustOf(env, profile, label) };
  }
  const { real, pseudo } = fipsRegion(region);
  const fips = pseudo || readFlag(env, profile, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
  const dualstack = readFlag(env, profile, "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");
  const why = [
    ignore ? "configured endpoints ignored" : undefined,
    fips ? "FIPS" : undefined,
    dualstack ? "dual-stack" : undefined,
  ].filter(Boolean);
  const host = service === "sso" ? "portal.sso" : "oidc";
  const label = ssoDefaultLabel(host, real!, fips, dualstack);
  return {
    label,
    from: why.length ? `default (${why.join(", ")})` : "default",
    fips,
    dualstack,
    ...trustOf(env, profile, label),
  };
}
