// The pieces of the direct Secret Service reader that need no bus: the D-Bus wire format
// and the dh-ietf1024-sha256-aes128-cbc-pkcs7 transport, checked against node:crypto
// (OpenSSL) and against byte layouts from the D-Bus specification.
import { createCipheriv, createDiffieHellman, getDiffieHellman, hkdfSync, randomBytes } from "node:crypto";
import fc from "fast-check";
import { DBusUnsupported, decodeMessage, encodeCall, messageLength, socketPath, splitSignature } from "../../src/cache/dbus.js";
import { aes128CbcDecrypt, deriveKey, DH_ALGORITHM, modPow, openTransport, PRIME, toBigInt, toBytes } from "../../src/cache/secretTransport.js";

describe("D-Bus addresses", () => {
  it.each([
    ["unix:path=/run/user/1000/bus", "/run/user/1000/bus"],
    ["unix:path=/tmp/dbus-x,guid=0123456789abcdef", "/tmp/dbus-x"],
    ["unix:abstract=/tmp/dbus-AbCd,guid=42", "\0/tmp/dbus-AbCd"],
    ["unix:path=/tmp/with%20space", "/tmp/with space"],
    ["tcp:host=localhost,port=1234;unix:path=/run/bus", "/run/bus"],
  ])("%s connects to %j", (address, path) => {
    expect(socketPath(address)).toBe(path);
  });
  it.each(["tcp:host=localhost,port=1234", "launchd:env=X", "unix:tmpdir=/tmp", ""])("%j is left to libsecret (DBusUnsupported)", (address) => {
    expect(() => socketPath(address)).toThrow(DBusUnsupported);
  });
});

