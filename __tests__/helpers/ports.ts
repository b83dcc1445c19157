// Loopback port helpers: a currently free port, a URL nothing listens on, and a server
// started on a port of its own.
import type http from "node:http";
import net from "node:net";
import { listenOnLoopback } from "../../src/platform/callbackServer.js";

// Binds 127.0.0.1:0, reads the port the OS chose, and releases it (tiny race: retry on EADDRINUSE).
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error("could not get a free port"))));
    });
  });
}

// An http://127.0.0.1:PORT URL on a port just found closed: connecting gets ECONNREFUSED.
export async function refuseConnectionsUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

// Serves `server` on 127.0.0.1 at a port the OS picks. stop() closes it at once: open
// connections (keep-alive ones too) are ended, not waited for.
export async function serveLoopback(
  server: http.Server,
): Promise<{ port: number; stop(): Promise<void> }> {
  const { port, sockets } = await listenOnLoopback(server);
  return {
    port,
    async stop() {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}
