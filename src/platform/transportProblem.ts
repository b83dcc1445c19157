import { type ProxyFailure, routeOf } from "./proxyFailure.js";

// Node's certificate verification codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE,
// SELF_SIGNED_CERT_IN_CHAIN, ERR_TLS_CERT_ALTNAME_INVALID, CERT_HAS_EXPIRED...) and OpenSSL's.
const TLS_CODE = /CERT|TLS|SSL|UNABLE_TO_VERIFY|SIGNATURE_FAILURE/;

// The first error of a cause chain that passes a test.
function find<T>(e: unknown, test: (err: any) => T | undefined): T | undefined {
  for (let err = e as any, i = 0; err && i < 6; err = err.cause ?? err.errors?.[0], i++) {
    const hit = test(err);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

// What to do about a proxy's refusal, by its status.
function proxyFix(f: ProxyFailure, host: string): string {
  if (f.status === 407) return `check the user and password in ${f.proxy.from}`;
  if (f.status === 403) return `the proxy does not allow ${host}: ask its administrators`;
  if (f.status && f.status >= 500) return `the proxy could not reach ${host}: try again later`;
  return `check ${f.proxy.from}, or add ${host} to NO_PROXY`;
}

// A failure on the way to a service that is the proxy's or the TLS trust's, as one phrase
// naming the proxy or the setting to fix (never a proxy's user information); undefined for
// any other error. `service` names the service, `url` where it was called, `what` the call
// ("AssumeRole of ARN for profile "P"").
export function transportProblem(
  e: unknown,
  service: string,
  url: string,
  what: string,
): string | undefined {
  const host = /^[a-z]+:\/\/([^/?#]*)/i.exec(url)?.[1] ?? url;
  // By name: each lazily loaded bundle has its own copy of the class.
  const failure = find(e, (err) =>
    err?.name === "ProxyFailure" && err.proxy ? (err as ProxyFailure) : undefined,
  );
  if (failure)
    return (
      `cannot reach ${service} at ${url} for ${what} through the proxy ${failure.proxy.label} ` +
      `(from ${failure.proxy.from}): it ${failure.reason}; ${proxyFix(failure, host)}`
    );
  const code = find(e, (err) =>
    typeof err?.code === "string" && TLS_CODE.test(err.code) ? (err.code as string) : undefined,
  );
  if (!code) return undefined;
  const route = routeOf(e);
  const fix = route?.caBundle
    ? `its CA is not in ${route.caBundle.path} (from ${route.caBundle.from}): add it there`
    : route?.proxy
      ? `a TLS-inspecting proxy (${route.proxy.label}, from ${route.proxy.from}) may sign ` +
        "for it: add that CA with AWS_CA_BUNDLE or the profile's ca_bundle"
      : "add its CA with AWS_CA_BUNDLE, the profile's ca_bundle or NODE_EXTRA_CA_CERTS";
  return `the TLS certificate of ${service} at ${url} is not trusted on ${what}: ${code}; ${fix}`;
}
