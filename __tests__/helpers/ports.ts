// Loopback port helpers: a currently free port, and a URL nothing listens on.
import net from "node:net";

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
