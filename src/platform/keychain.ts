import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { AwsxError } from "../errors.js";
import { DBusUnsupported } from "../cache/dbus.js";
import { keytarAttributes, lookupPassword, type LookupOptions } from "../cache/secretService.js";
import { DH_ALGORITHM } from "../cache/secretTransport.js";
import type { Store } from "../cache/store.js";

export const KEYCHAIN_SERVICE = "awsx";

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms (locked keyring?)`)), ms);
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });

// The OS keychain through keytar (macOS Keychain, Windows Credential Manager, the
// Secret Service on Linux). keytar is optional and loaded only when needed: on Linux a
// warm run reads its entry straight from the Secret Service over D-Bus
// (./secretService.ts, the same item keytar would find) and never loads keytar, which
// with libsecret costs about 35 ms (docs/performance.md). Opening fails with the reason
// when keytar or the session bus is missing; a keychain that does not answer fails the
// first call instead (no probe: a warm run makes one lookup, not two).
export async function keychainStore(options: { service?: string; timeoutMs: number; env: Record<string, string | undefined> }): Promise<Store> {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const address = options.env.DBUS_SESSION_BUS_ADDRESS;
  if (process.platform === "linux" && !address) {
    throw new AwsxError("E_CACHE", "the keychain needs a D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)");
  }
  const direct = directReader(options.env, options.timeoutMs);
  const require = createRequire(import.meta.url);
  let keytarPath: string;
  try {
    keytarPath = require.resolve("keytar");
    // keytar's native part: an install whose build failed has the package but not this.
    if (!existsSync(join(dirname(keytarPath), "..", "build", "Release", "keytar.node"))) throw new Error("its native module was not built");
  } catch (e) {
    throw new AwsxError("E_CACHE", `keytar is not installed or did not load (${(e as Error).message.split("\n")[0]}); install libsecret and reinstall awsx, or use --backend file`, { cause: e });
  }
  let keytar: Keytar | undefined;
  const loadKeytar = (): Keytar => {
    if (keytar) return keytar;
    try {
      // require, not import(): keytar is CommonJS, and import() would start Node's ESM loader.
      const mod: any = require(keytarPath);
      return (keytar = (mod.default ?? mod) as Keytar);
    } catch (e) {
      throw new Error(`keytar did not load (${(e as Error).message.split("\n")[0]}); install libsecret and reinstall awsx, or use --backend file`);
    }
  };
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(Promise.resolve().then(fn), options.timeoutMs, "the keychain");
    } catch (e) {
      throw new AwsxError("E_CACHE", `keychain ${what} failed: ${(e as Error).message}`, { cause: e });
    }
  };
  const viaKeytar = (k: string) => loadKeytar().getPassword(service, k);
  const read = async (k: string): Promise<string | null> => {
    if (!direct) return viaKeytar(k);
    try {
      const found = await lookupPassword(keytarAttributes(service, k), direct);
      if (found.state === "found") return found.password;
      if (found.state === "missing") {
        // A miss means a cold run that will write: make sure keytar loads now, so a broken
        // keytar (libsecret gone since the build) fails the read, and the default backend
        // falls back to the file store for reading too, as when keytar was loaded up front.
        loadKeytar();
        return null;
      }
      // Locked: keytar (libsecret) asks the Secret Service to unlock it.
    } catch (e) {
      // A bus this client cannot talk to (a tcp address, another authentication): libsecret can.
      if (!(e instanceof DBusUnsupported)) throw e;
    }
    return viaKeytar(k);
  };
  return {
    name: "keychain",
    get: async (k) => (await call("read", () => read(k))) ?? undefined,
    set: (k, v) => call("write", () => loadKeytar().setPassword(service, k, v)),
    delete: async (k) => void (await call("delete", () => loadKeytar().deletePassword(service, k))),
    list: async () => (await call("list", () => listIsolated(keytarPath, service, options.timeoutMs))).map((c) => ({ key: c.account, value: c.password })),
  };
}

export const SECRET_TRANSPORTS = ["plain", "dh", "libsecret"] as const;

// The direct Secret Service reader where there is one (Linux with a unix-socket session
// bus), by AWSX_SECRET_TRANSPORT: "plain" (the default), "dh" (the Diffie-Hellman/AES
// transport), or "libsecret" (no direct reader: keytar reads too). docs/cache.md says why
// plain is the default: over a local bus it hides nothing from anyone who could read it.
export function directReader(env: Record<string, string | undefined>, timeoutMs: number): LookupOptions | undefined {
  const transport = env.AWSX_SECRET_TRANSPORT || "plain";
  if (!(SECRET_TRANSPORTS as readonly string[]).includes(transport)) {
    throw new AwsxError("E_USAGE", `AWSX_SECRET_TRANSPORT must be one of ${SECRET_TRANSPORTS.join(", ")}, not "${transport}"`);
  }
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (transport === "libsecret" || process.platform !== "linux" || !address || typeof process.getuid !== "function") return undefined;
  return { address, uid: process.getuid(), timeoutMs, algorithm: transport === "dh" ? DH_ALGORITHM : "plain" };
}

// findCredentials crashes the whole process (a libsecret assertion, SIGSEGV) when the
// keyring is locked, so `awsx list` and `awsx clear` enumerate in a child process and
// report a crash as an error. The secrets cross a pipe between two processes of the user.
async function listIsolated(keytarPath: string, service: string, timeoutMs: number): Promise<Array<{ account: string; password: string }>> {
  const { spawn } = await import("node:child_process");
  const script = "require(process.argv[1]).findCredentials(process.argv[2]).then((r) => process.stdout.write(JSON.stringify(r)), (e) => { process.stderr.write(String(e && e.message)); process.exit(2); })";
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script, keytarPath, service], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        try {
          return resolve(JSON.parse(out));
        } catch {
          return reject(new Error("the keychain listing was not readable"));
        }
      }
      reject(new Error(signal ? `listing crashed (${signal}); is the keyring locked? unlock it and try again` : err.trim().split("\n").pop() || `listing failed (status ${code})`));
    });
  });
}
