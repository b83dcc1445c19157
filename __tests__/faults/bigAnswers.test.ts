// Every answer awsx reads is capped (1 MiB): an STS, container or instance-metadata endpoint
// that streams without end, with or without Content-Length, is refused, not read into memory.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";

const KEYS =
  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" +
  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
const CHUNK = Buffer.alloc(64 * 1024, "x");
const LIMIT_BYTES = 200 * 1024 * 1024; // the server gives up after this: the test never runs away

let server: http.Server;
let url: string;
let sent = 0;
let withLength = false;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, {
      "Content-Type": "text/xml",
      ...(withLength ? { "Content-Length": String(LIMIT_BYTES) } : {}),
    });
    const pump = () => {
      while (sent < LIMIT_BYTES && !res.destroyed) {
        sent += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once("drain", pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
);

let home: TempHome;
beforeEach(() => {
  sent = 0;
  home = makeHome({
    config:
      "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = foo\n" +
      "[profile ecs]\nrole_arn = arn:aws:iam::123456789012:role/r\n" +
      "credential_source = EcsContainer\n",
    credentials: `[foo]\n${KEYS}`,
  });
});
afterEach(() => home.cleanup());

test.each([false, true])(
  "an endless STS answer (Content-Length sent: %s): 77, refused past 1 MiB",
  async (length) => {
    withLength = length;
    const r = await runAwsx(
      ["exec", "--backend", "none", "role", "--", "true"],
      home.env({ AWS_ENDPOINT_URL_STS: url, AWSX_STS_TIMEOUT: "20" }),
      60_000,
    );
    expect(r.stderr).toMatch(/larger than 1048576 bytes/);
    expect(r.code).toBe(77);
    expect(sent).toBeLessThan(LIMIT_BYTES);
  },
);

test("an endless container-credentials answer: 79, refused past 1 MiB", async () => {
  withLength = false;
  const r = await runAwsx(
    ["exec", "--backend", "none", "ecs", "--", "true"],
    home.env({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${url}/creds` }),
    60_000,
  );
  expect(r.stderr).toMatch(/larger than 1048576 bytes/);
  expect(r.code).toBe(79);
  expect(sent).toBeLessThan(LIMIT_BYTES);
});
