import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { Readable } from "node:stream";
import { cappedStream } from "./capped.js";

// Where an SDK client's calls go and how long each may take: awsx has chosen all of it.
export interface SdkTarget {
  region: string;
  endpoint?: string;
  // Per attempt; the SDK retries throttling, 5xx and network errors with backoff.
  timeoutMs: number;
  maxAttempts?: number;
}

type HandlerOptions = ConstructorParameters<typeof NodeHttpHandler>[0];

// The SDK's HTTP handler, with every answer read no further than MAX_ANSWER_BYTES.
class CappedHttpHandler extends NodeHttpHandler {
  constructor(
    private readonly service: string,
    options: HandlerOptions,
  ) {
    super(options);
  }

  override async handle(...args: Parameters<NodeHttpHandler["handle"]>) {
    const out = await super.handle(...args);
    out.response.body = cappedStream(out.response.body as Readable, this.service);
    return out;
  }
}

// The options every SDK client of awsx shares (STS, the SSO portal, SSO OIDC). awsx has read
// the endpoint settings of the profile the user named, as the AWS CLI does: the SDK must not
// read its own (AWS_ENDPOINT_URL*, AWS_PROFILE's endpoint_url, FIPS, retry and defaults
// modes), so each is fixed here.
export function sdkClientConfig(target: SdkTarget, service: string) {
  return {
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ignoreConfiguredEndpointUrls: true,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    retryMode: "standard",
    defaultsMode: "legacy" as const,
    maxAttempts: target.maxAttempts ?? 3,
    requestHandler: new CappedHttpHandler(service, {
      connectionTimeout: target.timeoutMs,
      requestTimeout: target.timeoutMs,
      throwOnRequestTimeout: true,
    } as HandlerOptions),
  };
}
