// Pins three small known differences of the container endpoint (docs/config.md, "Where awsx
// knowingly differs"), all from Node's fetch: a full URI with user information and a token
// with a NUL reach no server; spaces around a token are trimmed.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fromContainer } from "../../src/credentials/steps/container.js";

const KEYS = {
  AccessKeyId: "AKIDCONTAINERQUIRKS1",
  SecretAccessKey: "containerQuirksSecret",
  Token: "containerQuirksToken",
  Expiration: "2099-01-01T00:00:00Z",
};

describe("container endpoint: what Node's fetch does to the request", () => {
  let server: http.Server;
  let port: number;
  const seen: Array<string | undefined> = [];

  beforeAll(async () => {
    server = http.createServer((q, a) => {
      seen.push(q.headers.authorization);
      a.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(KEYS));
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((ok) => server.close(ok)));
  beforeEach(() => {
    seen.length = 0;
  });

  const none = (why: string) => new Error(why);
  const run = (env: Record<string, string>) => fromContainer({ env, now: () => new Date() }, none);

  it("a full URI with user information fails, and no request reaches the server", async () => {
    const url = `http://user@127.0.0.1:${port}/creds`;
    await expect(run({ AWS_CONTAINER_CREDENTIALS_FULL_URI: url })).rejects.toThrow(
      /cannot reach the container credentials endpoint/,
    );
    expect(seen).toEqual([]);
  }, 15_000);

  it("spaces around the token are trimmed", async () => {
    const env = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/creds`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "  tok  ",
    };
    await expect(run(env)).resolves.toMatchObject({ accessKeyId: KEYS.AccessKeyId });
    expect(seen).toEqual(["tok"]);
  });

  it("a NUL in the token fails, and no request reaches the server", async () => {
    const env = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/creds`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "to\u0000k",
    };
    await expect(run(env)).rejects.toThrow();
    expect(seen).toEqual([]);
  }, 15_000);
});
