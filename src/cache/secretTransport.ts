import { closeSync, openSync, readSync } from "node:fs";
import { hmacSha256 } from "../util/sha256.js";

// The Secret Service's "dh-ietf1024-sha256-aes128-cbc-pkcs7" transport, which libsecret
// uses so that secrets do not cross the session bus in clear (where dbus-monitor would
// print them): Diffie-Hellman in the 1024-bit MODP group of RFC 2409, HKDF-SHA-256 (no
// salt, no info) to a 128-bit key, and AES-128-CBC with PKCS#7 padding, the IV in the
// secret's parameters. All in JavaScript with BigInt: loading node:crypto alone costs
// more than a warm awsx run can spare (docs/performance.md). Only decryption is needed
// (awsx reads here; keytar writes).

export interface Transport {
  readonly algorithm: string;
  // Our public value, big-endian.
  readonly publicKey: Uint8Array;
  // The service's public value, from OpenSession's output.
  accept(servicePublicKey: Uint8Array): void;
  decrypt(parameters: Uint8Array, value: Uint8Array): Buffer;
}

export const DH_ALGORITHM = "dh-ietf1024-sha256-aes128-cbc-pkcs7";

// RFC 2409 section 6.2, the Second Oakley Group; generator 2.
export const PRIME = BigInt(
  "0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF",
);
const PRIME_BYTES = 128;

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  // Fixed 4-bit window: 256 squarings and 64 multiplications for a 256-bit exponent.
  const table: bigint[] = [1n, base % modulus];
  for (let i = 2; i < 16; i++) table.push((table[i - 1]! * table[1]!) % modulus);
  let result = 1n;
  for (let shift = BigInt(exponent.toString(2).length + 3 - ((exponent.toString(2).length + 3) % 4)); shift > 0n; ) {
    shift -= 4n;
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    const nibble = Number((exponent >> shift) & 15n);
    if (nibble) result = (result * table[nibble]!) % modulus;
  }
  return result;
}

export const toBigInt = (bytes: Uint8Array): bigint => (bytes.length ? BigInt(`0x${Buffer.from(bytes).toString("hex")}`) : 0n);

export function toBytes(n: bigint, length: number): Buffer {
  const hex = n.toString(16).padStart(length * 2, "0");
  if (hex.length > length * 2) throw new Error("number too large");
  return Buffer.from(hex, "hex");
}

function randomBytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  const fd = openSync("/dev/urandom", "r");
  try {
    for (let got = 0; got < n; ) got += readSync(fd, b, got, n - got, null);
  } finally {
    closeSync(fd);
  }
  return b;
}

// HKDF-SHA-256 (RFC 5869) with an empty salt and empty info, first 16 bytes.
export function deriveKey(sharedSecret: Uint8Array): Uint8Array {
  const prk = hmacSha256(new Uint8Array(32), sharedSecret);
  return hmacSha256(prk, Uint8Array.of(1)).subarray(0, 16);
}

// ---- AES-128 decryption (FIPS-197), CBC, PKCS#7 ----------------------------------------
// The table-driven "equivalent inverse cipher": four 256-entry tables fold InvSubBytes,
// InvShiftRows and InvMixColumns into lookups, so a block is 144 table reads.

const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);
const TD = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)] as const;
let tablesReady = false;

// Filled on first use: the default (plain) transport never needs them.
function makeTables(): void {
  if (tablesReady) return;
  tablesReady = true;
  const rotl8 = (x: number, n: number) => ((x << n) | (x >> (8 - n))) & 0xff;
  let p = 1;
  let q = 1;
  do {
    p = (p ^ (p << 1) ^ (p & 0x80 ? 0x1b : 0)) & 0xff; // p * 3
    q ^= q << 1; // q / 3
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const s = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63;
    SBOX[p] = s;
    INV_SBOX[s] = p;
  } while (p !== 1);
  SBOX[0] = 0x63;
  INV_SBOX[0x63] = 0;
  const xtime = (x: number) => ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff;
  for (let x = 0; x < 256; x++) {
    const s = INV_SBOX[x]!;
    const s2 = xtime(s);
    const s4 = xtime(s2);
    const s8 = xtime(s4);
    const word = (((s8 ^ s4 ^ s2) << 24) | ((s8 ^ s) << 16) | ((s8 ^ s4 ^ s) << 8) | (s8 ^ s2 ^ s)) >>> 0; // 14, 9, 13, 11
    TD[0][x] = word;
    TD[1][x] = ((word >>> 8) | (word << 24)) >>> 0;
    TD[2][x] = ((word >>> 16) | (word << 16)) >>> 0;
    TD[3][x] = ((word >>> 24) | (word << 8)) >>> 0;
  }
}

