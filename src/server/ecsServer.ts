import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Credentials } from "../types.js";
import type { Logger } from "../util/log.js";

export interface CredentialServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

const sameToken = (given: string | undefined, token: Buffer): boolean => {
  if (typeof given !== "string") return false;
  const g = Buffer.from(given);
  return g.length === token.length && timingSafeEqual(g, token);
};

// A loopback endpoint speaking the ECS container-credentials protocol: SDKs and the CLI
// in the child ask it for credentials whenever theirs are about to expire, so a long
// run keeps fresh ones. Only requests carrying the per-run token are answered.
export async function startCredentialServer(
  getCredentials: () => Promise<Credentials>,
  logger: Logger,
): Promise<CredentialServer> {
  const token = randomBytes(32).toString("base64url");
  const tokenBuf = Buffer.from(token);
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET") return reply(405, { message: "only GET" });
    if (!sameToken(req.headers.authorization, tokenBuf)) {
      logger.debug(`credential server: refused request ${requests} without the token`);
      return reply(403, { message: "forbidden" });
    }
    getCredentials().then(
      (c) => {
        logger.debug(
          `credential server: served request ${requests}` +
            `${c.expiration ? `, credentials expire ${c.expiration.toISOString()}` : ""}`,
        );
        reply(200, {
          AccessKeyId: c.accessKeyId,
          SecretAccessKey: c.secretAccessKey,
          ...(c.sessionToken ? { Token: c.sessionToken } : {}),
          ...(c.expiration ? { Expiration: c.expiration.toISOString() } : {}),
        });
      },
      (e: Error) => {
        logger.error(`credential server: ${e.message}`);
        reply(500, { message: "awsx could not refresh the credentials; see awsx's stderr" });
      },
    );
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
