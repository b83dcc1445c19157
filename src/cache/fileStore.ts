import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { chmod, link, mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AwsxError } from "../errors.js";
import type { Store } from "./store.js";

// scrypt cost: about 40 ms and 16 MiB on a 2-core machine, once per run.
const SCRYPT = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const CHECK = "awsx-file-store";

interface Sealed {
  v: 1;
  iv: string;
  tag: string;
  data: string;
}

function seal(key: Buffer, plaintext: string, aad: string): Sealed {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(aad));
  const data = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
  return { v: 1, iv: iv.toString("base64"), tag: c.getAuthTag().toString("base64"), data: data.toString("base64") };
}

function unseal(key: Buffer, sealed: Sealed, aad: string): string | undefined {
  try {
    const d = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(Buffer.from(sealed.tag, "base64"));
    return Buffer.concat([d.update(Buffer.from(sealed.data, "base64")), d.final()]).toString("utf8");
  } catch {
    return undefined;
  }
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

// Encrypted files for machines without a keychain: AES-256-GCM with a key derived by
// scrypt from a passphrase; each file is bound to its cache key (AAD), so a moved or
// edited file fails to decrypt and counts as a miss.
export async function fileStore(dir: string, passphrase: string): Promise<Store> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const header = join(dir, "store.json");
  let meta: { v: 1; salt: string; check: Sealed } | undefined;
  try {
    meta = JSON.parse(await readFile(header, "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") meta = undefined;
  }
  if (!(meta?.v === 1 && typeof meta.salt === "string" && meta.check)) meta = await createHeader(header, passphrase);
  const key = scryptSync(passphrase, Buffer.from(meta.salt, "base64"), 32, SCRYPT);
  if (unseal(key, meta.check, CHECK) !== CHECK) {
    throw new AwsxError("E_CACHE", `the passphrase for the file cache in ${dir} is wrong; set AWSX_FILE_PASSPHRASE to the one it was created with (or remove the folder to start over)`);
  }
  const fileOf = (k: string) => join(dir, `${k}.enc`);
  // A file that is there but does not decrypt (tampered, moved, foreign) reads as "",
  // so the cache reports it as corrupt and replaces it, and `clear` can remove it.
  const read = async (k: string): Promise<string | undefined> => {
    let text: string;
    try {
      text = await readFile(fileOf(k), "utf8");
    } catch {
      return undefined;
    }
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

type Header = { v: 1; salt: string; check: Sealed };

// The first awsx to use a folder writes its header; parallel first runs must agree on
// one salt, so the header is published with link(), which fails if another won.
async function createHeader(header: string, passphrase: string): Promise<Header> {
  const salt = randomBytes(16);
  const key = scryptSync(passphrase, salt, 32, SCRYPT);
  const mine: Header = { v: 1, salt: salt.toString("base64"), check: seal(key, CHECK, CHECK) };
  const tmp = `${header}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await writeFile(tmp, JSON.stringify(mine), { mode: 0o600, flag: "wx" });
  try {
    await link(tmp, header);
    return mine;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    try {
      const theirs = JSON.parse(await readFile(header, "utf8")) as Header;
      if (theirs?.v === 1 && typeof theirs.salt === "string" && theirs.check) return theirs;
    } catch {
      // fall through
    }
    throw new AwsxError("E_CACHE", `the file cache header ${header} is damaged; remove that folder to start a new cache`);
  } finally {
    await rm(tmp, { force: true });
  }
}
