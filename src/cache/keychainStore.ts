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
  try {
    // require, not import(): keytar is CommonJS, and import() would start Node's ESM loader.
    const mod: any = createRequire(import.meta.url)("keytar");
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
    list: async () => (await call("list", () => keytar.findCredentials(service))).map((c) => ({ key: c.account, value: c.password })),
  };
}
