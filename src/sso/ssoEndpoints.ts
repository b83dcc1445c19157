import type { Env } from "../types.js";

const truthy = (v: string | undefined): boolean => (v ?? "").trim().toLowerCase() === "true";
const suffix = (region: string): string =>
  region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";

// Where a service's calls go: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL (as the
// SDK reads them, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS honoured), else the regional host.
function endpoint(env: Env, variable: string, fallback: string): string {
  if (truthy(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)) return fallback;
  return (env[variable] || env.AWS_ENDPOINT_URL || fallback).replace(/\/+$/, "");
}

// IAM Identity Center's OIDC service (client registration, tokens, the /authorize page).
export const oidcEndpoint = (region: string, env: Env): string =>
  endpoint(env, "AWS_ENDPOINT_URL_SSO_OIDC", `https://oidc.${region}.${suffix(region)}`);

// The SSO portal (accounts, roles, role credentials, logout).
export const portalEndpoint = (region: string, env: Env): string =>
  endpoint(env, "AWS_ENDPOINT_URL_SSO", `https://portal.sso.${region}.${suffix(region)}`);