describe("D-Bus wire format", () => {
  it("splits signatures into complete types", () => {
    expect(splitSignature("a{ss}oa(oayays)vb")).toEqual(["a{ss}", "o", "a(oayays)", "v", "b"]);
    expect(() => splitSignature("a{ss")).toThrow();
    expect(() => splitSignature("z")).toThrow();
  });

  it("encodes Hello exactly as the specification lays a method call out", () => {
    const msg = encodeCall({ destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus", member: "Hello" }, 1);
    // 'l', METHOD_CALL, no flags, version 1, body length 0, serial 1
    expect([...msg.subarray(0, 12)]).toEqual([0x6c, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0]);
    expect(msg.length % 8).toBe(0);
    const fieldsLength = msg.readUInt32LE(12);
    // PATH field: code 1, signature "o", then the string aligned to 4
    expect([...msg.subarray(16, 20)]).toEqual([1, 1, 0x6f, 0]);
    expect(msg.readUInt32LE(20)).toBe("/org/freedesktop/DBus".length);
    expect(msg.toString("latin1", 24, 24 + 21)).toBe("/org/freedesktop/DBus");
    expect(messageLength(msg)).toBe(msg.length);
    expect(16 + fieldsLength).toBeLessThanOrEqual(msg.length);
  });

  it("round-trips the bodies the Secret Service calls use", () => {
    const call = {
      destination: "org.freedesktop.secrets",
      path: "/org/freedesktop/secrets",
      interface: "org.freedesktop.Secret.Service",
      member: "X",
      signature: "a{ss}sva(oayays)ob",
      body: [
        [
          ["service", "awsx"],
          ["account", "k€y"],
        ],
        "dh-ietf1024-sha256-aes128-cbc-pkcs7",
        ["ay", Buffer.from([1, 2, 3])],
        [["/org/s/1", Buffer.from([9]), Buffer.from("secret"), "text/plain"]],
        "/org/freedesktop/secrets/session/s1",
        true,
      ],
    };
    const msg = encodeCall(call, 7);
    const decoded = decodeMessage(msg);
    expect(decoded.serial).toBe(7);
    expect(decoded.signature).toBe(call.signature);
    expect(decoded.body).toEqual(call.body);
  });

  it("reads big-endian messages too", () => {
    // A method return (type 2), big-endian, serial 5, REPLY_SERIAL 3, SIGNATURE "s", body "hi".
    const fields = Buffer.from([5, 1, 0x75, 0, 0, 0, 0, 3, 8, 1, 0x67, 0, 1, 0x73, 0, 0]);
    // The fields array is 15 bytes long; one byte of padding ends the header at 32.
    const header = Buffer.concat([Buffer.from([0x42, 2, 0, 1, 0, 0, 0, 7, 0, 0, 0, 5, 0, 0, 0, 15]), fields]);
    const msg = Buffer.concat([header, Buffer.from([0, 0, 0, 2, 0x68, 0x69, 0])]);
    expect(messageLength(msg)).toBe(msg.length);
    expect(decodeMessage(msg)).toMatchObject({ type: 2, serial: 5, replySerial: 3, signature: "s", body: ["hi"] });
  });

  it("waits for the whole message and rejects garbage", () => {
    const msg = encodeCall({ destination: "d.e", path: "/p", interface: "i.j", member: "M", signature: "s", body: ["x".repeat(100)] }, 2);
    for (const n of [0, 15, 16, msg.length - 1]) expect(messageLength(msg.subarray(0, n))).toBe(0);
    expect(() => messageLength(Buffer.from("XXXXXXXXXXXXXXXXXXXX"))).toThrow();
  });

  it("never reads past a truncated body", () => {
    const msg = encodeCall({ destination: "d.e", path: "/p", interface: "i.j", member: "M", signature: "as", body: [["a", "b"]] }, 2);
    const bad = Buffer.from(msg);
    bad.writeUInt32LE(0xffff, msg.length - 14); // the array's byte length, now far too large
    expect(() => decodeMessage(bad)).toThrow(/truncated/);
  });
});

describe("the dh-ietf1024-sha256-aes128-cbc-pkcs7 transport", () => {
  it("uses the RFC 2409 Second Oakley Group, as OpenSSL's modp2", () => {
    expect(PRIME).toBe(BigInt(`0x${getDiffieHellman("modp2").getPrime("hex")}`));
  });

  it("modPow matches BigInt's plain square-and-multiply", () => {
    const slow = (b: bigint, e: bigint, m: bigint) => {
      let r = 1n;
      for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
      return r;
    };
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: PRIME - 1n }), fc.bigInt({ min: 0n, max: (1n << 300n) - 1n }), (b, e) => modPow(b, e, PRIME) === slow(b, e, PRIME)),
      { numRuns: 40 },
    );
  });

  it("agrees on the shared key with OpenSSL's Diffie-Hellman and HKDF", () => {
    const service = createDiffieHellman(toBytes(PRIME, 128), Buffer.from([2]));
    service.generateKeys();
    const ours = openTransport(DH_ALGORITHM);
    expect(ours.algorithm).toBe(DH_ALGORITHM);
    expect(ours.publicKey.length).toBe(128);
    const shared = service.computeSecret(Buffer.from(ours.publicKey));
    const key = hkdfSync("sha256", Buffer.concat([Buffer.alloc(128 - shared.length), shared]), Buffer.alloc(0), Buffer.alloc(0), 16);
    ours.accept(service.getPublicKey());
    const iv = randomBytes(16);
    const cipher = createCipheriv("aes-128-cbc", Buffer.from(key), iv);
    const secret = '{"credentials":{"sessionToken":"IQoJb3JpZ2luX2Vj…"}}';
    const encrypted = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
    expect(ours.decrypt(iv, encrypted).toString("utf8")).toBe(secret);
  });

  it("derives keys as RFC 5869 HKDF-SHA-256 with no salt and no info", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (ikm) =>
        Buffer.from(deriveKey(ikm)).equals(Buffer.from(hkdfSync("sha256", ikm, Buffer.alloc(0), Buffer.alloc(0), 16))),
      ),
      { numRuns: 100 },
    );
  });

  it("AES-128-CBC decryption matches OpenSSL for every length", () => {
    for (let n = 0; n < 100; n++) {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const plain = randomBytes(n * 7);
      const cipher = createCipheriv("aes-128-cbc", key, iv);
      const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
      expect(aes128CbcDecrypt(key, iv, encrypted).equals(plain)).toBe(true);
    }
  });

  it("matches the FIPS-197 appendix C.1 vector", () => {
    const key = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
    // One block with a zero IV is plain AES; a second block of padding (16 x 0x10) follows.
    const cipher = createCipheriv("aes-128-cbc", key, Buffer.alloc(16));
    const encrypted = Buffer.concat([cipher.update(Buffer.from("00112233445566778899aabbccddeeff", "hex")), cipher.final()]);
    expect(encrypted.subarray(0, 16).toString("hex")).toBe("69c4e0d86a7b0430d8cdb78070b4c55a");
    expect(aes128CbcDecrypt(key, Buffer.alloc(16), encrypted).toString("hex")).toBe("00112233445566778899aabbccddeeff");
  });

  it("refuses a wrong key, bad padding, partial blocks and invalid public keys", () => {
    // Fixed bytes: with a random wrong key the padding would look valid once in ~256 runs.
    const key = Buffer.alloc(16, 7);
    const iv = Buffer.alloc(16, 9);
    const cipher = createCipheriv("aes-128-cbc", key, iv);
    const encrypted = Buffer.concat([cipher.update("hello"), cipher.final()]);
    expect(() => aes128CbcDecrypt(Buffer.alloc(16, 8), iv, encrypted)).toThrow(/padding/);
    expect(() => aes128CbcDecrypt(key, iv, encrypted.subarray(0, 15))).toThrow(/blocks/);
    expect(() => aes128CbcDecrypt(key, iv, Buffer.alloc(0))).toThrow(/blocks/);
    const t = openTransport(DH_ALGORITHM);
    for (const bad of [0n, 1n, PRIME - 1n, PRIME]) expect(() => t.accept(toBytes(bad, 129))).toThrow(/invalid public key/);
    expect(() => openTransport(DH_ALGORITHM).decrypt(iv, encrypted)).toThrow(/no transport key/);
  });

  it("the plain transport passes the value through", () => {
    const t = openTransport("plain");
    expect(t.decrypt(new Uint8Array(0), Buffer.from("s3cr3t")).toString()).toBe("s3cr3t");
    expect(toBigInt(new Uint8Array(0))).toBe(0n);
  });
});
