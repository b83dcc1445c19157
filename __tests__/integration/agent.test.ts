// awsx's agent (docs/agent.md) end to end: the BUILT CLI with AWSX_AGENT=1, a real moto_server
// (its recorder counts STS calls), the Secret Service of npm test's D-Bus session, real child
// processes. Every agent a test starts is found by its pid and stopped by the test.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { AWSX_BIN, type AwsxRun, runAwsx, runDetached } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import {
  busTraffic,
  clearItems,
  lockDefaultCollection,
  startPrivateKeyring,
} from "../helpers/keyring.js";
import { startFakeSso } from "../helpers/fakeSso.js";
import { ssoCacheKey } from "../../src/sso/ssoToken.js";
import { startMoto, type Moto, type MotoUser } from "../helpers/moto.js";
import { needs } from "../helpers/requirements.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The child prints its ignored signals (grep, started by sh: a spawned child ignores none)
// and its environment (node, as JSON).
const PRINT_ENV = [
  "sh",
  "-c",
  `grep '^SigIgn' /proc/self/status; exec "${process.execPath}" -e ` +
    `'process.stdout.write(JSON.stringify(process.env))'`,
];

const describeMoto = await needs("moto_server", {
  name: "a Secret Service (npm test runs jest in a D-Bus session with gnome-keyring)",
  probe: async () => Boolean(process.env.DBUS_SESSION_BUS_ADDRESS),
  hint: "run through npm test",
});

// The pids of agents serving `cacheDir` (dist/agent.cjs with that AWSX_CACHE_DIR), from /proc.
function agentsOf(cacheDir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "latin1").split("\0");
      if (!cmd.some((a) => a.endsWith("/dist/agent.cjs"))) continue;
      const env = readFileSync(`/proc/${name}/environ`, "latin1").split("\0");
      if (env.includes(`AWSX_CACHE_DIR=${cacheDir}`)) pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Polls until `check` holds (at most 20 s: a bound for a stuck test, not a measure of speed).
async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// One raw request line to a socket, and its answer line ("" when it closed without one).
function ask(sock: string, request: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ path: sock });
    let text = "";
    s.on("connect", () => s.write(`${JSON.stringify(request)}\n`));
    s.on("data", (d: Buffer) => (text += d.toString()));
    s.on("close", () => resolve(text.trim()));
    s.on("error", reject);
  });
}

