import { connect } from "node:net";

// How long the session bus has to answer the probe. A live dbus-daemon answers in well under
// a millisecond; a stopped one (SIGSTOP) or a socket that accepts and never answers does not
// answer at all, and the keychain library would wait for it forever (docs/cache.md).
const BUS_PROBE_MS = 2000;

// What the probe found: the bus answered, nothing listens there, it did not answer in time,
// or an address awsx does not probe (a transport other than a unix socket).
export type BusProbe =
  | { kind: "answers" }
  | { kind: "absent"; why: string }
  | { kind: "silent"; why: string }
  | { kind: "unprobed" };

// Where a unix-socket D-Bus address points: `unix:path=P` (a file) or `unix:abstract=N`
// (Linux's abstract namespace), the first of a `;`-separated list that is either, with the
// address format's %XX escapes undone. undefined: no such entry.
export function busSocketOf(address: string): string | undefined {
  for (const entry of address.split(";")) {
    const m = /^unix:(.*)$/.exec(entry);
    if (!m) continue;
    for (const pair of m[1]!.split(",")) {
      const [key, value = ""] = pair.split("=", 2);
      const raw = unescapeDbus(value);
      if (key === "path" && raw) return raw;
      if (key === "abstract" && raw) return `\0${raw}`;
    }
  }
  return undefined;
}

// The address format escapes bytes as %XX (paths are ASCII in practice).
const unescapeDbus = (v: string): string =>
  v.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

// The bus's Hello call (method call, serial 1, no body; little-endian), which every client
// sends first after `BEGIN`: org.freedesktop.DBus.Hello on /org/freedesktop/DBus. A constant,
// not a marshaller: the probe sends this one message and only waits for any answer to it
// (the test against a real dbus-daemon checks the bytes).
const HELLO = Buffer.from(
  "6c01000100000000010000006d00000001016f00150000002f6f72672f667265656465736b746f702f44427573" +
    "00000002017300140000006f72672e667265656465736b746f702e44427573000000000301730005000000" +
    "48656c6c6f00000006017300140000006f72672e667265656465736b746f702e4442757300000000",
  "hex",
);

// Is a D-Bus daemon answering at `address`? Connects to its socket and walks the start of a
// connection as the keychain library will: the authentication line (a NUL byte, then
// `AUTH EXTERNAL <uid in hex>`), then, on `OK`, `BEGIN` and the Hello call; any answer to
// that (or a `REJECTED` line, which makes the library fail, not wait) means it answers. A
// socket that answers the first line and then nothing is as silent as one that answers
// nothing. Bounded by timeoutMs, and asynchronous: the keychain library's own connection is
// synchronous and has no bound.
export function probeBus(address: string, timeoutMs = BUS_PROBE_MS): Promise<BusProbe> {
  const path = busSocketOf(address);
  if (path === undefined) return Promise.resolve({ kind: "unprobed" });
  const shown = path.startsWith("\0") ? `abstract socket ${path.slice(1)}` : path;
  const uid = Buffer.from(String(process.getuid?.() ?? 0)).toString("hex");
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (r: BusProbe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => {
      const why = `the D-Bus session bus at ${shown} did not answer within ${timeoutMs} ms`;
      done({ kind: "silent", why });
    }, timeoutMs);
    let heard = "";
    let helloSent = false;
    socket.on("connect", () => socket.write(`\0AUTH EXTERNAL ${uid}\r\n`));
    socket.on("data", (d: Buffer) => {
      if (helloSent) return done({ kind: "answers" });
      heard += d.toString("latin1");
      if (!heard.includes("\r\n")) return;
      if (!heard.startsWith("OK ")) return done({ kind: "answers" });
      helloSent = true;
      socket.write(Buffer.concat([Buffer.from("BEGIN\r\n"), HELLO]));
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      done({ kind: "absent", why: `no D-Bus session bus at ${shown} (${e.code ?? e.message})` });
    });
    socket.on("close", () => {
      done({ kind: "absent", why: `the D-Bus session bus at ${shown} closed the connection` });
    });
  });
}
