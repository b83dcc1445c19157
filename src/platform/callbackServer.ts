import http from "node:http";
import type { Socket } from "node:net";

// What the browser brought back to the redirect URI.
export type CallbackResult = { code: string } | { error: string; description?: string };

// The loopback redirect listener of the authorization-code flow.
export interface CallbackServer {
  redirectUri: string;
  // A short loopback URL that redirects the browser to `target` (the authorization page),
  // for the user to open: easier to copy than the long URL, which is then never printed.
  startAt(target: string): string;
  // Settles with the first request to the callback path that carries our state.
  result: Promise<CallbackResult>;
  close(): void;
}

const PATH = "/oauth/callback";
const START = "/start";

const page = (res: http.ServerResponse, status: number, text: string): void => {
  const html =
    `<!doctype html><meta charset="utf-8"><title>awsx</title>` +
    `<p style="font-family:sans-serif">${text}</p>\n`;
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(html),
    "Cache-Control": "no-store",
    Connection: "close",
  });
  res.end(html);
};

// Listens on 127.0.0.1 (any free port) for the redirect of one sign-in: a request without
// our state (another page, a stray request) is refused and the wait goes on; timeoutMs
// ends the wait with an error.
export async function startCallbackServer(state: string, timeoutMs: number) {
  const sockets = new Set<Socket>();
  let settle!: (r: CallbackResult | Error) => void;
  const result = new Promise<CallbackResult>((resolve, reject) => {
    settle = (r) => (r instanceof Error ? reject(r) : resolve(r));
  });
  let target: string | undefined;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const q = url.searchParams;
    if (req.method === "GET" && url.pathname === START && target) {
      res.writeHead(302, { Location: target, "Content-Length": 0, Connection: "close" });
      return void res.end();
    }
    if (req.method !== "GET" || url.pathname !== PATH) return page(res, 404, "Not found.");
    if (q.get("state") !== state) return page(res, 400, "This sign-in is not awsx's.");
    const code = q.get("code");
    const error = q.get("error");
    if (code) {
      page(res, 200, "awsx is signed in. You can close this window.");
      settle({ code });
    } else {
      page(res, 400, `Sign-in failed (${error ?? "no code"}). You can close this window.`);
      settle({ error: error ?? "no_code", description: q.get("error_description") ?? undefined });
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  const timer = setTimeout(() => settle(new Error("timeout")), timeoutMs);
  const close = () => {
    clearTimeout(timer);
    server.close();
    // Let the answer page reach the browser before its socket goes.
    setTimeout(() => {
      for (const s of sockets) s.destroy();
    }, 100).unref();
  };
  const base = `http://127.0.0.1:${port}`;
  const startAt = (url: string) => {
    target = url;
    return `${base}${START}`;
  };
  return { redirectUri: `${base}${PATH}`, startAt, result, close } as CallbackServer;
}