describeMoto("the agent", () => {
  let moto: Moto;
  let user: MotoUser;
  let home: TempHome;
  let roleArn: string;
  let role: (name: string, arn?: string) => string;
  let work: string;
  const started = new Set<number>();
  const caches: string[] = [];
  let n = 0;

  // A cache folder of its own for each test (so each test has its own agent), short enough
  // for sun_path; its parent is 0755 so another user's access stops at the agent's folders.
  const newCache = (): string => {
    const dir = path.join(work, `c${n++}`);
    caches.push(dir);
    return dir;
  };
  const envOf = (cacheDir: string, extra: Record<string, string | undefined> = {}) =>
    home.env({
      AWSX_AGENT: "1",
      AWSX_CACHE_DIR: cacheDir,
      DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
      ...extra,
    });
  const awsx = (args: string[], env: Record<string, string>) => runAwsx(args, env, 60_000);
  const status = async (env: Record<string, string>) => {
    const r = await awsx(["agent", "status"], env);
    const m = /^pid (\d+),.* (\d+) runs answered, (\d+) left to awsx/.exec(r.stdout);
    return m ? { pid: Number(m[1]), served: Number(m[2]), direct: Number(m[3]) } : undefined;
  };
  // Waits for the agent of `cacheDir` (started by a run) and remembers it for the cleanup.
  const agentUp = async (cacheDir: string, env: Record<string, string>) => {
    let s: Awaited<ReturnType<typeof status>>;
    await until("the agent", async () => Boolean((s = await status(env))));
    for (const p of agentsOf(cacheDir)) started.add(p);
    started.add(s!.pid);
    return s!;
  };
  const childOf = (stdout: string) => {
    const [line = "", json = "{}"] = stdout.split("\n");
    return {
      sigIgn: line.replace(/^SigIgn:\s*/, ""),
      env: JSON.parse(json) as Record<string, string>,
    };
  };

  beforeAll(async () => {
    moto = await startMoto();
    user = await moto.createUser("agent-alice");
    roleArn = (await moto.createRole("agent-role")).arn;
    const parallelArn = (await moto.createRole("agent-parallel")).arn;
    role = (name: string, arn = roleArn) =>
      `[profile ${name}]\nrole_arn = ${arn}\nsource_profile = base\nregion = us-east-1\n` +
      `endpoint_url = ${moto.url}\n`;
    home = makeHome({
      config:
        `[profile base]\nregion = us-east-1\n\n${role("target")}\n` +
        `${role("parallel", parallelArn)}\n` +
        `[profile stored]\nregion = us-east-1\nendpoint_url = ${moto.url}\n\n` +
        role("viastored").replace("source_profile = base", "source_profile = stored"),
      credentials:
        `[base]\naws_access_key_id = ${user.accessKeyId}\n` +
        `aws_secret_access_key = ${user.secretAccessKey}\n`,
    });
    work = mkdtempSync(path.join(os.tmpdir(), "awsx-ag-"));
    chmodSync(work, 0o755);
  }, 60_000);

  afterEach(async () => {
    // Every agent of this test's cache folders, also one a failed assertion never waited for.
    for (const cache of caches) for (const pid of agentsOf(cache)) started.add(pid);
    for (const pid of started) {
      try {
        process.kill(pid, "SIGCONT");
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    started.clear();
  });

  afterAll(async () => {
    await moto?.stop();
    home?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("answers a warm exec with the child environment of the direct path", async () => {
    const cache = newCache();
    const env = envOf(cache);
    const cold = await awsx(["exec", "target", "--", ...PRINT_ENV], env);
    expect(cold.stderr).toBe("");
    expect(cold.code).toBe(0);
    const before = await agentUp(cache, env);
    const warm = await awsx(["exec", "target", "--", ...PRINT_ENV], env);
    expect(warm.stderr).toBe("");
    expect(warm.code).toBe(0);
    const after = await status(env);
    expect(after!.served).toBe(before.served + 1);
    const direct = await awsx(
      ["exec", "target", "--", ...PRINT_ENV],
      envOf(cache, { AWSX_AGENT: "0" }),
    );
    expect(direct.code).toBe(0);
    const a = childOf(warm.stdout);
    const d = childOf(direct.stdout);
    expect(a.env.AWS_SESSION_TOKEN).toBeTruthy();
    expect({ ...a.env, AWSX_AGENT: "" }).toEqual({ ...d.env, AWSX_AGENT: "" });
    expect(a.sigIgn).toBe(d.sigIgn);
    expect(BigInt(`0x${a.sigIgn}`)).toBe(0n);
  }, 60_000);

  // The client's code cache (bin/awsx.js's loadBundle) is written by a run the agent answered:
  // the functions of that path are the ones worth keeping compiled.
  it("keeps the client's code cache from a run it answered, and uses it as is", async () => {
    const cache = newCache();
    const env = envOf(cache);
    const file = path.join(cache, "compile", `agent-client.${process.version}-${process.arch}.v8`);
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    const before = await agentUp(cache, env);
    expect(existsSync(file)).toBe(false); // the first run was not answered
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    expect((await status(env))!.served).toBe(before.served + 1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const ino = statSync(file).ino;
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    expect((await status(env))!.served).toBe(before.served + 2);
    expect(statSync(file).ino).toBe(ino);
  }, 60_000);

  // The installed awsx starts Node with --disable-sigusr1 (bin/awsx.js's #! line), which keeps
  // SIGUSR1 blocked; a blocked or ignored signal stays so across execve. Through the agent the
  // command must start as on the direct path (e2e/execve.test.ts): none blocked, none ignored.
  // cat reports its own masks (a shell would not do: dash clears its signal mask).
  it("under the #! line, the command has no signal blocked or ignored, as direct", async () => {
    const cache = newCache();
    const env = envOf(cache);
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    const before = await agentUp(cache, env);
    const asInstalled = (e: Record<string, string>) =>
      runDetached(
        process.execPath,
        ["--disable-sigusr1", AWSX_BIN, "exec", "target", "--", "cat", "/proc/self/status"],
        e,
      );
    const viaAgent = await asInstalled(env);
    expect((await status(env))!.served).toBe(before.served + 1);
    const direct = await asInstalled(envOf(cache, { AWSX_AGENT: "0" }));
    const masks = (r: Awaited<ReturnType<typeof asInstalled>>) => ({
      code: r.code,
      stderr: r.stderr,
      // The command replaced awsx: its parent is this jest worker, as on the direct path.
      PPid: /^PPid:\s*(\d+)/m.exec(r.stdout)?.[1],
      SigBlk: /^SigBlk:\s*(\S+)/m.exec(r.stdout)?.[1],
      SigIgn: /^SigIgn:\s*(\S+)/m.exec(r.stdout)?.[1],
    });
    const expected = {
      code: 0,
      stderr: "",
      PPid: String(process.pid),
      SigBlk: "0000000000000000",
      SigIgn: "0000000000000000",
    };
    expect(masks(viaAgent)).toEqual(expected);
    expect(masks(direct)).toEqual(expected);
    // The client execs with the agent's socket still open: it closes with the process
    // (close-on-exec), and the command has the direct path's fds.
    const fds = async (e: Record<string, string>) => {
      const argv = ["--disable-sigusr1", AWSX_BIN, "exec", "target", "--", "ls", "/proc/self/fd"];
      const r = await runDetached(process.execPath, argv, e);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      return r.stdout;
    };
    const served = (await status(env))!.served;
    expect(await fds(env)).toBe(await fds(envOf(cache, { AWSX_AGENT: "0" })));
    expect((await status(env))!.served).toBe(served + 1);
  }, 60_000);

  it("reads the config again when it changes", async () => {
    const cache = newCache();
    const env = envOf(cache);
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    const first = await agentUp(cache, env);
    const config = readFileSync(home.configFile, "utf8");
    try {
      // A new profile on the same route (the same session): the agent answers it.
      writeFileSync(home.configFile, `${config}\n${role("alias")}`);
      const warm = await awsx(["exec", "alias", "--", ...PRINT_ENV], env);
      expect(warm.code).toBe(0);
      expect(childOf(warm.stdout).env.AWSX_PROFILE).toBe("alias");
      expect((await status(env))!.served).toBe(first.served + 1);
      // The profile is gone: the agent does not answer from the config it read before.
      writeFileSync(home.configFile, config.replace("[profile target]", "[profile gone]"));
      const gone = await awsx(["exec", "target", "--", "true"], env);
      expect(gone.stderr).toMatch(/The config profile \(target\) could not be found/);
      expect(gone.code).toBe(67);
    } finally {
      writeFileSync(home.configFile, config);
    }
  }, 60_000);

  it("sees awsx clear at once", async () => {
    const cache = newCache();
    const env = envOf(cache);
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    await agentUp(cache, env);
    const held = await awsx(["exec", "target", "--", ...PRINT_ENV], env);
    const before = childOf(held.stdout).env.AWS_ACCESS_KEY_ID;
    expect((await awsx(["clear", "target"], env)).code).toBe(0);
    await moto.startRecording();
    const after = await awsx(["exec", "target", "--", ...PRINT_ENV], env);
    expect(await moto.countCalls("AssumeRole")).toBe(1);
    await moto.stopRecording();
    expect(childOf(after.stdout).env.AWS_ACCESS_KEY_ID).not.toBe(before);
  }, 60_000);

  const printEnv = (env: Record<string, string>) =>
    awsx(["exec", "target", "--", ...PRINT_ENV], env);
  const keyOf = (r: { stdout: string }) => childOf(r.stdout).env.AWS_ACCESS_KEY_ID;
  // A keyring of its own for each test, which it locks or empties, and an agent that has
  // answered one warm run from it: `held` is that run's output, `direct` the agent's count of
  // runs it left to awsx by then. `env` runs awsx with that keyring.
  const withWarmAgent = async (
    test: (w: {
      env: Record<string, string>;
      address: string;
      held: AwsxRun;
      direct: number;
    }) => Promise<void>,
  ) => {
    const kr = await startPrivateKeyring();
    try {
      const cache = newCache();
      const env = envOf(cache, { DBUS_SESSION_BUS_ADDRESS: kr.address });
      expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
      await agentUp(cache, env);
      const held = await printEnv(env);
      const before = await status(env);
      expect(before!.served).toBe(1);
      await test({ env, address: kr.address, held, direct: before!.direct });
    } finally {
      await kr.stop();
    }
  };

  // The direct path cannot read a locked keychain (here its unlock prompt is dismissed; a
  // desktop asks to unlock it): the automatic backend falls back and calls STS, the keychain
  // backend is 74. The agent must not answer from what it read while the keychain was open.
  it(
    "goes direct once the keychain is locked: the direct path's exit and message",
    () =>
      withWarmAgent(async ({ env, address, held, direct: leftBefore }) => {
        await lockDefaultCollection(address);
        const off = { ...env, AWSX_AGENT: "0" };
        const asked = await printEnv(env);
        const direct = await printEnv(off);
        expect(direct.code).toBe(0);
        expect(asked.code).toBe(0);
        expect(asked.stderr).toBe(direct.stderr);
        expect(keyOf(asked)).toBeTruthy();
        expect(keyOf(asked)).not.toBe(keyOf(held)); // a new session: the held one stayed held
        const kc = { AWSX_BACKEND: "keychain" };
        const askedKc = await printEnv({ ...env, ...kc });
        const directKc = await printEnv({ ...off, ...kc });
        expect(directKc.code).toBe(74);
        expect(directKc.stderr).toMatch(/the keychain is locked/);
        const seen = ({ ms: _, ...r }: typeof directKc) => r;
        expect(seen(askedKc)).toEqual(seen(directKc));
        expect(await status(env)).toMatchObject({ served: 1, direct: leftBefore + 2 });
      }),
    60_000,
  );

  it(
    "forgets a session another program deleted from the keychain (secret-tool)",
    () =>
      withWarmAgent(async ({ env, address, held }) => {
        await clearItems(address, "awsx");
        await moto.startRecording();
        const after = await printEnv(env);
        expect(await moto.countCalls("AssumeRole")).toBe(1);
        await moto.stopRecording();
        expect(keyOf(after)).toBeTruthy();
        expect(keyOf(after)).not.toBe(keyOf(held));
        expect(await status(env)).toMatchObject({ served: 1 });
      }),
    60_000,
  );

  it("exits after AWSX_AGENT_IDLE seconds without a request", async () => {
    const cache = newCache();
    const env = envOf(cache, { AWSX_AGENT_IDLE: "1" });
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    const { pid } = await agentUp(cache, env);
    await until("the idle agent's exit", () => !alive(pid));
    expect(readdirSync(path.join(cache, "agent"))).toEqual([]);
  }, 60_000);

  it("stops on awsx agent stop", async () => {
    const cache = newCache();
    const env = envOf(cache);
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    const { pid } = await agentUp(cache, env);
    const r = await awsx(["agent", "stop"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`awsx agent ${pid} stopped\n`);
    await until("the stopped agent's exit", () => !alive(pid));
    const again = await awsx(["agent", "stop"], env);
    expect(again.stderr).toBe("awsx: no agent is running\n");
  }, 60_000);

  it.each([
    ["another protocol version", { v: 2, op: "status" }],
    ["another build of awsx", { v: 1, op: "exec", build: "1:2:3", argv: [], env: {}, cwd: "/" }],
  ])(
    "exits when asked by %s; the next awsx starts its own",
    async (_what, request) => {
      const cache = newCache();
      const env = envOf(cache);
      expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
      const { pid } = await agentUp(cache, env);
      const answer = JSON.parse(await ask(path.join(cache, "agent", "agent.sock"), request));
      expect(answer).toEqual({ v: 1, kind: "direct", why: "another awsx" });
      await until("the old agent's exit", () => !alive(pid));
      expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
      const next = await agentUp(cache, env);
      expect(next.pid).not.toBe(pid);
    },
    60_000,
  );

  it.each([
    ["AWSX_AGENT=0", false, { AWSX_AGENT: "0" }],
    ["CI=true", false, { AWSX_AGENT: undefined, CI: "true" }],
    ["CI=true and AWSX_AGENT=1", true, { CI: "true" }],
  ])(
    "with %s, an agent starts: %s",
    async (_what, starts, extra) => {
      const cache = newCache();
      const env = envOf(cache, extra);
      const r = await awsx(["exec", "target", "--", "true"], env);
      expect(r.code).toBe(0);
      if (starts) {
        await agentUp(cache, env);
      } else {
        // A later run that would start one (AWSX_AGENT=1) shows this one did not.
        await sleep(500);
        expect(agentsOf(cache)).toEqual([]);
        expect(readdirSync(cache)).not.toContain("agent");
      }
    },
    60_000,
  );

  it("leaves a stopped (SIGSTOP) or dead agent behind and runs the direct path", async () => {
    const cache = newCache();
    const env = envOf(cache);
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    const { pid } = await agentUp(cache, env);
    process.kill(pid, "SIGSTOP");
    try {
      const frozen = await awsx(["exec", "target", "--", ...PRINT_ENV], env);
      expect(frozen.code).toBe(0);
      expect(childOf(frozen.stdout).env.AWS_SESSION_TOKEN).toBeTruthy();
    } finally {
      process.kill(pid, "SIGCONT");
    }
    process.kill(pid, "SIGKILL");
    await until("the killed agent's end", () => !alive(pid));
    // Its socket stays behind: the next run goes direct and starts an agent that replaces it.
    const dead = await awsx(["exec", "target", "--", ...PRINT_ENV], env);
    expect(dead.code).toBe(0);
    expect(childOf(dead.stdout).env.AWS_SESSION_TOKEN).toBeTruthy();
    const next = await agentUp(cache, env);
    expect(next.pid).not.toBe(pid);
  }, 60_000);

  it("16 parallel cold runs make one STS call", async () => {
    const cache = newCache();
    const env = envOf(cache);
    await moto.startRecording();
    const runs = await Promise.all(
      Array.from({ length: 16 }, () => awsx(["exec", "parallel", "--", ...PRINT_ENV], env)),
    );
    const calls = await moto.countCalls("AssumeRole");
    await moto.stopRecording();
    for (const r of runs) expect(r.code).toBe(0);
    expect(calls).toBe(1);
    const keys = new Set(runs.map((r) => childOf(r.stdout).env.AWS_ACCESS_KEY_ID));
    expect(keys.size).toBe(1);
    await agentUp(cache, env);
    // Every agent the runs started but the one that kept the socket has gone.
    await until("one agent", () => agentsOf(cache).length === 1);
  }, 120_000);

  it("refuses another local user: the folder is 0700, the socket 0600", async () => {
    // Only root can run a process as another user: a run that is not root must not pass.
    expect(process.getuid?.()).toBe(0);
    const cache = newCache();
    const env = envOf(cache);
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    await agentUp(cache, env);
    chmodSync(cache, 0o755); // so that only the agent's own folder and socket stand in the way
    const dir = path.join(cache, "agent");
    const sock = path.join(dir, "agent.sock");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(sock).mode & 0o777).toBe(0o600);
    const asNobody = (code: string) => {
      try {
        const argv = [
          "--reuid=65534",
          "--regid=65534",
          "--clear-groups",
          "/usr/bin/python3",
          "-c",
          code,
        ];
        return execFileSync("setpriv", argv, {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? "") + String((e as Error).message);
      }
    };
    const py = (body: string) =>
      `import os, socket, sys\ntry:\n    ${body}\n    print("allowed")\n` +
      `except PermissionError:\n    print("denied")`;
    expect(asNobody(py(`os.listdir(${JSON.stringify(dir)})`)).trim()).toBe("denied");
    expect(
      asNobody(py(`socket.socket(socket.AF_UNIX).connect(${JSON.stringify(sock)})`)).trim(),
    ).toBe("denied");
    // As a check of the check: the cache folder itself, 0755, is readable by nobody.
    expect(asNobody(py(`os.listdir(${JSON.stringify(cache)})`)).trim()).toBe("allowed");
  }, 60_000);

  it("skips a socket path longer than sun_path", async () => {
    const cache = path.join(work, "l".repeat(120));
    caches.push(cache);
    const env = envOf(cache);
    const r = await awsx(["exec", "target", "--", "true"], env);
    expect(r.code).toBe(0);
    await sleep(500);
    expect(agentsOf(cache)).toEqual([]);
    // No agent was started (one would have made its folder before failing to bind).
    expect(existsSync(path.join(cache, "agent"))).toBe(false);
  }, 60_000);

  it("sends no secret in plain text on the session bus (dbus-monitor)", async () => {
    const cache = newCache();
    const env = envOf(cache);
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    const before = await agentUp(cache, env);
    // The agent's first request reads the session from the keychain; the second is held.
    const { result, traffic } = await busTraffic(process.env.DBUS_SESSION_BUS_ADDRESS!, () =>
      Promise.all([0, 1].map(() => awsx(["exec", "target", "--", ...PRINT_ENV], env))),
    );
    expect((await status(env))!.served).toBe(before.served + 2);
    expect(traffic).toMatch(/org\.freedesktop\.Secret\.(Item|Service)/);
    for (const r of result) {
      const child = childOf(r.stdout).env;
      for (const secret of [child.AWS_SECRET_ACCESS_KEY!, child.AWS_SESSION_TOKEN!]) {
        expect(secret.length).toBeGreaterThan(15);
        expect(traffic.includes(secret)).toBe(false);
        expect(traffic.includes(secret.slice(0, 16))).toBe(false);
      }
    }
  }, 60_000);

  it("is not used from a folder others can read; no core dumps, no SIGUSR1", async () => {
    const cache = newCache();
    const env = envOf(cache);
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    const { pid, served } = await agentUp(cache, env);
    // RLIMIT_CORE 0 (ulimit -c 0 before Node starts) and no inspector on SIGUSR1.
    expect(readFileSync(`/proc/${pid}/limits`, "utf8")).toMatch(/^Max core file size\s+0\s+0\s/m);
    expect(readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0")).toContain(
      "--disable-sigusr1",
    );
    // A client trusts the socket only in a folder that is the user's alone.
    chmodSync(path.join(cache, "agent"), 0o750);
    const r = await awsx(["exec", "target", "--", ...PRINT_ENV], env);
    expect(r.code).toBe(0);
    expect(childOf(r.stdout).env.AWS_SESSION_TOKEN).toBeTruthy();
    chmodSync(path.join(cache, "agent"), 0o700);
    expect((await status(env))!.served).toBe(served);
  }, 60_000);

  it("sees awsx remove at once: stored keys are read, never held", async () => {
    const cache = newCache();
    const env = envOf(cache);
    const keys = {
      AWS_ACCESS_KEY_ID: user.accessKeyId,
      AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
    };
    const add = await awsx(["add", "stored", "--env"], { ...env, ...keys });
    expect(add.stderr).toMatch(/stored keys/);
    expect((await awsx(["exec", "viastored", "--", "true"], env)).code).toBe(0);
    const before = await agentUp(cache, env);
    expect((await awsx(["exec", "viastored", "--", "true"], env)).code).toBe(0);
    expect((await status(env))!.served).toBe(before.served + 1);
    expect((await awsx(["remove", "stored", "--force"], env)).code).toBe(0);
    const viaAgent = await awsx(["exec", "viastored", "--", "true"], env);
    const direct = await awsx(["exec", "viastored", "--", "true"], { ...env, AWSX_AGENT: "0" });
    expect(direct.code).not.toBe(0);
    expect({ code: viaAgent.code, stderr: viaAgent.stderr }).toEqual({
      code: direct.code,
      stderr: direct.stderr,
    });
  }, 60_000);

  it("sees awsx sso logout at once", async () => {
    const fake = await startFakeSso();
    const start = "https://d-agent.awsapps.com/start";
    const sso = makeHome({
      config:
        `[sso-session corp]\nsso_start_url = ${start}\nsso_region = eu-west-1\n\n` +
        "[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\n" +
        "sso_role_name = ReadOnly\nregion = eu-west-1\n",
    });
    try {
      const dir = path.join(sso.dir, ".aws", "sso", "cache");
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const token = fake.mintToken({ refresh: true });
      const file = `${ssoCacheKey({ name: "corp", startUrl: start })}.json`;
      const json = JSON.stringify({ startUrl: start, region: "eu-west-1", ...token });
      writeFileSync(path.join(dir, file), json, { mode: 0o600 });
      const cache = newCache();
      const env = sso.env({
        AWSX_AGENT: "1",
        AWSX_CACHE_DIR: cache,
        DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
        AWS_ENDPOINT_URL_SSO: fake.url,
        AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
      });
      expect((await awsx(["exec", "dev", "--", "true"], env)).code).toBe(0);
      const before = await agentUp(cache, env);
      expect((await awsx(["exec", "dev", "--", "true"], env)).code).toBe(0);
      expect((await status(env))!.served).toBe(before.served + 1);
      const out = await awsx(["sso", "logout", "--write-cli-cache"], env);
      expect(out.code).toBe(0);
      const viaAgent = await awsx(["exec", "dev", "--", "true"], env);
      const direct = await awsx(["exec", "dev", "--", "true"], { ...env, AWSX_AGENT: "0" });
      expect(direct.code).toBe(79);
      expect({ code: viaAgent.code, stderr: viaAgent.stderr }).toEqual({
        code: direct.code,
        stderr: direct.stderr,
      });
    } finally {
      await fake.close();
      sso.cleanup();
    }
  }, 60_000);

  it("is never held by a frozen D-Bus session: the agent retires, awsx goes direct", async () => {
    const kr = await startPrivateKeyring();
    try {
      const cache = newCache();
      const env = envOf(cache, { DBUS_SESSION_BUS_ADDRESS: kr.address });
      expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
      const { pid } = await agentUp(cache, env);
      // The agent has not opened the keychain yet: its first warm request will.
      process.kill(kr.busPid, "SIGSTOP");
      try {
        const r = await awsx(["exec", "target", "--", ...PRINT_ENV], env);
        expect(r.code).toBe(0);
        expect(childOf(r.stdout.replace(/^awsx: .*\n/gm, "")).env.AWS_SESSION_TOKEN).toBeTruthy();
        await until("the agent's exit after its keychain failed", () => !alive(pid));
      } finally {
        process.kill(kr.busPid, "SIGCONT");
      }
    } finally {
      await kr.stop();
    }
  }, 60_000);

  it("starts one agent at a time: a fresh start marker holds others back", async () => {
    const cache = newCache();
    const env = envOf(cache);
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    const { pid } = await agentUp(cache, env);
    expect(existsSync(path.join(cache, "agent", "starting"))).toBe(false);
    process.kill(pid, "SIGKILL");
    await until("the killed agent's end", () => !alive(pid));
    // Another run is starting one (its marker is fresh): this run starts none.
    const marker = path.join(cache, "agent", "starting");
    writeFileSync(marker, "");
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    expect(agentsOf(cache)).toEqual([]);
    // That start failed long ago: the next run starts one, which removes the marker.
    const old = new Date(Date.now() - 60_000);
    utimesSync(marker, old, old);
    expect((await awsx(["exec", "target", "--", "true"], env)).code).toBe(0);
    const next = await agentUp(cache, env);
    expect(next.pid).not.toBe(pid);
    expect(existsSync(marker)).toBe(false);
  }, 60_000);
});
