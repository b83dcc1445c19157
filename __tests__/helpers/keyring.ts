import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runDetached } from "./awsx.js";

const KEYRING = fileURLToPath(new URL("../../node_modules/@napi-rs/keyring", import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// For races against an exit: does not keep jest alive after the race is won.
const deadline = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

// A Secret Service of the test's own: tests that lock it, stop it or clear every entry
// must not disturb the keyring of `npm test`'s D-Bus session, shared by other files.
export interface PrivateKeyring {
  address: string;
  dir: string;
  // gnome-keyring-daemon's pid (to stop it with SIGSTOP: a Secret Service that never answers).
  daemonPid: number;
  // dbus-daemon's pid (SIGSTOP: a bus whose socket still accepts but never answers).
  busPid: number;
  stop(): Promise<void>;
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const t = setTimeout(() => reject(new Error(`no output within ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.on("data", (d: Buffer) => {
      text += d.toString();
      const nl = text.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(t);
        resolve(text.slice(0, nl).trim());
      }
    });
    child.once("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`exited with ${code} before printing`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const done = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  if (!(await Promise.race([done.then(() => true), deadline(3_000).then(() => false)]))) {
    child.kill("SIGKILL");
    await Promise.race([done, deadline(2_000)]);
  }
}

// dbus-daemon + gnome-keyring-daemon (secrets only) with HOME/XDG folders in a temp dir,
// the login keyring unlocked with a throwaway password. stop() ends both by pid (resuming
// a stopped daemon first) and removes the folder.
export async function startPrivateKeyring(): Promise<PrivateKeyring> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "awsx-keyring-"));
  const runtime = path.join(dir, "run");
  mkdirSync(runtime, { mode: 0o700 });
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    XDG_RUNTIME_DIR: runtime,
    XDG_DATA_HOME: path.join(dir, "data"),
    XDG_CONFIG_HOME: path.join(dir, "config"),
    XDG_CACHE_HOME: path.join(dir, "cache"),
    LANG: "C.UTF-8",
  };
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const c of children.reverse()) {
      if (c.pid !== undefined && c.exitCode === null && c.signalCode === null)
        process.kill(c.pid, "SIGCONT");
      await stopChild(c);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const bus = spawn(
      "dbus-daemon",
      ["--session", "--nofork", "--nopidfile", "--print-address=1"],
      { env: base, stdio: ["ignore", "pipe", "ignore"] },
    );
    children.push(bus);
    bus.once("error", () => {});
    const address = await firstLine(bus, 10_000);
    if (!address.startsWith("unix:")) throw new Error(`dbus-daemon printed ${address}`);
    const env = { ...base, DBUS_SESSION_BUS_ADDRESS: address };
    const gk = spawn("gnome-keyring-daemon", ["--foreground", "--unlock", "--components=secrets"], {
      env,
      stdio: ["pipe", "ignore", "ignore"],
    });
    children.push(gk);
    gk.once("error", () => {});
    gk.stdin!.on("error", () => {});
    gk.stdin!.end("awsx-test");
    // Wait until it owns the Secret Service name (NameHasOwner does not auto-start anything).
    const until = Date.now() + 10_000;
    for (;;) {
      const r = await askSecretsOwner(env);
      if (r.code === 0 && /boolean true/.test(r.stdout)) break;
      if (Date.now() > until || gk.exitCode !== null)
        throw new Error("gnome-keyring-daemon did not take org.freedesktop.secrets");
      await sleep(100);
    }
    return { address, dir, daemonPid: gk.pid!, busPid: bus.pid!, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

// A private session bus with no Secret Service on it and none to start: its own config has
// no service folders, so D-Bus activation cannot start gnome-keyring (the "no Secret Service"
// state: a systemd user bus on a server). stop() ends the dbus-daemon by pid (resuming it
// first, for a test that stops it) and removes the folder.
export interface BareBus {
  address: string;
  busPid: number;
  stop(): Promise<void>;
}

export async function startBareBus(): Promise<BareBus> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "awsx-bus-"));
  const conf = path.join(dir, "bus.conf");
  writeFileSync(
    conf,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${path.join(dir, "bus")}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  const bus = spawn(
    "dbus-daemon",
    [`--config-file=${conf}`, "--nofork", "--nopidfile", "--print-address=1"],
    {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  bus.once("error", () => {});
  const stop = async () => {
    if (bus.pid !== undefined && bus.exitCode === null && bus.signalCode === null)
      process.kill(bus.pid, "SIGCONT");
    await stopChild(bus);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const address = await firstLine(bus, 10_000);
    if (!address.startsWith("unix:")) throw new Error(`dbus-daemon printed ${address}`);
    return { address, busPid: bus.pid!, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

// NameHasOwner for the Secret Service's name on the bus of `env` (it starts nothing).
const askSecretsOwner = (env: Record<string, string>) =>
  runDetached(
    "dbus-send",
    [
      "--session",
      "--print-reply",
      "--dest=org.freedesktop.DBus",
      "/org/freedesktop/DBus",
      "org.freedesktop.DBus.NameHasOwner",
      "string:org.freedesktop.secrets",
    ],
    env,
  );

// Whether a Secret Service owns its name on the bus.
export async function secretServiceOwned(address: string): Promise<boolean> {
  const r = await askSecretsOwner(busEnv(address));
  if (r.code !== 0) throw new Error(`NameHasOwner failed: ${r.stderr}`);
  return /boolean true/.test(r.stdout);
}

// @napi-rs/keyring calls on a given bus, from a separate node (the library reads the bus
// address from its own environment). `body` is an async function body with `k` and `input`
// (stdin, for values too big for argv) in scope; its result comes back as JSON. `k` has
// keytar's four calls over the library, pinned to the Secret Service as awsx pins it.
export async function keyringOn<T>(address: string, body: string, input = ""): Promise<T> {
  const script =
    `const { AsyncEntry, findCredentialsAsync } = require(${JSON.stringify(KEYRING)});
    const at = (s, a) => new AsyncEntry(s, a, { linux: { store: "secret-service" } });
    const k = {
      getPassword: (s, a) => at(s, a).getPassword(),
      setPassword: (s, a, v) => at(s, a).setPassword(v),
      deletePassword: (s, a) => at(s, a).deletePassword(),
      findCredentials: (s) => findCredentialsAsync(s),
    };
    const chunks = []; process.stdin.on("data", (c) => chunks.push(c)); process.stdin.on("end", ` +
    `() => { const input = Buffer.concat(chunks).toString("utf8");
    (async () => { ${body} })().then((v) => process.stdout.write(JSON.stringify(v === undefined ` +
    `? null : v)), (e) => { console.error(e); process.exit(1); }); });`;
  const r = await runDetached(
    process.execPath,
    ["-e", script],
    { PATH: process.env.PATH ?? "", DBUS_SESSION_BUS_ADDRESS: address },
    30_000,
    input,
  );
  if (r.code !== 0) throw new Error(`keyring call failed (${r.code} ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

// An item in the layout awsx wrote through keytar (libsecret's generic schema: attributes
// service and account), written with secret-tool (libsecret-tools).
export async function writeKeytarItem(
  address: string,
  service: string,
  account: string,
  value: string,
): Promise<void> {
  const schema = ["xdg:schema", "org.freedesktop.Secret.Generic"];
  const args = ["store", `--label=${service}`, ...schema, "service", service, "account", account];
  const r = await runDetached("secret-tool", args, busEnv(address), 30_000, value);
  if (r.code !== 0) throw new Error(`secret-tool store failed (${r.code}): ${r.stderr}`);
}

// Deletes every item of `service` (awsx's: "awsx") as another program would (secret-tool).
export async function clearItems(address: string, service: string): Promise<void> {
  const r = await runDetached("secret-tool", ["clear", "service", service], busEnv(address));
  if (r.code !== 0) throw new Error(`secret-tool clear failed (${r.code}): ${r.stderr}`);
}

// The value of the keytar-layout item (service and account), or null when there is none.
export async function readKeytarItem(
  address: string,
  service: string,
  account: string,
): Promise<string | null> {
  const args = ["lookup", "service", service, "account", account];
  const r = await runDetached("secret-tool", args, busEnv(address));
  if (r.code !== 0 && r.stdout === "" && r.stderr === "") return null;
  if (r.code !== 0) throw new Error(`secret-tool lookup failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

const busEnv = (address: string) => ({
  PATH: process.env.PATH ?? "",
  DBUS_SESSION_BUS_ADDRESS: address,
});

const dbusSecrets = (address: string, objectPath: string, method: string, ...args: string[]) =>
  runDetached(
    "dbus-send",
    ["--session", "--print-reply", "--dest=org.freedesktop.secrets", objectPath, method, ...args],
    {
      PATH: process.env.PATH ?? "",
      DBUS_SESSION_BUS_ADDRESS: address,
    },
  );

// Lock the keyring's default collection (its path read from the "default"
// alias) and check it is locked.
export async function lockDefaultCollection(address: string): Promise<string> {
  const alias = await dbusSecrets(
    address,
    "/org/freedesktop/secrets",
    "org.freedesktop.Secret.Service.ReadAlias",
    "string:default",
  );
  const collection = /object path "([^"]+)"/.exec(alias.stdout)?.[1];
  if (!collection || collection === "/")
    throw new Error(`no default collection: ${alias.stdout} ${alias.stderr}`);
  const lock = await dbusSecrets(
    address,
    "/org/freedesktop/secrets",
    "org.freedesktop.Secret.Service.Lock",
    `array:objpath:${collection}`,
  );
  if (lock.code !== 0) throw new Error(`Lock failed: ${lock.stderr}`);
  const locked = await dbusSecrets(
    address,
    collection,
    "org.freedesktop.DBus.Properties.Get",
    "string:org.freedesktop.Secret.Collection",
    "string:Locked",
  );
  if (!/boolean true/.test(locked.stdout))
    throw new Error(`collection ${collection} is not locked: ${locked.stdout}`);
  return collection;
}

// What crosses the bus while fn runs, as dbus-monitor prints it (listening before fn starts,
// and for a moment after it ends so the last replies are in).
export async function busTraffic<T>(
  address: string,
  fn: () => Promise<T>,
): Promise<{ result: T; traffic: string }> {
  const monitor = spawn("dbus-monitor", ["--address", address], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let traffic = "";
  monitor.stdout!.on("data", (d: Buffer) => (traffic += d.toString("latin1")));
  try {
    // dbus-monitor prints its own NameAcquired/NameLost traffic once it is listening.
    for (let i = 0; i < 50 && !/NameAcquired|NameLost/.test(traffic); i++) await sleep(100);
    const result = await fn();
    await sleep(300);
    return { result, traffic };
  } finally {
    monitor.kill();
  }
}
