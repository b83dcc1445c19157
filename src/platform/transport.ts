import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import type { CaBundle } from "../config/caBundle.js";
import { AwsxError } from "../errors.js";
import type { Env } from "../types.js";
import { netlocOf, proxyFor } from "./proxyChoice.js";
import { ProxyFailure, type Route } from "./proxyFailure.js";

export { ProxyFailure };

// How awsx's requests to AWS leave the machine: the proxy the AWS CLI would use
// (proxyChoice.ts) and the CA bundle that replaces the default trust. The proxy itself is
// Node's own (http.Agent's proxyEnv: CONNECT for https, the absolute URL for http, basic
// auth from the URL, http:// and https:// proxies), so no proxy client is written here.
// Loaded only with the SDK clients, `awsx login` and `awsx doctor`: a warm run sends nothing.
export interface HttpTrust {
  // Where the proxy variables are read (the run's environment).
  proxyEnv: Env;
  caBundle?: CaBundle;
}

// Node's proxy agents came with Node 22.21 and 24.5: before them proxyEnv is ignored.
const nativeProxy = (() => {
  const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
  return major > 24 || (major === 24 && minor >= 5) || (major === 22 && minor >= 21);
})();

const bundles = new Map<string, string>();

// The bundle's text, read once; unreadable or without a certificate: the setting is wrong.
function bundleText(bundle: CaBundle): string {
  let text = bundles.get(bundle.path);
  if (text !== undefined) return text;
  try {
    text = readFileSync(bundle.path, "utf8");
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new AwsxError(
      "E_CONFIG",
      `cannot read the CA bundle ${bundle.path} (from ${bundle.from}): ${why}; ` +
        "fix the path or unset it",
    );
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----"))
    throw new AwsxError(
      "E_CONFIG",
      `the CA bundle ${bundle.path} (from ${bundle.from}) holds no PEM certificate; ` +
        "fix the path or unset it",
    );
  bundles.set(bundle.path, text);
  // The proxy's own TLS (an https:// proxy) is opened by Node without the agent's options:
  // the process's default CAs are the bundle, as in the CLI, where it is the whole trust.
  const certs = text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g);
  if (certs) tls.setDefaultCACertificates?.(certs);
  return text;
}

const agents = new Map<string, http.Agent>();

// The agent for a request to `url` and the route it takes.
export function agentFor(trust: HttpTrust, url: string): { agent: http.Agent; route: Route } {
  const choice = proxyFor(trust.proxyEnv, url);
  if (choice.kind === "invalid")
    throw new AwsxError(
      "E_CONFIG",
      `${choice.why}; write it as http://HOST:PORT (or unset it) to reach ${netlocOf(url)}`,
    );
  const secure = url.startsWith("https:");
  const proxy = choice.kind === "proxy" ? choice.proxy : undefined;
  if (proxy && !nativeProxy)
    throw new AwsxError(
      "E_CONFIG",
      `a proxy (${proxy.from}) needs Node 22.21 or 24.5 or later; this is Node ` +
        `${process.versions.node}: update Node, or set NO_PROXY for ${netlocOf(url)}`,
    );
  const caBundle = trust.caBundle;
  const ca = caBundle ? bundleText(caBundle) : undefined;
  const key = `${secure}|${proxy?.href ?? ""}|${caBundle?.path ?? ""}`;
  let agent = agents.get(key);
  if (!agent) {
    const proxyEnv = proxy ? { [secure ? "HTTPS_PROXY" : "HTTP_PROXY"]: proxy.href } : null;
    const options = { keepAlive: true, maxSockets: 50, proxyEnv } as http.AgentOptions;
    agent = secure
      ? new https.Agent({ ...options, ...(ca ? { ca } : {}) })
      : new http.Agent(options);
    agents.set(key, agent);
  }
  return { agent, route: { ...(proxy ? { proxy } : {}), ...(caBundle ? { caBundle } : {}) } };
}

const UNREACHABLE = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)$/;

// A request's error, with its route: a proxy's refusal or absence as a ProxyFailure, any
// other error as it was (the SDK's retries read it), marked with the route.
export function withRoute(e: unknown, route: Route): unknown {
  const err = e as {
    code?: string;
    statusCode?: number;
    message?: string;
    syscall?: string;
  } | null;
  const { proxy } = route;
  if (proxy && err?.code === "ERR_PROXY_TUNNEL") {
    const status = err.statusCode;
    const line = /: (HTTP\/\S+ \d+.*)$/.exec(err.message ?? "")?.[1];
    const failure = status
      ? new ProxyFailure(proxy, `refused the tunnel: ${line ?? `HTTP ${status}`}`, status)
      : new ProxyFailure(proxy, "closed or timed out the tunnel before it was open");
    return Object.assign(failure, { route, cause: e });
  }
  if (
    proxy &&
    err?.code &&
    UNREACHABLE.test(err.code) &&
    (err.syscall === "connect" || err.syscall === "getaddrinfo")
  ) {
    // Every connection of a proxied request goes to the proxy.
    const failure = new ProxyFailure(proxy, `cannot be reached: ${err.code}`);
    // Still a network error for the SDK's retries.
    return Object.assign(failure, { code: err.code, route, cause: e });
  }
  if (e && typeof e === "object") Object.assign(e, { route });
  return e;
}
