import type { LoadedConfig } from "./load.js";

export interface StsEndpoint {
  // Set when configured; absent means the SDK's default endpoint for the region.
  url?: string;
  // What to show in messages: the URL awsx will call.
  label: string;
  from: string;
}

const truthy = (v: string | undefined): boolean => (v ?? "").trim().toLowerCase() === "true";

// Where STS calls go, in the CLI's order: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the
// profile's [services] sts endpoint_url, its endpoint_url, else the regional endpoint.
export function stsEndpoint(
  config: LoadedConfig,
  profileName: string,
  env: Record<string, string | undefined>,
  region: string,
): StsEndpoint {
  const values = config.profiles.get(profileName)?.values ?? {};
  const fallback = `https://sts.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
  if (
    truthy(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) ||
    truthy(values.ignore_configured_endpoint_urls)
  ) {
    return { label: fallback, from: "default (configured endpoints ignored)" };
  }
  if (env.AWS_ENDPOINT_URL_STS)
    return {
      url: env.AWS_ENDPOINT_URL_STS,
      label: env.AWS_ENDPOINT_URL_STS,
      from: "AWS_ENDPOINT_URL_STS",
    };
  if (env.AWS_ENDPOINT_URL)
    return { url: env.AWS_ENDPOINT_URL, label: env.AWS_ENDPOINT_URL, from: "AWS_ENDPOINT_URL" };
  const servicesName = values.services;
  const sts = servicesName ? config.services.get(servicesName)?.sts : undefined;
  if (sts && typeof sts === "object" && sts.endpoint_url)
    return {
      url: sts.endpoint_url,
      label: sts.endpoint_url,
      from: `[services ${servicesName}] sts`,
    };
  if (values.endpoint_url)
    return {
      url: values.endpoint_url,
      label: values.endpoint_url,
      from: `endpoint_url of profile ${profileName}`,
    };
  return { label: fallback, from: "default" };
}

// The SSO portal ("sso") or OIDC ("sso-oidc") endpoint of a profile, in the same order as
// STS's: AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL, the
// profile's [services] sso / sso_oidc endpoint_url, its endpoint_url, else the regional one.
export function ssoEndpoint(
  config: LoadedConfig,
  profileName: string,
  env: Record<string, string | undefined>,
  service: "sso" | "sso-oidc",
  region: string,
): StsEndpoint {
  const values = config.profiles.get(profileName)?.values ?? {};
  const host = service === "sso" ? "portal.sso" : "oidc";
  const fallback = `https://${host}.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
  if (
    truthy(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) ||
    truthy(values.ignore_configured_endpoint_urls)
  ) {
    return { label: fallback, from: "default (configured endpoints ignored)" };
  }
  const own = service === "sso" ? "AWS_ENDPOINT_URL_SSO" : "AWS_ENDPOINT_URL_SSO_OIDC";
  for (const name of [own, "AWS_ENDPOINT_URL"]) {
    const url = env[name];
    if (url) return { url, label: url, from: name };
  }
  const key = service === "sso" ? "sso" : "sso_oidc";
  const servicesName = values.services;
  const section = servicesName ? config.services.get(servicesName)?.[key] : undefined;
  if (section && typeof section === "object" && section.endpoint_url)
    return {
      url: section.endpoint_url,
      label: section.endpoint_url,
      from: `[services ${servicesName}] ${key}`,
    };
  if (values.endpoint_url)
    return {
      url: values.endpoint_url,
      label: values.endpoint_url,
      from: `endpoint_url of profile ${profileName}`,
    };
  return { label: fallback, from: "default" };
}
