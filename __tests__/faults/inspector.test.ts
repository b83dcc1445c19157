// SIGUSR1 must never open Node's inspector (127.0.0.1:9229, open to every local user), at
// any point of a run: while awsx waits on STS, before any child exists, and in Node's own
// start-up, before bin/awsx.js runs its first line (its shebang passes --disable-sigusr1).
import { spawn } from "node:child_process";
import { existsSync, readdirSync, realpathSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { AWSX_BIN } from "../helpers/awsx.js";
import { makeHome } from "../helpers/home.js";
import { freePort } from "../helpers/ports.js";

const KEYS =
  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" +
  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

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

// The Node running the tests, and the other CI Nodes (.ci/run installs 22 and 24 there).
function nodeDirs(): string[] {
  const ci = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "awsx-ci");
  const dirs = [path.dirname(process.execPath)];
  for (const major of ["node22", "node24"]) {
    const modules = path.join(ci, major, "node_modules");
    if (!existsSync(modules)) continue;
    for (const pkg of readdirSync(modules).filter((p) => p.startsWith("node-linux-")))
      dirs.push(path.join(modules, pkg, "bin"));
  }
  const real = dirs.filter((d) => existsSync(path.join(d, "node"))).map((d) => realpathSync(d));
  return [...new Set(real)];
}

// Whether anything accepts a connection on 127.0.0.1:port right now.
const listening = (port: number): Promise<boolean> =>
  new Promise((ok) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      ok(true);
    });
    socket.once("error", () => ok(false));
  });

// The installed bin, run through its shebang (`env -S node --disable-sigusr1`, node from
// PATH), signalled at once and then later and later through Node's start-up. NODE_OPTIONS
// moves the inspector to a port of the test's, polled while the run lasts.
describe.each(nodeDirs())("SIGUSR1 in the first moments of a run (Node in %s)", (dir) => {
  test("never opens the inspector: not at once, not before bin/awsx.js's first line", async () => {
    const home = makeHome({ credentials: `[foo]\n${KEYS}` });
    const port = await freePort();
    const env = home.env({
      PATH: `${dir}${path.delimiter}${process.env.PATH}`,
      NODE_OPTIONS: `--inspect-port=${port}`,
    });
    try {
      for (const delayMs of [0, 0, 0, 2, 5, 10, 15, 20, 30, 40, 50, 60, 80, 100, 130, 160, 200]) {
        const child = spawn(AWSX_BIN, ["exec", "--backend", "none", "foo", "--", "sleep", "0.3"], {
          env,
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const closed = new Promise<[number | null, string | null]>((ok) =>
          child.on("close", (c, sig) => ok([c, sig])),
        );
        let done = false;
        void closed.then(() => (done = true));
        if (delayMs) await new Promise((ok) => setTimeout(ok, delayMs));
        child.kill("SIGUSR1");
        let opened = false;
        while (!done) {
          if (await listening(port)) opened = true;
          await new Promise((ok) => setTimeout(ok, 20));
        }
        const [code, signal] = await closed;
        expect({ delayMs, opened, stderr }).toEqual({ delayMs, opened: false, stderr: "" });
        // Killed before any handler existed (env or Node's start), ignored (exit 0), or
        // forwarded to the child (exit 138).
        expect(["SIGUSR1", 0, 138]).toContain(signal ?? code);
      }
    } finally {
      home.cleanup();
    }
  }, 120_000);
});

// The price of --disable-sigusr1: Node keeps SIGUSR1 blocked for the whole run, so the
// installed awsx, where it spawns the child (--server), neither forwards it nor dies of it
// (docs/exec.md). The child itself starts with no signal blocked, and can still be sent
// SIGUSR1 directly. A plain exec becomes the child (execve), SIGUSR1 unblocked: the signal
// sent to that pid is the child's own (it exits 7).
test.each([
  [["--server"], "spawned: not forwarded, it goes on", [0, null]],
  [[], "become the child (execve): the child's own", [7, null]],
])(
  "the installed bin and SIGUSR1 while the child runs, %j: %s",
  async (flags, _what, want) => {
    const home = makeHome({ credentials: `[foo]\n${KEYS}` });
    const script =
      'process.on("SIGUSR1", () => process.exit(7)); console.log("ready");' +
      "setTimeout(() => process.exit(0), 1500);";
    try {
      const child = spawn(
        AWSX_BIN,
        ["exec", ...flags, "--backend", "none", "foo", "--", process.execPath, "-e", script],
        { env: home.env(), stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const ready = new Promise<void>((ok) =>
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes("ready")) ok();
        }),
      );
      const closed = new Promise<[number | null, string | null]>((ok) =>
        child.on("close", (c, s) => ok([c, s])),
      );
      await ready;
      child.kill("SIGUSR1");
      expect(await closed).toEqual(want);
      expect(stderr).toBe("");
    } finally {
      home.cleanup();
    }
  },
  30_000,
);
