import { DBusError, openBus, type Connection } from "./dbus.js";
import { DH_ALGORITHM, openTransport, type Transport } from "./secretTransport.js";

// Reading one password from the freedesktop Secret Service (gnome-keyring, KeePassXC,
// KWallet) straight over D-Bus, finding what libsecret's secret_password_lookup finds
// for keytar: the same attributes (keytar's "org.freedesktop.Secret.Generic" schema with
// service/account), the first unlocked match. The secret comes over the "plain"
// transport, or the dh-ietf1024-sha256-aes128-cbc-pkcs7 one libsecret uses when asked
// (AWSX_SECRET_TRANSPORT=dh; docs/cache.md). Writes, deletes and listing stay with
// keytar; a locked match is left to keytar too, which knows how to ask for the unlock.

const SCHEMA = "org.freedesktop.Secret.Generic";
const SECRETS = { destination: "org.freedesktop.secrets", path: "/org/freedesktop/secrets" };
const SERVICE = { ...SECRETS, interface: "org.freedesktop.Secret.Service" };

const GONE = ["org.freedesktop.Secret.Error.NoSuchObject", "org.freedesktop.DBus.Error.UnknownObject", "org.freedesktop.DBus.Error.UnknownMethod"];

export type Lookup = { state: "found"; password: string } | { state: "locked" } | { state: "missing" };

// The search attributes libsecret uses for keytar's getPassword(service, account).
export const keytarAttributes = (service: string, account: string): Record<string, string> => ({ service, account, "xdg:schema": SCHEMA });

interface Session {
  path: string;
  transport: Transport;
}

async function openSession(bus: Connection, algorithm: typeof DH_ALGORITHM | "plain"): Promise<Session> {
  const transport = openTransport(algorithm);
  const input = algorithm === "plain" ? ["s", ""] : ["ay", transport.publicKey];
  try {
    const [[output, path]] = (await bus.call([{ ...SERVICE, member: "OpenSession", signature: "sv", body: [transport.algorithm, input] }])) as [[[string, Uint8Array], string]];
    transport.accept(output[1]);
    return { path, transport };
  } catch (e) {
    // A service without the encrypted transport: libsecret falls back to plain too.
    if (algorithm === "plain" || !(e instanceof DBusError && e.name === "org.freedesktop.DBus.Error.NotSupported")) throw e;
    return openSession(bus, "plain");
  }
}

export interface LookupOptions {
  address: string;
  uid: number;
  timeoutMs: number;
  // The transport to ask for first (libsecret's choice is "dh").
  algorithm: typeof DH_ALGORITHM | "plain";
}

// Look one password up on a connection of its own, closed when done: a warm run makes
// one lookup, and an exec'd child may run for hours, so nothing is kept open.
export async function lookupPassword(attributes: Record<string, string>, options: LookupOptions): Promise<Lookup> {
  const bus = openBus(options.address, options.uid);
  const work = async (): Promise<Lookup> => {
    const [session, [[unlocked, locked]]] = await Promise.all([
      openSession(bus, options.algorithm),
      bus.call([{ ...SERVICE, member: "SearchItems", signature: "a{ss}", body: [Object.entries(attributes)] }]) as Promise<[[string[], string[]]]>,
    ]);
    if (unlocked.length === 0) return { state: locked.length ? "locked" : "missing" };
    let reply: unknown[][];
    try {
      reply = await bus.call([{ ...SECRETS, path: unlocked[0]!, interface: "org.freedesktop.Secret.Item", member: "GetSecret", signature: "o", body: [session.path] }]);
    } catch (e) {
      // Deleted between the search and the read (awsx clear in another shell): a miss.
      if (e instanceof DBusError && GONE.includes(e.name)) return { state: "missing" };
      throw e;
    }
    const [, parameters, value] = (reply as [[[string, Uint8Array, Uint8Array, string]]])[0][0];
    return { state: "found", password: session.transport.decrypt(parameters, value).toString("utf8") };
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the Secret Service did not answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    bus.close();
  }
}
