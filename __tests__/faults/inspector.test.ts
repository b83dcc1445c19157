// SIGUSR1 must never open Node's inspector (127.0.0.1:9229, open to every local user), at
// any point of a run: here while awsx waits on STS, before any child exists.
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { AWSX_BIN } from "../helpers/awsx.js";
import { makeHome } from "../helpers/home.js";

const KEYS =
  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

test.each(["env", "credential-process", "exec"])(
  "SIGUSR1 during awsx %s's STS call: no inspector, the run goes on",
  async (command) => {
    const held: http.ServerResponse[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      held.push(res); // never answered: awsx waits here
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const sts = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const home = makeHome({
      config: "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = foo\n",
      credentials: `[foo]\n${KEYS}`,
    });
    try {
      const args = [
        AWSX_BIN,
        command,
        "--backend",
        "none",
        "role",
        ...(command === "exec" ? ["--", "true"] : []),
      ];
      const child = spawn(process.execPath, args, {
        env: home.env({ AWS_ENDPOINT_URL_STS: sts, AWSX_STS_TIMEOUT: "1" }),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      for (let i = 0; i < 100 && held.length === 0; i++)
        await new Promise((ok) => setTimeout(ok, 50));
      expect(held.length).toBeGreaterThan(0);
      child.kill("SIGUSR1");
      const [code, signal] = await new Promise<[number | null, string | null]>((ok) =>
        child.on("close", (c, s) => ok([c, s])),
      );
      expect(stderr).not.toMatch(/Debugger listening|inspector/i);
      expect(signal).toBeNull();
      expect(code).toBe(69); // the STS timeout, as without the signal
    } finally {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
      home.cleanup();
    }
  },
  60_000,
);
