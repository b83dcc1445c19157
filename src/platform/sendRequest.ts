import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { cappedStreamText } from "./capped.js";
import { networkCause } from "./networkCause.js";
import { agentFor, type HttpTrust, ProxyFailure, withRoute } from "./transport.js";

export interface SentRequest {
  method: "GET" | "HEAD";
  timeoutMs: number;
  trust: HttpTrust;
  // What the answer is called in the "too large" error.
  what: string;
}

export interface Answer {
  status: number;
  date?: string;
  text: string;
}

// One bounded request outside the SDK (the federation endpoint, doctor's clock check), by the
// route the AWS CLI would take (transport.ts): no redirect followed, the answer capped. A
// failure rejects with the route attached (a ProxyFailure for a refusing proxy); its message
// is networkCause's.
export function sendRequest(url: string, options: SentRequest): Promise<Answer> {
  const { agent, route } = agentFor(options.trust, url);
  return new Promise<Answer>((resolve, reject) => {
    const fail = (e: unknown) => reject(withRoute(e, route));
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
    const req = request(url, { method: options.method, agent }, (res) => {
      const status = res.statusCode ?? 0;
      if (route.proxy && status === 407) {
        res.resume();
        fail(new ProxyFailure(route.proxy, "asked for a user and password (HTTP 407)", 407));
        return;
      }
      cappedStreamText(res, options.what).then(
        (text) => resolve({ status, date: res.headers.date, text }),
        fail,
      );
    });
    // networkCause says "timed out" for a TimeoutError.
    req.setTimeout(options.timeoutMs, () =>
      req.destroy(
        Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), {
          name: "TimeoutError",
        }),
      ),
    );
    req.on("error", (e) => {
      const routed = withRoute(e, route);
      fail(routed instanceof ProxyFailure ? routed : new Error(networkCause(e), { cause: e }));
    });
    req.end();
  });
}
