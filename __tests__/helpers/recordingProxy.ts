// A loopback HTTP endpoint that forwards every request to moto and records it: one per
// configured endpoint and per tool, so a test sees which endpoint each tool called, in what
// order, signed by whom and for which region (moto's own recorder mixes parallel runs).
import http from "node:http";
import type { AddressInfo } from "node:net";

// One request as seen on the wire.
export interface ProxiedCall {
  // When it arrived (process.hrtime), to order calls across several proxies.
  at: bigint;
  action: string;
  params: Record<string, string>;
  // From the SigV4 Authorization header; undefined for an unsigned call.
  accessKeyId?: string;
  signingRegion?: string;
  securityToken?: string;
}

export interface RecordingProxy {
  url: string;
  calls: ProxiedCall[];
  close(): Promise<void>;
}

function parse(body: string, headers: http.IncomingHttpHeaders): ProxiedCall {
  const params = Object.fromEntries(new URLSearchParams(body));
  const scope = /Credential=([^/,\s]+)\/\d+\/([^/]*)\//.exec(String(headers.authorization ?? ""));
  const token = headers["x-amz-security-token"];
  return {
    at: process.hrtime.bigint(),
    action: params.Action ?? "",
    params,
    ...(scope ? { accessKeyId: scope[1], signingRegion: scope[2] } : {}),
    ...(typeof token === "string" ? { securityToken: token } : {}),
  };
}

// Listens on 127.0.0.1 (an ephemeral port) and forwards to `target` (moto's URL).
export function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const calls: ProxiedCall[] = [];
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      calls.push(parse(body.toString("utf8"), req.headers));
      const headers = { ...req.headers, host: to.host };
      const out = http.request(
        { host: to.hostname, port: to.port, path: req.url, method: req.method, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      out.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        calls,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
