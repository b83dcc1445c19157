import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import type { AsyncEntry, EntryOptions } from "@napi-rs/keyring";
import type { Store } from "../types.js";
import { AwsxError } from "../errors.js";
import { type BusProbe, probeBus } from "./busProbe.js";

type Keyring = typeof import("@napi-rs/keyring");

// The service every awsx keychain item is filed under (one item per cache key).
export const KEYCHAIN_SERVICE = "awsx";

// Linux: the Secret Service or nothing. Unpinned, the library would quietly keep the
// sessions in the kernel keyring when no Secret Service answers, instead of failing so
// that awsx falls back to the file store the user chose.
const SECRET_SERVICE: EntryOptions = { linux: { store: "secret-service" } };

// The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager,
// the Secret Service on Linux. Every call is bounded by timeoutMs: one that does not
// answer rejects with E_CACHE, and the default backend falls back (src/cache/select.ts).
export async function keychainStore(options: {
  service?: string;
  timeoutMs: number;
  env: Record<string, string | undefined>;
}): Promise<Store> {
  const service = options.service ?? KEYCHAIN_SERVICE;
  if (process.platform === "linux" && !options.env.DBUS_SESSION_BUS_ADDRESS) {
    const why = "DBUS_SESSION_BUS_ADDRESS is not set";
    throw new AwsxError("E_CACHE", `the keychain needs a D-Bus session (${why})`);
  }
  const { keyring, path } = loadKeyring();
  if (process.platform === "linux") await busAnswers(options.env.DBUS_SESSION_BUS_ADDRESS!);
  const entries = new Map<string, AsyncEntry>();
  // The constructor connects, synchronously (Linux: a Secret Service session over the bus
  // of the process environment; the library gives each D-Bus call 2 s, and no timer of
  // ours can cut it shorter). Made inside bounded(), its failure is the call's failure.
  const entry = (k: string): AsyncEntry => {
    const e = entries.get(k) ?? new keyring.AsyncEntry(service, k, SECRET_SERVICE);
    entries.set(k, e);
    return e;
  };
  const call = <T>(what: string, fn: (signal: AbortSignal) => Promise<T>) =>
    bounded(what, options.timeoutMs, fn);
  return {
    name: "keychain",
    get: async (k) => (await call("read", (s) => entry(k).getPassword(s))) ?? undefined,
    set: (k, v) => call("write", (s) => entry(k).setPassword(v, s)),
    delete: async (k) => void (await call("delete", (s) => entry(k).deletePassword(s))),
    list: () => call("list", (s) => listInChild(path, service, s)),
  };
}

// The library connects to the bus synchronously and without a deadline: against a stopped
// dbus-daemon (or a socket that accepts and never answers) the first call would hold the
// main thread for good. So the bus must first answer a probe, once per run, within its
// bound (src/platform/busProbe.ts).
const probes = new Map<string, Promise<BusProbe>>();
async function busAnswers(address: string): Promise<void> {
  if (!probes.has(address)) probes.set(address, probeBus(address));
  const found = await probes.get(address)!;
  if (found.kind === "absent")
    throw new AwsxError("E_CACHE", `the keychain needs a D-Bus session (${found.why})`);
  if (found.kind === "silent") throw new AwsxError("E_CACHE", found.why);
}

// require, not import: the package is native CommonJS, which esbuild cannot bundle and
// import() would load through Node's ESM loader.
function loadKeyring(): { keyring: Keyring; path: string } {
  const require = createRequire(import.meta.url);
  try {
    const path = require.resolve("@napi-rs/keyring");
    return { keyring: require(path) as Keyring, path };
  } catch (e) {
    const why = firstLine(e);
    const fix = "reinstall awsx, or use --backend file";
    throw new AwsxError("E_CACHE", `@napi-rs/keyring did not load (${why}); ${fix}`, { cause: e });
  }
}

// The library's AbortSignal only cancels a call still queued, not one under way, so the
// timeout also settles the call here; the native call finishes (or times out) on its own.
async function bounded<T>(
  what: string,
  timeoutMs: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await new Promise<T>((resolve, reject) => {
      const late = () => reject(new Error(`the keychain did not answer within ${timeoutMs} ms`));
      signal.addEventListener("abort", late, { once: true });
      fn(signal).then(resolve, reject);
    });
  } catch (e) {
    throw new AwsxError("E_CACHE", `keychain ${what} failed: ${firstLine(e)}`, { cause: e });
  }
}

// findCredentials has no D-Bus timeout of its own: against a Secret Service that stopped
// answering it would hold a libuv worker for good, and Node's exit waits for its workers.
// A child killed at the timeout cannot keep awsx alive. The secrets cross a pipe between
// two processes of the user.
function listInChild(
  modulePath: string,
  service: string,
  signal: AbortSignal,
): Promise<Array<{ key: string; value: string }>> {
  const script = `require(process.argv[1]).findCredentialsAsync(process.argv[2]).then(
    (r) => process.stdout.write(JSON.stringify(r)),
    (e) => { process.stderr.write(String(e && e.message)); process.exitCode = 2; })`;
  // --disable-sigusr1: this Node holds every secret it lists, and SIGUSR1 would open its
  // inspector on 127.0.0.1:9229 to any local user (bin/awsx.js says why awsx refuses it).
  const args = ["--disable-sigusr1", "-e", script, modulePath, service];
  const how = { signal, killSignal: "SIGKILL" as const, maxBuffer: 64 << 20 };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, how, (err, stdout, stderr) => {
      if (err) {
        const crash = err.signal ? `the listing crashed (${err.signal})` : "";
        return reject(new Error(stderr.trim().split("\n").pop() || crash || err.message));
      }
      try {
        const found = JSON.parse(stdout) as Array<{ account: string; password: string }>;
        resolve(found.map((c) => ({ key: c.account, value: c.password })));
      } catch {
        reject(new Error("the keychain listing was not readable"));
      }
    });
  });
}

// One line of an error, without the library's list of possible causes.
const firstLine = (e: unknown): string =>
  String((e as Error)?.message ?? e)
    .replace(/\n[\s\S]*$/, "")
    .replace(/\. Possible causes.*$/, "");
