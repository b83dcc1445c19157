import { connect, type Socket } from "node:net";

// Just enough of the D-Bus protocol to make method calls on the session bus: address
// parsing, EXTERNAL authentication, the wire format (both byte orders) and pipelined
// calls. It exists so that a warm run can read one keychain entry in a couple of socket
// round trips instead of loading keytar and libsecret (~35 ms, docs/performance.md).
// Spec: https://dbus.freedesktop.org/doc/dbus-specification.html

// A value of D-Bus type `v`: its signature and the value.
export type Variant = [signature: string, value: unknown];

export class DBusError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message ? `${name}: ${message}` : name);
  }
}

// Raised when this client cannot speak to the bus at all (address kind it does not
// know, authentication refused): the caller may use another client.
export class DBusUnsupported extends Error {}

const ALIGN: Record<string, number> = { y: 1, g: 1, v: 1, n: 2, q: 2, b: 4, i: 4, u: 4, h: 4, s: 4, o: 4, a: 4, x: 8, t: 8, d: 8, "(": 8, "{": 8 };

// The index just past the single complete type that starts at sig[i].
function typeEnd(sig: string, i: number): number {
  const c = sig[i];
  if (c === "a") return typeEnd(sig, i + 1);
  if (c === "(" || c === "{") {
    const close = c === "(" ? ")" : "}";
    i++;
    while (sig[i] !== close) {
      if (i >= sig.length) throw new Error(`bad D-Bus signature ${sig}`);
      i = typeEnd(sig, i);
    }
    return i + 1;
  }
  if (c === undefined || !(c in ALIGN)) throw new Error(`bad D-Bus signature ${sig}`);
  return i + 1;
}

// Split a signature into its complete types: "a{ss}ob" -> ["a{ss}", "o", "b"].
export function splitSignature(sig: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < sig.length; ) {
    const end = typeEnd(sig, i);
    out.push(sig.slice(i, end));
    i = end;
  }
  return out;
}

class Writer {
  private buf = Buffer.alloc(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }
  // Plain index writes, not Buffer's writeUInt32LE/fill: on a run's first (and only)
  // messages those cost more to compile than the whole message costs to build.
  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    this.room(pad);
    for (let i = 0; i < pad; i++) this.buf[this.length++] = 0;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }
  u32(v: number): void {
    this.align(4);
    this.room(4);
    this.setU32(this.length, v);
    this.length += 4;
  }
  setU32(at: number, v: number): void {
    const b = this.buf;
    b[at] = v & 255;
    b[at + 1] = (v >>> 8) & 255;
    b[at + 2] = (v >>> 16) & 255;
    b[at + 3] = (v >>> 24) & 255;
  }
  // A string's UTF-8 bytes, NUL-terminated, after its length (width 4 or 1).
  text(s: string, width: 1 | 4): void {
    let ascii = true;
    for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
    const b = ascii ? undefined : Buffer.from(s, "utf8");
    const n = b ? b.length : s.length;
    if (width === 4) this.u32(n);
    else this.u8(n);
    this.room(n + 1);
    if (b) this.buf.set(b, this.length);
    else for (let i = 0; i < n; i++) this.buf[this.length + i] = s.charCodeAt(i);
    this.length += n;
    this.buf[this.length++] = 0;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  write(type: string, value: unknown): void {
    switch (type[0]) {
      case "y":
        return this.u8(value as number);
      case "b":
        return this.u32(value ? 1 : 0);
      case "i":
      case "u":
        return this.u32(value as number);
      case "s":
      case "o":
        return this.text(value as string, 4);
      case "g":
        return this.text(value as string, 1);
      case "v": {
        const [sig, inner] = value as Variant;
        this.write("g", sig);
        return this.write(sig, inner);
      }
      case "a": {
        const elem = type.slice(1);
        this.u32(0);
        const lengthAt = this.length - 4;
        this.align(ALIGN[elem[0]!]!);
        const start = this.length;
        if (elem === "y") this.bytes(value as Uint8Array);
        else for (const item of value as unknown[]) this.write(elem, item);
        return this.setU32(lengthAt, this.length - start);
      }
      case "(":
      case "{": {
        this.align(8);
        const fields = splitSignature(type.slice(1, -1));
        const values = value as unknown[];
        fields.forEach((f, i) => this.write(f, values[i]));
        return;
      }
      default:
        throw new Error(`D-Bus type ${type} is not supported here`);
    }
  }
}

