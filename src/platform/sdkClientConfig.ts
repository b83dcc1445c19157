import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { Readable } from "node:stream";
import { cappedStream } from "./capped.js";
import { netlocOf } from "./proxyChoice.js";
import { agentFor, type HttpTrust, ProxyFailure, withRoute } from "./transport.js";

// Where an SDK client's calls go and how long each may take: awsx has chosen all of it.
export interface SdkTarget {
  region: string;
  endpoint?: string;
  // Per attempt; the SDK retries throttling, 5xx and network errors with backoff.
  timeoutMs: number;
  maxAttempts?: number;
  // The proxy variables and the CA bundle (transport.ts).
  trust: HttpTrust;
}

type HandlerOptions = ConstructorParameters<typeof NodeHttpHandler>[0];
type Handle = NodeHttpHandler["handle"];

// The SDK's HTTP handler, with every answer read no further than MAX_ANSWER_BYTES.
class CappedHttpHandler extends NodeHttpHandler {
  constructor(
    protected readonly service: string,
    options: HandlerOptions,
  ) {
    super(options);
  }

  override async handle(...args: Parameters<Handle>) {
    const out = await super.handle(...args);
    out.response.body = cappedStream(out.response.body as Readable, this.service);
    return out;
  }
}

// One capped handler per route (proxy or direct, CA bundle): the route of each request is
// chosen from its URL as the AWS CLI chooses it, and every error carries it.
class RoutedHttpHandler extends CappedHttpHandler {
  private readonly routes = new Map<string, CappedHttpHandler>();

  constructor(
    service: string,
    private readonly options: Record<string, unknown>,
    private readonly trust: HttpTrust,
    private readonly endpoint: string | undefined,
  ) {
    super(service, options as HandlerOptions);
  }

  override async handle(...args: Parameters<Handle>) {
    const [request] = args;
    const port = request.port ? `:${request.port}` : "";
    const origin = `${request.protocol}//${request.hostname}${port}`;
    // botocore decides on the endpoint URL as written ("h:443" keeps its port).
    const url =
      this.endpoint && new URL(this.endpoint).hostname === request.hostname
        ? `${request.protocol}//${netlocOf(this.endpoint)}`
        : origin;
    const { agent, route } = agentFor(this.trust, url);
    const key = `${url}|${route.proxy?.href ?? ""}`;
    let inner = this.routes.get(key);
    if (!inner) {
      const agents = url.startsWith("https:") ? { httpsAgent: agent } : { httpAgent: agent };
      inner = new CappedHttpHandler(this.service, { ...this.options, ...agents });
      this.routes.set(key, inner);
    }
    try {
      const out = await inner.handle(...args);
      // A plain-http request through a proxy: a 407 is the proxy's, not the service's.
      if (route.proxy && out.response.statusCode === 407)
        throw new ProxyFailure(route.proxy, "asked for a user and password (HTTP 407)", 407);
      return out;
    } catch (e) {
      throw withRoute(e, route);
    }
  }

  override destroy(): void {
    for (const h of this.routes.values()) h.destroy();
    super.destroy();
  }
}

// The options every SDK client of awsx shares (STS, the SSO portal, SSO OIDC, IAM). awsx has
// read the endpoint settings of the profile the user named, as the AWS CLI does: the SDK
// must not read its own (AWS_ENDPOINT_URL*, AWS_PROFILE's endpoint_url, FIPS, retry and
// defaults modes), so each is fixed here.
export function sdkClientConfig(target: SdkTarget, service: string) {
  const options = {
    connectionTimeout: target.timeoutMs,
    requestTimeout: target.timeoutMs,
    throwOnRequestTimeout: true,
  };
  return {
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ignoreConfiguredEndpointUrls: true,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    retryMode: "standard",
    defaultsMode: "legacy" as const,
    maxAttempts: target.maxAttempts ?? 3,
    requestHandler: new RoutedHttpHandler(service, options, target.trust, target.endpoint),
  };
}
