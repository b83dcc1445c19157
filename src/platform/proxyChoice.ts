import type { Env } from "../types.js";

// The proxy a request goes through, as the AWS CLI (botocore 1.43 on Python's urllib.request)
// picks it. Pure: the HTTP layer (transport.ts), `awsx explain` and `awsx doctor` share it.
//
// botocore: EndpointCreator._get_proxies -> utils.get_environ_proxies(endpoint_url):
// urllib.request.proxy_bypass_environment(netloc) with no_proxy, else getproxies_environment()
// and the entry of the URL's scheme (httpsession.ProxyConfiguration.proxy_url_for).
// NO_PROXY entries are host names or domain suffixes (a leading dot ignored), optionally with
// a port, or exactly "*": botocore says so itself ("requests allowed for ip/cidr entries in
// no_proxy env that we don't support"), so an IP range such as 10.0.0.0/8 matches nothing.

// A proxy variable's value and the variable it came from.
interface Found {
  value: string;
  from: string;
}

// A proxy to send through: `href` (with the user and password, for the agent only),
// `label` (never any user information: messages, explain, --debug).
export interface ProxyUrl {
  href: string;
  label: string;
  from: string;
  protocol: "http:" | "https:";
  // Whether a Proxy-Authorization header is sent (botocore: a user and a password).
  auth: boolean;
}

export type ProxyChoice =
  | { kind: "direct"; why: string }
  | { kind: "proxy"; proxy: ProxyUrl; why: string }
  // A variable that is no http:// or https:// URL: named, never shown.
  | { kind: "invalid"; from: string; why: string };

// urllib.request.getproxies_environment: every variable named *_proxy (any case) with a value,
// then the names ending in lower-case "_proxy" again, which win (an empty one removes the
// entry); HTTP_PROXY is dropped when REQUEST_METHOD is set (a CGI script, CVE-2016-1000110).
function proxyVariables(env: Env): Map<string, Found> {
  const table = new Map<string, Found>();
  const entries = Object.entries(env);
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (value && lower.endsWith("_proxy")) table.set(lower.slice(0, -6), { value, from: name });
  }
  if (env.REQUEST_METHOD !== undefined) table.delete("http");
  for (const [name, value] of entries) {
    if (!name.endsWith("_proxy")) continue;
    const key = name.toLowerCase().slice(0, -6);
    if (value) table.set(key, { value, from: name });
    else table.delete(key);
  }
  return table;
}

// Python's urlparse(url).netloc: what follows "scheme://" up to the path, query or fragment.
export function netlocOf(url: string): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url)?.[1] ?? "";
}

// urllib.request.proxy_bypass_environment: the NO_PROXY entry that sends `netloc` direct.
function bypassEntry(netloc: string, noProxy: string): string | undefined {
  if (noProxy === "*") return "*";
  const host = netloc.toLowerCase();
  // urllib.parse._splitport: "(.*):([0-9]*)", a port only when there are digits.
  const m = /^(.*):([0-9]*)$/s.exec(host);
  const hostOnly = m?.[2] ? m[1]! : host;
  for (const raw of noProxy.split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const name = entry.replace(/^\.+/, "").toLowerCase();
    if (hostOnly === name || host === name) return entry;
    const suffix = `.${name}`;
    if (hostOnly.endsWith(suffix) || host.endsWith(suffix)) return entry;
  }
  return undefined;
}

// httpsession.ProxyConfiguration._fix_proxy_url: "host:3128" and "//host:3128" are http.
const fixProxyUrl = (v: string): string =>
  v.startsWith("http:") || v.startsWith("https:")
    ? v
    : v.startsWith("//")
      ? `http:${v}`
      : `http://${v}`;

// The proxy URL of a variable; undefined when it is not a URL at all (see proxyProblem).
function proxyUrl(found: Found): ProxyUrl | undefined {
  let url: URL;
  try {
    url = new URL(fixProxyUrl(found.value));
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  // botocore sends Proxy-Authorization only with both a user and a password.
  const auth = Boolean(url.username && url.password);
  if (!auth) {
    url.username = "";
    url.password = "";
  }
  const label = `${url.protocol}//${url.host}`;
  return { href: url.href, label, from: found.from, protocol: url.protocol, auth };
}

// The proxy botocore would use for a request to `url` (its scheme picks HTTPS_PROXY or
// HTTP_PROXY), and why, in words for explain and --debug.
export function proxyFor(env: Env, url: string): ProxyChoice {
  const table = proxyVariables(env);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase() ?? "";
  const no = table.get("no");
  const netloc = netlocOf(url);
  const entry = no ? bypassEntry(netloc, no.value) : undefined;
  if (entry !== undefined)
    return { kind: "direct", why: `${no!.from} entry "${entry}" matches ${netloc}` };
  const found = table.get(scheme);
  const name = `${scheme.toUpperCase()}_PROXY`;
  if (!found) return { kind: "direct", why: `no ${name} or ${scheme}_proxy is set` };
  const proxy = proxyUrl(found);
  if (!proxy)
    return {
      kind: "invalid",
      from: found.from,
      why: `${found.from} is not an http:// or https:// proxy URL`,
    };
  return {
    kind: "proxy",
    proxy,
    why: `${found.from}${no ? `; no ${no.from} entry matches ${netloc}` : ""}`,
  };
}

// The parts of every proxy variable's value that must never be printed: the user
// information as written, decoded, and as the Proxy-Authorization header carries it.
export function proxySecrets(env: Env): string[] {
  const out: string[] = [];
  for (const { value } of proxyVariables(env).values()) {
    const m = /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?\/\/([^/?#]*)@/.exec(fixProxyUrl(value));
    if (!m) continue;
    const info = m[1]!;
    const decoded = safeDecode(info);
    out.push(`${info}@`, info, decoded, Buffer.from(decoded).toString("base64"));
    const password = decoded.slice(decoded.indexOf(":") + 1);
    if (decoded.includes(":") && password.length >= 6) out.push(password);
  }
  return out.filter((s) => s.length >= 3);
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};
