// The encrypted file store against a hostile folder: old headers still read, a truncated GCM
// tag is refused, a FIFO is a miss (not a hang), and a folder someone else could swap or
// redirect is refused before anything is written or chmod'ed.
import { createCipheriv, randomBytes, scryptSync } from "node:crypto";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileStore } from "../../src/cache/fileStore.js";
import { AwsxError } from "../../src/errors.js";
import { needsForTest } from "../helpers/requirements.js";

const PASS = "correct horse battery staple";
const asRoot = await needsForTest({
  name: "root (to chown a folder to another user)",
  probe: () => process.getuid?.() === 0,
});

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "awsx-filestore-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const sealWith = (key: Buffer, text: string, aad: string, tagBytes = 16) => {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(aad));
  const data = Buffer.concat([c.update(text, "utf8"), c.final()]);
  const tag = c.getAuthTag().subarray(0, tagBytes);
  return {
    v: 1,
    iv: iv.toString("base64"),
    tag: tag.toString("base64"),
    data: data.toString("base64"),
  };
};

test(
  "a new folder's header records scrypt N = 2^17; set/get round-trips; " + "files are 0600",
  async () => {
    const dir = path.join(root, "sessions");
    const store = await fileStore(dir, PASS);
    await store.set("k1", "value-1");
    expect(await store.get("k1")).toBe("value-1");
    const header = JSON.parse(readFileSync(path.join(dir, "store.json"), "utf8"));
    expect(header).toMatchObject({ v: 2, kdf: { N: 131072, r: 8, p: 1 } });
    expect(statSync(path.join(dir, "k1.enc")).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  },
);

test("a v1 folder (scrypt N = 2^14, no kdf field) is still read", async () => {
  const dir = path.join(root, "sessions");
  mkdirSync(dir, { mode: 0o700 });
  const salt = randomBytes(16);
  const key = scryptSync(PASS, salt, 32, { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  const check = sealWith(key, "awsx-file-store", "awsx-file-store");
  writeFileSync(
    path.join(dir, "store.json"),
    JSON.stringify({ v: 1, salt: salt.toString("base64"), check }),
    { mode: 0o600 },
  );
  writeFileSync(path.join(dir, "old.enc"), JSON.stringify(sealWith(key, "old-value", "old")), {
    mode: 0o600,
  });
  const store = await fileStore(dir, PASS);
  expect(await store.get("old")).toBe("old-value");
});

test("an entry whose GCM tag is cut to 4 bytes is corrupt (a miss), not accepted", async () => {
  const dir = path.join(root, "sessions");
  const store = await fileStore(dir, PASS);
  await store.set("k", "secret-value");
  const sealed = JSON.parse(readFileSync(path.join(dir, "k.enc"), "utf8"));
  sealed.tag = Buffer.from(sealed.tag, "base64").subarray(0, 4).toString("base64");
  writeFileSync(path.join(dir, "k.enc"), JSON.stringify(sealed));
  expect(await store.get("k")).toBe("");
});

test("a FIFO in place of an entry is a miss at once, not a hang", async () => {
  const dir = path.join(root, "sessions");
  const store = await fileStore(dir, PASS);
  execFileSync("mkfifo", [path.join(dir, "k.enc")]);
  expect(await store.get("k")).toBeUndefined();
});

test(
  "a sessions folder that is a symbolic link is refused; " + "its target keeps its mode",
  async () => {
    const victim = path.join(root, "victim");
    mkdirSync(victim, { mode: 0o755 });
    symlinkSync(victim, path.join(root, "sessions"));
    await expect(fileStore(path.join(root, "sessions"), PASS)).rejects.toThrow(/symbolic link/);
    expect(statSync(victim).mode & 0o777).toBe(0o755);
  },
);

test("a cache folder writable by other users is refused", async () => {
  chmodSync(root, 0o777);
  await expect(fileStore(path.join(root, "sessions"), PASS)).rejects.toMatchObject({
    code: "E_CACHE",
    message: expect.stringMatching(/writable by other users.*AWSX_CACHE_DIR/),
  });
});

asRoot("a cache folder under a folder another user owns is refused", async () => {
  const theirs = path.join(root, "theirs");
  mkdirSync(theirs, { mode: 0o755 });
  chownSync(theirs, 65534, 65534);
  const err = await fileStore(path.join(theirs, "awsx", "sessions"), PASS).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AwsxError);
  expect((err as AwsxError).message).toMatch(/belongs to another user \(uid 65534\)/);
});
