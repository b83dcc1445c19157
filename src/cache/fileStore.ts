import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { link, open, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AwsxError } from "../errors.js";
import { ensurePrivateDir } from "../platform/privateDir.js";
import { readRegularFile } from "../platform/readRegular.js";
import type { Store } from "../types.js";

// scrypt's cost, recorded in each folder's header so older folders stay readable: v2 uses
// OWASP's N = 2^17, r = 8, p = 1 (about 128 MiB and 0.3-0.5 s once per run); v1 used 2^14.
const KDF = { 1: { N: 1 << 14, r: 8, p: 1 }, 2: { N: 1 << 17, r: 8, p: 1 } } as const;
const MAXMEM = 256 * 1024 * 1024;
const CHECK = "awsx-file-store";
const TAG_BYTES = 16;

interface Sealed {
  v: 1;
  iv: string;
  tag: string;
  data: string;
}

type Header = { v: 1 | 2; salt: string; check: Sealed; kdf?: { N: number; r: number; p: number } };

function seal(key: Buffer, plaintext: string, aad: string): Sealed {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  c.setAAD(Buffer.from(aad));
  const data = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
  const b64 = (b: Buffer) => b.toString("base64");
  return { v: 1, iv: b64(iv), tag: b64(c.getAuthTag()), data: b64(data) };
}

// A truncated tag would let a forger guess it: only a full 16-byte tag is accepted.
function unseal(key: Buffer, sealed: Sealed, aad: string): string | undefined {
  try {
    const tag = Buffer.from(sealed.tag, "base64");
    if (tag.length !== TAG_BYTES) return undefined;
    const iv = Buffer.from(sealed.iv, "base64");
    const d = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(tag);
    const data = Buffer.from(sealed.data, "base64");
    return Buffer.concat([d.update(data), d.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

// The text of a regular file of the folder, or undefined when it is missing or is anything
// else (a FIFO or a device would block the read; a symbolic link is not followed).
async function readRegular(path: string): Promise<string | undefined> {
  const got = await readRegularFile(path).catch(() => undefined);
  return got && "text" in got ? got.text : undefined;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const fh = await open(tmp, "wx", 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

const deriveKey = (passphrase: string, header: Header): Buffer => {
  const { N, r, p } = header.kdf ?? KDF[1];
  return scryptSync(passphrase, Buffer.from(header.salt, "base64"), 32, {
    N,
    r,
    p,
    maxmem: MAXMEM,
  });
};

// Encrypted files for machines without a keychain: AES-256-GCM with a key derived by
// scrypt from a passphrase; each file is bound to its cache key (AAD), so a moved or
// edited file fails to decrypt and counts as a miss. The folder must be private
// (src/platform/privateDir.ts).
export async function fileStore(folder: string, passphrase: string): Promise<Store> {
  const dir = ensurePrivateDir(folder);
  const headerFile = join(dir, "store.json");
  let header = parseHeader(await readRegular(headerFile));
  header ??= await createHeader(headerFile, passphrase);
  const key = deriveKey(passphrase, header);
  if (unseal(key, header.check, CHECK) !== CHECK) {
    throw new AwsxError(
      "E_CACHE",
      `the passphrase for the file cache in ${dir} is wrong; set AWSX_FILE_PASSPHRASE to the ` +
        "one it was created with (or remove the folder to start over)",
    );
  }
  const fileOf = (k: string) => join(dir, `${k}.enc`);
  // A file that is there but does not decrypt (tampered, moved, foreign) reads as "",
  // so the cache reports it as corrupt and replaces it, and `clear` can remove it.
  const read = async (k: string): Promise<string | undefined> => {
    const text = await readRegular(fileOf(k));
    if (text === undefined) return undefined;
    try {
      const sealed = JSON.parse(text) as Sealed;
      return (sealed && typeof sealed === "object" ? unseal(key, sealed, k) : undefined) ?? "";
    } catch {
      return "";
    }
  };
  return {
    name: "file",
    get: read,
    async set(k, value) {
      await writeAtomic(fileOf(k), JSON.stringify(seal(key, value, k)));
    },
    async delete(k) {
      await rm(fileOf(k), { force: true });
    },
    async list() {
      const out: Array<{ key: string; value: string }> = [];
      for (const name of await readdir(dir)) {
        if (!name.endsWith(".enc")) continue;
        const k = name.slice(0, -4);
        out.push({ key: k, value: (await read(k)) ?? "" });
      }
      return out;
    },
  };
}

function parseHeader(text: string | undefined): Header | undefined {
  try {
    const h = JSON.parse(text ?? "") as Header;
    if (typeof h?.salt !== "string" || !h.check) return undefined;
    if (h.v === 1) return { v: 1, salt: h.salt, check: h.check };
    const k = h.kdf;
    const ok = h.v === 2 && [k?.N, k?.r, k?.p].every((n) => Number.isInteger(n) && n! > 0);
    return ok ? h : undefined;
  } catch {
    return undefined;
  }
}

// The first awsx to use a folder writes its header; parallel first runs must agree on
// one salt, so the header is published with link(), which fails if another won.
async function createHeader(headerFile: string, passphrase: string): Promise<Header> {
  const salt = randomBytes(16).toString("base64");
  const draft: Header = { v: 2, kdf: KDF[2], salt, check: { v: 1, iv: "", tag: "", data: "" } };
  const mine: Header = { ...draft, check: seal(deriveKey(passphrase, draft), CHECK, CHECK) };
  const tmp = `${headerFile}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await writeFile(tmp, JSON.stringify(mine), { mode: 0o600, flag: "wx" });
  try {
    await link(tmp, headerFile);
    return mine;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const theirs = parseHeader(await readRegular(headerFile));
    if (theirs) return theirs;
    throw new AwsxError(
      "E_CACHE",
      `the file cache header ${headerFile} is damaged; remove that folder to start a new cache`,
    );
  } finally {
    await rm(tmp, { force: true });
  }
}
