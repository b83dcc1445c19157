// Minimal one-shot HTTP client for helper plumbing (no keep-alive, so no sockets outlive a test).
import http from "node:http";

// Status and body text of a finished request.
export interface HttpResult {
  status: number;
  body: string;
}

// Sends one request with `Connection: close`; rejects on network error or after timeoutMs.
export function httpRequest(
  url: string,
  opts: {
    method?: string;
    body?: string;
    headers?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: opts.method ?? "GET",
        headers: opts.headers,
        agent: false,
        timeout: opts.timeoutMs ?? 5_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout requesting ${url}`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}
