import { isIPv6 } from "node:net";

// What is wrong with a configured endpoint URL, judged as the AWS CLI judges it before any
// request: botocore's is_valid_uri on Python's urlsplit (a host that is a DNS name or a
// bracketed IPv6 address), then urlsplit's port (ASCII digits, at most 65535) and urllib3's
// schemes (http, https). Node's URL parser alone is not that judge: it reads "http:/host" and
// "http:host" as http://host/, and takes "local_stack" as a host name, where the CLI refuses
// all three. endpointUrl.test.ts compares the verdicts with botocore's and urllib3's own.
export type EndpointUrlProblem = "invalid" | "port" | "scheme";

// botocore's host pattern (utils.py is_valid_endpoint_url), and what urlsplit would strip.
const HOST = /^((?!-)[A-Z\d-]{1,63}(?<!-)\.)*((?!-)[A-Z\d-]{1,63}(?<!-))$/i;
const UNSAFE = /[\t\r\n]/;
// urlsplit's scheme (optional): a letter, then letters, digits, "+", "-", "."; the netloc
// follows "//" and ends at the first "/", "?" or "#".
const SPLIT = /^(?:([A-Za-z][A-Za-z\d+.-]*):)?\/\/([^/?#]*)/;

interface Netloc {
  scheme: string;
  host: string;
  bracketed: boolean;
  port: string;
}

// urlsplit's scheme, hostname and port text (SplitResult._hostinfo), or undefined when it
// finds no host.
function split(url: string): Netloc | undefined {
  const m = SPLIT.exec(url.replace(/^[\x00-\x20]+/, ""));
  if (!m) return undefined;
  const netloc = m[2]!;
  // urlsplit raises "Invalid IPv6 URL" on a lone bracket.
  if (netloc.includes("[") !== netloc.includes("]")) return undefined;
  const hostinfo = netloc.slice(netloc.lastIndexOf("@") + 1);
  const open = hostinfo.indexOf("[");
  let host: string;
  let rest: string;
  if (open >= 0) {
    const close = hostinfo.indexOf("]", open);
    if (close < 0) return undefined;
    host = hostinfo.slice(open + 1, close);
    const after = hostinfo.slice(close + 1);
    rest = after.includes(":") ? after.slice(after.indexOf(":") + 1) : "";
  } else {
    const colon = hostinfo.indexOf(":");
    host = colon < 0 ? hostinfo : hostinfo.slice(0, colon);
    rest = colon < 0 ? "" : hostinfo.slice(colon + 1);
  }
  if (!host) return undefined;
  // No scheme: urllib3 connects with http.
  return {
    scheme: (m[1] ?? "http").toLowerCase(),
    host: host.toLowerCase(),
    bracketed: open >= 0,
    port: rest,
  };
}

// botocore's host check: a DNS name (one trailing dot allowed), or an IPv6 address in brackets
// (with a zone, "%25eth0", as IPV6_ADDRZ_RE allows).
function validHost({ host, bracketed }: Netloc): boolean {
  if (bracketed) return isIPv6(host.replace(/%(25)?[\w.~-]+$/, ""));
  const bare = host.endsWith(".") ? host.slice(0, -1) : host;
  return host.length <= 255 && HOST.test(bare);
}

// The host check alone: what botocore asks of an instance metadata endpoint.
export function validEndpointHost(url: string): boolean {
  const parts = UNSAFE.test(url) ? undefined : split(url);
  return parts !== undefined && validHost(parts);
}

export function endpointUrlProblem(url: string): EndpointUrlProblem | undefined {
  const parts = UNSAFE.test(url) ? undefined : split(url);
  if (!parts || !validHost(parts)) return "invalid";
  if (parts.port && !(/^[0-9]+$/.test(parts.port) && Number(parts.port) <= 65535)) return "port";
  if (parts.scheme !== "http" && parts.scheme !== "https") return "scheme";
  // Past the CLI's checks: what Node's parser still refuses is no URL either.
  return URL.canParse(endpointUrl(url)) ? undefined : "invalid";
}

// The URL to call: a URL without a scheme ("//host:port") is http, as urllib3 takes it.
export const endpointUrl = (url: string): string =>
  url.replace(/^[\x00-\x20]+/, "").startsWith("//") ? `http:${url.trimStart()}` : url;

const WHY: Record<EndpointUrlProblem, string> = {
  invalid: "is not a valid endpoint URL",
  port: "has a port that is not a number from 0 to 65535",
  scheme: "has a scheme other than http or https",
};

// For messages: the URL without any user name or password in it.
export function describeProblem(url: string, problem: EndpointUrlProblem): string {
  const shown = url.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, "$1…@");
  return `"${shown}" ${WHY[problem]}`;
}
