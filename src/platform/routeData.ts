import { proxyFor } from "./proxyChoice.js";
import type { CaBundle, Env } from "../types.js";

// How a call to `endpoint` would leave the machine, as plain data without secrets (explain,
// doctor): the proxy (never its user information) and the CA bundle, each with why.
export function routeData(env: Env, endpoint: { label: string; caBundle?: CaBundle }) {
  const choice = proxyFor(env, endpoint.label);
  return {
    proxy: choice.kind === "proxy" ? choice.proxy.label : null,
    proxyWhy: choice.why,
    caBundle: endpoint.caBundle?.path ?? null,
    caBundleFrom: endpoint.caBundle
      ? endpoint.caBundle.from
      : endpoint.label.startsWith("https:")
        ? "not set: Node's CAs and NODE_EXTRA_CA_CERTS"
        : "not used: plain http",
  };
}

// The same as one line: "proxy http://p:3128 (HTTPS_PROXY); CA bundle /x (from AWS_CA_BUNDLE)".
export function routeLine(route: ReturnType<typeof routeData>): string {
  const proxy = route.proxy
    ? `proxy ${route.proxy} (${route.proxyWhy})`
    : `no proxy (${route.proxyWhy})`;
  const ca = route.caBundle
    ? `CA bundle ${route.caBundle} (from ${route.caBundleFrom})`
    : `CA bundle ${route.caBundleFrom}`;
  return `${proxy}; ${ca}`;
}