// The decryption round keys: the encryption schedule in reverse order, the middle
// rounds passed through InvMixColumns.
function decryptionKeys(key: Uint8Array): Uint32Array {
  makeTables();
  const rk = new Uint32Array(44);
  for (let i = 0; i < 4; i++) rk[i] = ((key[4 * i]! << 24) | (key[4 * i + 1]! << 16) | (key[4 * i + 2]! << 8) | key[4 * i + 3]!) >>> 0;
  let rcon = 1;
  for (let i = 4; i < 44; i++) {
    let t = rk[i - 1]!;
    if (i % 4 === 0) {
      t = ((SBOX[(t >>> 16) & 255]! << 24) | (SBOX[(t >>> 8) & 255]! << 16) | (SBOX[t & 255]! << 8) | SBOX[t >>> 24]!) ^ (rcon << 24);
      rcon = ((rcon << 1) ^ (rcon & 0x80 ? 0x1b : 0)) & 0xff;
    }
    rk[i] = (rk[i - 4]! ^ t) >>> 0;
  }
  const dk = new Uint32Array(44);
  for (let round = 0; round <= 10; round++) {
    for (let j = 0; j < 4; j++) {
      const w = rk[4 * (10 - round) + j]!;
      dk[4 * round + j] =
        round === 0 || round === 10 ? w : (TD[0][SBOX[w >>> 24]!]! ^ TD[1][SBOX[(w >>> 16) & 255]!]! ^ TD[2][SBOX[(w >>> 8) & 255]!]! ^ TD[3][SBOX[w & 255]!]!) >>> 0;
    }
  }
  return dk;
}

export function aes128CbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  if (key.length !== 16 || iv.length !== 16) throw new Error("AES-128-CBC needs a 16-byte key and IV");
  if (data.length === 0 || data.length % 16) throw new Error("the encrypted secret is not a whole number of blocks");
  const dk = decryptionKeys(key);
  const [T0, T1, T2, T3] = TD;
  const inv = INV_SBOX;
  const out = Buffer.alloc(data.length);
  const word = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  let p0 = word(iv, 0);
  let p1 = word(iv, 4);
  let p2 = word(iv, 8);
  let p3 = word(iv, 12);
  for (let off = 0; off < data.length; off += 16) {
    const c0 = word(data, off);
    const c1 = word(data, off + 4);
    const c2 = word(data, off + 8);
    const c3 = word(data, off + 12);
    let s0 = c0 ^ dk[0]!;
    let s1 = c1 ^ dk[1]!;
    let s2 = c2 ^ dk[2]!;
    let s3 = c3 ^ dk[3]!;
    for (let r = 4; r < 40; r += 4) {
      const t0 = T0[s0 >>> 24]! ^ T1[(s3 >>> 16) & 255]! ^ T2[(s2 >>> 8) & 255]! ^ T3[s1 & 255]! ^ dk[r]!;
      const t1 = T0[s1 >>> 24]! ^ T1[(s0 >>> 16) & 255]! ^ T2[(s3 >>> 8) & 255]! ^ T3[s2 & 255]! ^ dk[r + 1]!;
      const t2 = T0[s2 >>> 24]! ^ T1[(s1 >>> 16) & 255]! ^ T2[(s0 >>> 8) & 255]! ^ T3[s3 & 255]! ^ dk[r + 2]!;
      const t3 = T0[s3 >>> 24]! ^ T1[(s2 >>> 16) & 255]! ^ T2[(s1 >>> 8) & 255]! ^ T3[s0 & 255]! ^ dk[r + 3]!;
      s0 = t0;
      s1 = t1;
      s2 = t2;
      s3 = t3;
    }
    const last = (a: number, b: number, c: number, d: number, k: number) =>
      (((inv[a >>> 24]! << 24) | (inv[(b >>> 16) & 255]! << 16) | (inv[(c >>> 8) & 255]! << 8) | inv[d & 255]!) ^ k) >>> 0;
    out.writeUInt32BE((last(s0, s3, s2, s1, dk[40]!) ^ p0) >>> 0, off);
    out.writeUInt32BE((last(s1, s0, s3, s2, dk[41]!) ^ p1) >>> 0, off + 4);
    out.writeUInt32BE((last(s2, s1, s0, s3, dk[42]!) ^ p2) >>> 0, off + 8);
    out.writeUInt32BE((last(s3, s2, s1, s0, dk[43]!) ^ p3) >>> 0, off + 12);
    p0 = c0;
    p1 = c1;
    p2 = c2;
    p3 = c3;
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 16 || out.subarray(out.length - pad).some((b) => b !== pad)) throw new Error("the secret's padding is wrong (wrong transport key?)");
  return out.subarray(0, out.length - pad);
}

// ---- the transports ---------------------------------------------------------------------

export function openTransport(algorithm: "plain" | typeof DH_ALGORITHM = DH_ALGORITHM): Transport {
  if (algorithm === "plain") {
    return {
      algorithm,
      publicKey: new Uint8Array(0),
      accept: () => undefined,
      decrypt: (_parameters, value) => Buffer.from(value),
    };
  }
  // A 256-bit exponent: twice the ~80-bit strength of the 1024-bit group (RFC 3526 §8),
  // at a quarter of the cost of a full-size one.
  const privateKey = toBigInt(randomBytes(32)) | (1n << 255n);
  const publicKey = toBytes(modPow(2n, privateKey, PRIME), PRIME_BYTES);
  let key: Uint8Array | undefined;
  return {
    algorithm,
    publicKey,
    accept(servicePublicKey) {
      const y = toBigInt(servicePublicKey);
      if (y <= 1n || y >= PRIME - 1n) throw new Error("the Secret Service sent an invalid public key");
      key = deriveKey(toBytes(modPow(y, privateKey, PRIME), PRIME_BYTES));
    },
    decrypt(parameters, value) {
      if (!key) throw new Error("no transport key");
      return aes128CbcDecrypt(key, parameters, value);
    },
  };
}
