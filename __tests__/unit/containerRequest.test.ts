// The container endpoint request byte for byte, as botocore's urllib3 sends it: user
// information in the full URI is dropped (no Basic auth), the authorization token goes out
// with its spaces, and a control character in it (docs/config.md, "Where awsx knowingly
// differs") fails before any request. A raw socket server sees what an HTTP parser would trim.
import net from "node:net";
import { stepEffects } from "../../src/cli/deps.js";
import { fromContainer } from "../../src/credentials/steps/container.js";

const KEYS = JSON.stringify({
  AccessKeyId: "AKIDCONTAINERREQUEST1",
  SecretAccessKey: "containerRequestSecret",
  Token: "containerRequestToken",
  Expiration: "2099-01-01T00:00:00Z",
});

describe("container endpoint: the request awsx sends", () => {
  let server: net.Server;
  let port: number;
  const seen: string[] = [];

  beforeAll(async () => {
    server = net.createServer((sock) => {
      let head = "";
      sock.on("data", (d) => {
        head += d.toString("latin1");
        if (!head.includes("\r\n\r\n")) return;
        seen.push(head);
        sock.end(
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${KEYS.length}\r\nConnection: close\r\n\r\n${KEYS}`,
        );
      });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise((ok) => server.close(ok)));
  beforeEach(() => {
    seen.length = 0;
  });

  const none = (why: string) => new Error(why);
  const run = (env: Record<string, string>) =>
    fromContainer({ env, now: () => new Date(), effects: stepEffects() }, none);
  const headers = (raw: string) => raw.split("\r\n").slice(1, -2);

  it("drops user information and a fragment from the full URI, as urllib3 does", async () => {
    const url = `http://user:pw@127.0.0.1:${port}/creds?x=1#frag`;
    await expect(run({ AWS_CONTAINER_CREDENTIALS_FULL_URI: url })).resolves.toMatchObject({
      accessKeyId: "AKIDCONTAINERREQUEST1",
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.split("\r\n")[0]).toBe("GET /creds?x=1 HTTP/1.1");
    expect(headers(seen[0]!).filter((h) => /^authorization:/i.test(h))).toEqual([]);
  });

  it("sends the token with its surrounding spaces", async () => {
    const env = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/creds`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "  tok  ",
    };
    await expect(run(env)).resolves.toMatchObject({ accessKeyId: "AKIDCONTAINERREQUEST1" });
    expect(headers(seen[0]!)).toContain("Authorization:   tok  ");
  });

  it("fails on a control character in the token, before any request", async () => {
    const env = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/creds`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "to\u0001k",
    };
    await expect(run(env)).rejects.toThrow(/holds a control character/);
    expect(seen).toEqual([]);
  });

  it("fails on a folded line (a line break and a space), before any request", async () => {
    const env = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/creds`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "to\n k",
    };
    await expect(run(env)).rejects.toThrow(/holds a line break/);
    expect(seen).toEqual([]);
  });
});