// As Buffer's readUInt32LE/BE, without their cost on first use (see Writer.align).
const readU32 = (b: Buffer, at: number, le: boolean): number =>
  (le ? b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24) : (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

class Reader {
  constructor(
    private readonly buf: Buffer,
    private readonly le: boolean,
    public pos: number,
    // Offset of the message start: alignment is relative to it.
    private readonly base: number,
  ) {}

  private align(n: number): void {
    this.pos += (n - ((this.pos - this.base) % n)) % n;
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error("truncated D-Bus message");
  }
  u32(): number {
    this.align(4);
    this.need(4);
    const v = readU32(this.buf, this.pos, this.le);
    this.pos += 4;
    return v;
  }
  read(type: string): unknown {
    switch (type[0]) {
      case "y":
        this.need(1);
        return this.buf[this.pos++];
      case "b":
        return this.u32() !== 0;
      case "u":
        return this.u32();
      case "i":
        return this.u32() | 0;
      case "n":
      case "q": {
        this.align(2);
        this.need(2);
        const v = this.le ? this.buf.readUInt16LE(this.pos) : this.buf.readUInt16BE(this.pos);
        this.pos += 2;
        return type === "n" ? (v << 16) >> 16 : v;
      }
      case "x":
      case "t": {
        this.align(8);
        this.need(8);
        const v = this.le ? this.buf.readBigUInt64LE(this.pos) : this.buf.readBigUInt64BE(this.pos);
        this.pos += 8;
        return type === "x" ? BigInt.asIntN(64, v) : v;
      }
      case "d": {
        this.align(8);
        this.need(8);
        const v = this.le ? this.buf.readDoubleLE(this.pos) : this.buf.readDoubleBE(this.pos);
        this.pos += 8;
        return v;
      }
      case "h":
        return this.u32();
      case "s":
      case "o": {
        const n = this.u32();
        this.need(n + 1);
        const s = this.buf.toString("utf8", this.pos, this.pos + n);
        this.pos += n + 1;
        return s;
      }
      case "g": {
        this.need(1);
        const n = this.buf[this.pos++]!;
        this.need(n + 1);
        const s = this.buf.toString("latin1", this.pos, this.pos + n);
        this.pos += n + 1;
        return s;
      }
      case "v": {
        const sig = this.read("g") as string;
        return [sig, this.read(sig)] as Variant;
      }
      case "a": {
        const elem = type.slice(1);
        const n = this.u32();
        this.align(ALIGN[elem[0]!]!);
        this.need(n);
        const end = this.pos + n;
        if (elem === "y") {
          const b = Buffer.from(this.buf.subarray(this.pos, end));
          this.pos = end;
          return b;
        }
        const items: unknown[] = [];
        while (this.pos < end) items.push(this.read(elem));
        return items;
      }
      case "(":
      case "{": {
        this.align(8);
        return splitSignature(type.slice(1, -1)).map((f) => this.read(f));
      }
      default:
        throw new Error(`D-Bus type ${type} is not supported here`);
    }
  }
}

export interface Call {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: unknown[];
}

export interface Message {
  type: number;
  serial: number;
  replySerial?: number;
  errorName?: string;
  signature: string;
  body: unknown[];
}

const METHOD_CALL = 1;
const METHOD_RETURN = 2;
const ERROR = 3;

// One method call message, little-endian.
export function encodeCall(call: Call, serial: number): Buffer {
  const w = new Writer();
  const fields: Array<[number, Variant]> = [
    [1, ["o", call.path]],
    [2, ["s", call.interface]],
    [3, ["s", call.member]],
    [6, ["s", call.destination]],
  ];
  if (call.signature) fields.push([8, ["g", call.signature]]);
  w.bytes(Buffer.from([0x6c, METHOD_CALL, 0, 1]));
  w.u32(0); // body length, set below
  w.u32(serial);
  w.write("a(yv)", fields);
  w.align(8);
  const bodyStart = w.length;
  const types = call.signature ? splitSignature(call.signature) : [];
  types.forEach((t, i) => w.write(t, call.body?.[i]));
  w.setU32(4, w.length - bodyStart);
  return w.result();
}

// The length of the complete message at the start of buf, or 0 if more bytes are needed.
export function messageLength(buf: Buffer): number {
  if (buf.length < 16) return 0;
  const le = buf[0] === 0x6c;
  if (!le && buf[0] !== 0x42) throw new Error("not a D-Bus message");
  const bodyLength = readU32(buf, 4, le);
  const fieldsLength = readU32(buf, 12, le);
  const headerLength = 16 + fieldsLength + ((8 - ((16 + fieldsLength) % 8)) % 8);
  const total = headerLength + bodyLength;
  if (total > 128 * 1024 * 1024) throw new Error("D-Bus message too large");
  return buf.length >= total ? total : 0;
}

export type Header = Omit<Message, "body"> & { bodyOffset: number; littleEndian: boolean };

// The header of the complete message in buf (see messageLength).
export function decodeHeader(buf: Buffer): Header {
  const littleEndian = buf[0] === 0x6c;
  const r = new Reader(buf, littleEndian, 4, 0);
  r.u32(); // body length
  const serial = r.u32();
  const fields = r.read("a(yv)") as Array<[number, Variant]>;
  const field = (code: number) => fields.find(([c]) => c === code)?.[1][1];
  return {
    type: buf[1]!,
    serial,
    replySerial: field(5) as number | undefined,
    errorName: field(4) as string | undefined,
    signature: (field(8) as string | undefined) ?? "",
    bodyOffset: r.pos + ((8 - (r.pos % 8)) % 8),
    littleEndian,
  };
}

export function decodeBody(buf: Buffer, header: Header): unknown[] {
  const body = new Reader(buf, header.littleEndian, header.bodyOffset, 0);
  return splitSignature(header.signature).map((t) => body.read(t));
}

export function decodeMessage(buf: Buffer): Message {
  const h = decodeHeader(buf);
  return { type: h.type, serial: h.serial, replySerial: h.replySerial, errorName: h.errorName, signature: h.signature, body: decodeBody(buf, h) };
}

// Where to connect, from a D-Bus address ("unix:path=/run/user/1000/bus,guid=..." or
// "unix:abstract=/tmp/dbus-x"; several may be listed, separated by ";").
export function socketPath(address: string): string {
  for (const entry of address.split(";")) {
    const colon = entry.indexOf(":");
    if (entry.slice(0, colon) !== "unix") continue;
    const kv = new Map(
      entry
        .slice(colon + 1)
        .split(",")
        .filter(Boolean)
        .map((p) => {
          const eq = p.indexOf("=");
          return [p.slice(0, eq), decodeURIComponent(p.slice(eq + 1))] as [string, string];
        }),
    );
    if (kv.has("path")) return kv.get("path")!;
    if (kv.has("abstract")) return `\0${kv.get("abstract")}`;
  }
  throw new DBusUnsupported(`D-Bus address ${JSON.stringify(address.split(",")[0])} is not a unix socket this client can use`);
}

export interface Connection {
  // Send calls back to back (pipelined, not waiting for earlier replies); resolves
  // with the replies' bodies in order, or rejects with the first error.
  call(calls: Call[]): Promise<unknown[][]>;
  // Close the socket; calls still waiting fail.
  close(): void;
}

const HELLO: Call = { destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus", member: "Hello" };

// Connect to the bus and authenticate as this user (EXTERNAL, `uid` = the process's user
// id). Authentication and Hello go out in one write without waiting for the bus's OK (as
// sd-bus does), and calls follow at once: a lookup costs the round trips of its calls,
// not of the handshake. Any failure (no socket, refused, malformed reply) fails every
// call and closes the socket.
export function openBus(address: string, uid: number): Connection {
  const sock: Socket = connect({ path: socketPath(address) });
  let connected = false;
  let authed = false;
  let pending: Buffer = Buffer.alloc(0);
  let serial = 0;
  const waiting = new Map<number, { resolve: (body: unknown[]) => void; reject: (e: Error) => void }>();
  let failure: Error | undefined;
  const fail = (e: Error) => {
    // A bus that drops us before its OK (it refused our authentication, and the pipelined
    // BEGIN and Hello then ended the connection) is one this client cannot use.
    if (connected && !authed && !(e instanceof DBusUnsupported)) e = new DBusUnsupported(`the D-Bus session bus ended the connection during authentication (${e.message})`);
    failure ??= e;
    sock.destroy();
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  const send = (calls: Call[], prefix = ""): Array<Promise<unknown[]>> => {
    if (failure) return calls.map(() => Promise.reject(failure));
    const out: Buffer[] = prefix ? [Buffer.from(prefix, "latin1")] : [];
    const replies = calls.map((c) => {
      const s = ++serial;
      out.push(encodeCall(c, s));
      return new Promise<unknown[]>((resolve, reject) => waiting.set(s, { resolve, reject }));
    });
    sock.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    return replies;
  };
  // Hello must be the first message.
  send([HELLO], `\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString("hex")}\r\nBEGIN\r\n`)[0]!.catch(fail);
  sock.on("connect", () => (connected = true));
  sock.on("error", fail);
  sock.on("close", () => fail(new Error("the D-Bus connection closed")));
  sock.on("data", (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    try {
      if (!authed) {
        const eol = pending.indexOf("\r\n");
        if (eol < 0) return;
        const line = pending.toString("latin1", 0, eol);
        pending = pending.subarray(eol + 2);
        if (!line.startsWith("OK ")) return fail(new DBusUnsupported(`the D-Bus session bus refused EXTERNAL authentication (${line.split(" ")[0]})`));
        authed = true;
      }
      for (let n = messageLength(pending); n > 0; n = messageLength(pending)) {
        const message = pending.subarray(0, n);
        pending = pending.subarray(n);
        // Signals and replies to no call of ours are skipped unread.
        const h = decodeHeader(message);
        const w = h.replySerial === undefined ? undefined : waiting.get(h.replySerial);
        if (!w || (h.type !== METHOD_RETURN && h.type !== ERROR)) continue;
        waiting.delete(h.replySerial!);
        const body = decodeBody(message, h);
        if (h.type === ERROR) w.reject(new DBusError(h.errorName ?? "org.freedesktop.DBus.Error.Failed", typeof body[0] === "string" ? body[0] : ""));
        else w.resolve(body);
      }
    } catch (e) {
      fail(e as Error);
    }
  });
  return { call: (calls) => Promise.all(send(calls)), close: () => fail(new Error("the D-Bus connection was closed")) };
}
