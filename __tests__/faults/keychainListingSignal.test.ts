// The keychain listing runs in a child Node (src/platform/keychain.ts listInChild) that holds
// every stored secret it read. Node opens its inspector on 127.0.0.1:9229 at SIGUSR1, where
// any local user may attach and run code as the user: the child must not take the signal,
// as awsx itself does not (bin/awsx.js). The listing is kept waiting by a Secret Service
// stopped with SIGSTOP, the child gets SIGUSR1, and nothing of it may listen until it ends.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { makeHome, type TempHome } from "../helpers/home.js";
import { startPrivateKeyring, type PrivateKeyring } from "../helpers/keyring.js";
import { needs } from "../helpers/requirements.js";
import { AWSX_BIN } from "../helpers/awsx.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The processes whose parent is `ppid` and whose command line holds `text`.
function childrenOf(ppid: number, text: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8");
      if (parent === ppid && cmd.includes(text)) found.push(Number(name));
    } catch {
      // gone
    }
  }
  return found;
}

// Whether a process has a listening TCP socket: the socket inodes of its descriptors against
// the LISTEN (0A) rows of /proc/net/tcp and tcp6.
function listens(pid: number): boolean {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    }
  } catch {
    return false; // gone
  }
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let rows: string[] = [];
    try {
      rows = readFileSync(table, "utf8").split("\n").slice(1);
    } catch {
      continue;
    }
    for (const row of rows) {
      const f = row.trim().split(/\s+/);
      if (f[3] === "0A" && inodes.has(f[9]!)) return true;
    }
  }
  return false;
}

const describeKeyring = await needs("dbus-daemon", "dbus-send", "gnome-keyring-daemon");

describeKeyring("the keychain listing's child Node", () => {
  let kr: PrivateKeyring | undefined;
  let home: TempHome;
  beforeAll(async () => {
    kr = await startPrivateKeyring();
    home = makeHome({ config: "[profile a]\nregion=us-east-1\n" });
  }, 30_000);
  afterAll(async () => {
    await kr?.stop();
    home?.cleanup();
  }, 20_000);

  test("does not open the inspector at SIGUSR1", async () => {
    process.kill(kr!.daemonPid, "SIGSTOP");
    const env = home.env({
      DBUS_SESSION_BUS_ADDRESS: kr!.address,
      AWSX_CACHE_DIR: path.join(home.dir, "cache"),
    });
    const awsx = spawn(process.execPath, [AWSX_BIN, "list", "--backend", "keychain"], {
      env,
      stdio: "ignore",
      detached: true,
    });
    let exited = false;
    awsx.once("exit", () => (exited = true));
    let child: number | undefined;
    let listened = false;
    try {
      // The listing child, while awsx waits for it (awsx ends it at its 5 s timeout).
      while (!exited && child === undefined) {
        child = childrenOf(awsx.pid!, "findCredentialsAsync")[0];
        if (child === undefined) await sleep(20);
      }
      expect(child).toBeDefined();
      process.kill(child!, "SIGUSR1");
      while (!exited && !listened) {
        listened = listens(child!);
        await sleep(50);
      }
    } finally {
      process.kill(kr!.daemonPid, "SIGCONT");
      try {
        process.kill(-awsx.pid!, "SIGKILL");
      } catch {
        // gone
      }
    }
    expect(listened).toBe(false);
  }, 30_000);
});
