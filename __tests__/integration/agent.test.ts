// awsx's agent (docs/agent.md) end to end: the BUILT CLI with AWSX_AGENT=1, a real moto_server
// (its recorder counts STS calls), the Secret Service of npm test's D-Bus session, real child
// processes. Every agent a test starts is found by its pid and stopped by the test.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
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

// The pids of agents serving `cacheDir` (awsx agent serve with that AWSX_CACHE_DIR), from /proc.
function agentsOf(cacheDir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "latin1").split("\0");
      if (!(cmd.includes("agent") && cmd.includes("serve"))) continue;
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
  let work: string;
  const started = new Set<number>();
  let n = 0;

  // A cache folder of its own for each test (so each test has its own agent), short enough
  // for sun_path; its parent is 0755 so another user's access stops at the agent's folders.
  const newCache = (): string => {
    const dir = path.join(work, `c${n++}`);
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
    const role = (name: string, extra = "") =>
      `[profile ${name}]\nrole_arn = ${roleArn}\nsource_profile = base\nregion = us-east-1\n` +
      `endpoint_url = ${moto.url}\n${extra}`;
    home = makeHome({
      config: `[profile base]\nregion = us-east-1\n\n${role("target")}\n${role("parallel")}\n`,
      credentials:
        `[base]\naws_access_key_id = ${user.accessKeyId}\n` +
        `aws_secret_access_key = ${user.secretAccessKey}\n`,
    });
    work = mkdtempSync(path.join(os.tmpdir(), "awsx-ag-"));
    chmodSync(work, 0o755);
  }, 60_000);

  afterEach(async () => {
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
});
