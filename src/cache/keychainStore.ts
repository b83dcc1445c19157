import { createRequire } from "node:module";
import { AwsxError } from "../errors.js";
import type { Store } from "./store.js";

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
// Secret Service on Linux). keytar is optional and loaded only here. Opening fails with
// the reason when keytar or the session bus is missing; a keychain that does not answer
// fails the first call instead (no probe: a warm run makes one round trip, not two).
export async function keychainStore(options: { service?: string; timeoutMs: number; env: Record<string, string | undefined> }): Promise<Store> {
  const service = options.service ?? KEYCHAIN_SERVICE;
  if (process.platform === "linux" && !options.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new AwsxError("E_CACHE", "the keychain needs a D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)");
  }
  let keytar: Keytar;
  let keytarPath: string;
  try {
    // require, not import(): keytar is CommonJS, and import() would start Node's ESM loader.
    const require = createRequire(import.meta.url);
    keytarPath = require.resolve("keytar");
    const mod: any = require(keytarPath);
    keytar = (mod.default ?? mod) as Keytar;
  } catch (e) {
    throw new AwsxError("E_CACHE", `keytar is not installed or did not load (${(e as Error).message.split("\n")[0]}); install libsecret and reinstall awsx, or use --backend file`, { cause: e });
  }
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(fn(), options.timeoutMs, "the keychain");
    } catch (e) {
      throw new AwsxError("E_CACHE", `keychain ${what} failed: ${(e as Error).message}`, { cause: e });
    }
  };
  return {
    name: "keychain",
    get: async (k) => (await call("read", () => keytar.getPassword(service, k))) ?? undefined,
    set: (k, v) => call("write", () => keytar.setPassword(service, k, v)),
    delete: async (k) => void (await call("delete", () => keytar.deletePassword(service, k))),
    list: async () => (await call("list", () => listIsolated(keytarPath, service, options.timeoutMs))).map((c) => ({ key: c.account, value: c.password })),
  };
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
