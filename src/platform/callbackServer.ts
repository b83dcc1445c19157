import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { Socket } from "node:net";
import { printable } from "../util/printable.js";

// What the browser brought back to the redirect URI.
export type CallbackResult = { code: string } | { error: string; description?: string };

// The loopback redirect listener of the authorization-code flow.
export interface CallbackServer {
  redirectUri: string;
  // A short loopback URL that redirects the browser to `target` (the authorization page, which
  // holds the state) once: its path is random, so another local user who finds the port can
  // neither guess it nor use it after the browser did.
  startAt(target: string): string;
  // Settles when the start URL has been used.
  started: Promise<void>;
  // Settles with the first request to the callback path that carries exactly our state.
  result: Promise<CallbackResult>;
  close(): void;
}

const PATH = "/oauth/callback";

const escapeHtml = (s: string): string =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

// Every text the page shows is escaped; the policy forbids scripts, styles and loads anyway.
const page = (res: http.ServerResponse, status: number, text: string): void => {
  const html =
    `<!doctype html><meta charset="utf-8"><title>awsx</title>` +
    `<p style="font-family:sans-serif">${escapeHtml(text)}</p>\n`;
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(html),
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    Connection: "close",
  });
  res.end(html);
};

// Compared through digests of equal length, in constant time.
const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

// SERVER listening on 127.0.0.1 at a port the OS picks, with the set of its open connections,
// for a close that ends them (keep-alive ones too) instead of waiting for them. The tests'
// loopback servers start the same way (__tests__/helpers/ports.ts).
export async function listenOnLoopback(
  server: http.Server,
): Promise<{ port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  return { port: typeof addr === "object" && addr ? addr.port : 0, sockets };
}

// Listens on 127.0.0.1 (any free port) for the redirect of one sign-in: a request without
// exactly our state (another page, a stray or hostile request) is refused and the wait goes
// on; the first with it ends the wait, and every later one is refused. timeoutMs ends the
// wait with an error.
export async function startCallbackServer(
  state: string,
  timeoutMs: number,
): Promise<CallbackServer> {
  let settle!: (r: CallbackResult | Error) => void;
  const result = new Promise<CallbackResult>((resolve, reject) => {
    settle = (r) => (r instanceof Error ? reject(r) : resolve(r));
  });
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  // Hex: the path is printed, and a base64 run in awsx's output looks like a leaked key.
  const startPath = `/start/${randomBytes(32).toString("hex")}`;
  let target: string | undefined;
  let settled = false;
  const start: Route = (_req, res) => {
    if (!target) return page(res, 404, "Not found.");
    const location = target;
    target = undefined; // once
    markStarted();
    res.writeHead(302, {
      Location: location,
      "Content-Length": 0,
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      Connection: "close",
    });
    res.end();
  };
  const callback: Route = (req, res) => {
    const q = new URLSearchParams((req.url ?? "").slice(PATH.length + 1));
    const states = q.getAll("state");
    if (states.length !== 1 || !sameSecret(states[0]!, state))
      return page(res, 400, "This sign-in is not awsx's.");
    if (settled) return page(res, 400, "This sign-in is over. You can close this window.");
    settled = true;
    const code = q.get("code");
    const error = q.get("error");
    if (code) {
      page(res, 200, "awsx is signed in. You can close this window.");
      return settle({ code });
    }
    const shown = printable(error ?? "no code", 100);
    page(res, 400, `Sign-in failed (${shown}). You can close this window.`);
    settle({ error: error ?? "no_code", description: q.get("error_description") ?? undefined });
  };
  const server = http.createServer((req, res) => {
    const path = req.url ?? "";
    if (req.method === "GET" && path === startPath) return start(req, res);
    if (req.method === "GET" && path.startsWith(`${PATH}?`)) return callback(req, res);
    page(res, 404, "Not found.");
  });
  const { port, sockets } = await listenOnLoopback(server);
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
    return `${base}${startPath}`;
  };
  return { redirectUri: `${base}${PATH}`, startAt, started, result, close };
}
