// A configured STS endpoint with a path or a query: both tools must post to it as written
// (botocore keeps "/base" and "?x=1"; the SDK alone would post to "/base/" without the
// query). A loopback server records each tool's first request line and refuses it.
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { needs } from "../helpers/requirements.js";

const describeIf = await needs("aws");

const ERROR =
  "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message>" +
  "</Error><RequestId>1</RequestId></ErrorResponse>";

function runCli(args: string[], env: Record<string, string>) {
  return new Promise<number | null>((resolve) => {
    const child = spawn("aws", args, { env, stdio: "ignore" });
    child.on("close", resolve);
  });
}

describeIf("a configured STS endpoint's path and query", () => {
  let server: http.Server;
  let base: string;
  let home: TempHome;
  const seen: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(403, { "content-type": "text/xml" }).end(ERROR);
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    home = makeHome({
      credentials: "[base]\naws_access_key_id = AKIAFAKEENDPOINTP001\naws_secret_access_key = x\n",
      config:
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/path\nsource_profile = base\n" +
        "region = eu-west-1\n",
    });
  });
  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
    home?.cleanup();
  });

  it.each(["/base", "/base/", "/base?x=1&x=2&y=", "/?x=1", ""])(
    "%j",
    async (suffix) => {
      const env = home.env({
        AWS_ENDPOINT_URL_STS: base + suffix,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_MAX_ATTEMPTS: "1",
        AWSX_BACKEND: "none",
      });
      seen.length = 0;
      expect(await runCli(["--profile", "r", "sts", "get-caller-identity"], env)).not.toBe(0);
      const cli = seen[0];
      seen.length = 0;
      const awsx = await runAwsx(["exec", "r", "--", "true"], env);
      expect(awsx.code).not.toBe(0);
      expect({ awsx: seen[0], cli }).toEqual({ awsx: cli, cli: expect.stringMatching(/^POST \//) });
    },
    60_000,
  );
});
