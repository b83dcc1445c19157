// awsx's cache folder in a place someone else controls: refused at once with exit 74 and
// the fix, before any lock is waited on or any file is written, chmod'ed or followed.
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { runAwsx } from "../helpers/awsx.js";
import { refuseConnectionsUrl } from "../helpers/ports.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { needsForTest } from "../helpers/requirements.js";

const asRoot = await needsForTest({
  name: "root (to give a folder to another user)",
  probe: () => process.getuid?.() === 0,
});
const KEYS =
  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" +
  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
const NOBODY = 65534;

let home: TempHome;
let root: string;
let sts: string;
beforeAll(async () => {
  sts = await refuseConnectionsUrl();
});
beforeEach(() => {
  home = makeHome({
    config: "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = foo\n",
    credentials: `[foo]\n${KEYS}`,
  });
  root = mkdtempSync(path.join(os.tmpdir(), "awsx-cachedir-"));
});
afterEach(() => {
  home.cleanup();
  rmSync(root, { recursive: true, force: true });
});

const run = (cacheDir: string) =>
  runAwsx(
    ["exec", "role", "--", "true"],
    home.env({
      AWSX_CACHE_DIR: cacheDir,
      AWSX_BACKEND: "file",
      AWSX_FILE_PASSPHRASE: "pw-FAKE",
      AWS_ENDPOINT_URL_STS: sts,
      AWSX_LOCK_WAIT: "300",
    }),
    60_000,
  );

function expectRefused(r: Awaited<ReturnType<typeof run>>, ...needles: RegExp[]) {
  expect(r.code).toBe(74);
  expect(r.stderr).toMatch(/^awsx: refusing to use .* for awsx's cache: .*AWSX_CACHE_DIR/);
  for (const n of needles) expect(r.stderr).toMatch(n);
  expect(r.ms).toBeLessThan(30_000); // not the 300 s lock wait
}

test("a cache folder writable by other users: 74", async () => {
  const dir = path.join(root, "awsx");
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  expectRefused(await run(dir), /writable by other users/);
});

test(
  "sessions/ swapped for a symlink to a folder of the victim's: 74, " + "the target untouched",
  async () => {
    const dir = path.join(root, "awsx");
    mkdirSync(dir, { mode: 0o700 });
    const victim = path.join(root, "victim");
    mkdirSync(victim, { mode: 0o755 });
    symlinkSync(victim, path.join(dir, "sessions"));
    expectRefused(await run(dir), /symbolic link/);
    expect(statSync(victim).mode & 0o777).toBe(0o755);
    expect(readdirSync(victim)).toEqual([]);
  },
);

asRoot("a cache folder under another user's folder: 74", async () => {
  const theirs = path.join(root, "theirs");
  mkdirSync(theirs, { mode: 0o755 });
  chownSync(theirs, NOBODY, NOBODY);
  expectRefused(await run(path.join(theirs, "awsx")), /belongs to another user/);
});

asRoot(
  "a locks/ folder another user owns, holding a fresh lock: 74 at once, no 300 s wait",
  async () => {
    const dir = path.join(root, "awsx");
    mkdirSync(path.join(dir, "sessions"), { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const locks = path.join(dir, "locks");
    mkdirSync(locks, { mode: 0o755 });
    chownSync(locks, NOBODY, NOBODY);
    expectRefused(await run(dir), /locks is not yours|belongs to another user/);
  },
);

asRoot("a sessions/ folder another user owns: 74", async () => {
  const dir = path.join(root, "awsx");
  mkdirSync(dir, { mode: 0o700 });
  mkdirSync(path.join(dir, "sessions"), { mode: 0o700 });
  chownSync(path.join(dir, "sessions"), NOBODY, NOBODY);
  expectRefused(await run(dir), /sessions is not yours|belongs to another user/);
});
