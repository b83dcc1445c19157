// The stored-keys index (<cache dir>/stored-keys, src/keys/storedKeysIndex.ts) is read only
// from a private cache folder, only as a regular file of at most 1 MiB, and only its lines
// shaped like profile names count: a FIFO never blocks a run, and no name planted by another
// user (or holding a terminal escape) reaches completion. An index that cannot be trusted
// means every profile is looked up in the store, so stored keys still win. Issue 32, finding 5.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";

const FILE_KEY = "AKIAFAKEINDEXFILE001";
const STORED_KEY = "AKIAFAKEINDEXSTORE01";
const KEYS = `aws_access_key_id = ${FILE_KEY}\naws_secret_access_key = ${"f".repeat(40)}\n`;

let home: TempHome;
let root: string;
beforeEach(() => {
  home = makeHome({ config: "[profile bar]\nregion = us-east-1\n", credentials: `[foo]\n${KEYS}` });
  root = mkdtempSync(path.join(os.tmpdir(), "awsx-index-"));
});
afterEach(() => {
  home.cleanup();
  rmSync(root, { recursive: true, force: true });
});

// A cache folder of the given mode, holding `index` as stored-keys: text, or "fifo".
function cacheDir(mode: number, index: string | "fifo"): string {
  const dir = path.join(root, "awsx");
  mkdirSync(dir);
  chmodSync(dir, mode);
  const file = path.join(dir, "stored-keys");
  if (index === "fifo") execFileSync("mkfifo", [file]);
  else writeFileSync(file, index);
  return dir;
}

// A run that would block forever on the FIFO is killed after 20 s (code null).
const exec = (dir: string) =>
  runAwsx(["exec", "--backend", "none", "foo", "--", "true"], env(dir), 20_000);
const env = (dir: string, extra: Record<string, string> = {}) =>
  home.env({ AWSX_CACHE_DIR: dir, ...extra });
async function completions(dir: string): Promise<string[]> {
  const r = await runAwsx(["__complete", "--", "exec", ""], env(dir), 20_000);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  return r.stdout.split("\n").filter(Boolean);
}

test.each([
  ["others can write the cache folder", 0o777],
  ["a private cache folder", 0o700],
])("a FIFO named stored-keys (%s) does not block exec or completion", async (_name, mode) => {
  const dir = cacheDir(mode, "fifo");
  const r = await exec(dir);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  expect(await completions(dir)).toEqual(["bar", "foo"]);
});

test("an index in a folder others can write is not read: no name of it is offered", async () => {
  const dir = cacheDir(0o777, "planted\n");
  expect(await completions(dir)).toEqual(["bar", "foo"]);
});

test(
  "lines that are not names (a control character, over 256 characters) " + "are left out",
  async () => {
    const bad = [
      "\u001b]0;owned\u0007",
      "evil\u001b[2J",
      "tab\there",
      "c1\u009bx",
      "x".repeat(257),
    ];
    const dir = cacheDir(0o700, ["good", ...bad, "", "y".repeat(256), "ok-too"].join("\n"));
    expect((await completions(dir)).sort()).toEqual([
      "bar",
      "foo",
      "good",
      "ok-too",
      "y".repeat(256),
    ]);
  },
);

test("an index over 1 MiB is not read", async () => {
  const dir = cacheDir(0o700, `big\n${"n\n".repeat(600_000)}`);
  expect(await completions(dir)).toEqual(["bar", "foo"]);
});

test("an index that cannot be read: stored keys still win (every profile " +
  "is looked up)", async () => {
  const dir = path.join(root, "awsx");
  const store = {
    AWSX_BACKEND: "file",
    AWSX_FILE_PASSPHRASE: "index-test-passphrase",
  };
  const add = await runAwsx(
    ["add", "foo", "--env", "--force"],
    env(dir, { ...store, AWS_ACCESS_KEY_ID: STORED_KEY, AWS_SECRET_ACCESS_KEY: "s".repeat(40) }),
  );
  expect({ code: add.code, stderr: add.stderr }).toMatchObject({ code: 0 });
  const print = ["exec", "--no-session", "foo", "--", process.execPath, "-e"];
  const keyId = async () => {
    const r = await runAwsx(
      [...print, "process.stdout.write(process.env.AWS_ACCESS_KEY_ID)"],
      env(dir, store),
      20_000,
    );
    expect(r.code).toBe(0);
    return r.stdout;
  };
  expect(await keyId()).toBe(STORED_KEY);
  rmSync(path.join(dir, "stored-keys"));
  execFileSync("mkfifo", [path.join(dir, "stored-keys")]);
  expect(await keyId()).toBe(STORED_KEY);
}, 60_000);
