// ensurePrivateDir when another awsx makes the folder between its lstat and its mkdir (16
// parallel SSO runs hit this once in CI): the folder is taken and checked, not an EEXIST.
// The race is staged: the first lstat of the folder makes it for real, as the other
// process would, then answers ENOENT as the lstat just before did.
import { jest } from "@jest/globals";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const real = await import("node:fs");
// The folder the other process makes, and the mode it leaves it with.
let race: { path: string; mode: number } | undefined;
jest.unstable_mockModule("node:fs", () => ({
  ...real,
  lstatSync: (p: string) => {
    if (race && p === race.path) {
      real.mkdirSync(p);
      real.chmodSync(p, race.mode);
      race = undefined;
      throw Object.assign(new Error(`ENOENT: no such file or directory, lstat '${p}'`), {
        code: "ENOENT",
      });
    }
    return real.lstatSync(p);
  },
}));
const { ensurePrivateDir } = await import("../../src/platform/privateDir.js");

let base: string;
beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), "awsx-race-"));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

test("a folder made by another process between lstat and mkdir is taken", () => {
  const dir = path.join(base, "cache", "awsx");
  race = { path: path.join(base, "cache"), mode: 0o700 };
  expect(ensurePrivateDir(dir)).toBe(dir);
  expect(race).toBeUndefined(); // the race happened
  expect(statSync(dir).mode & 0o777).toBe(0o700);
});

test("a folder made in the race is still checked: one writable by others is refused", () => {
  const dir = path.join(base, "awsx");
  race = { path: dir, mode: 0o777 };
  expect(() => ensurePrivateDir(dir)).toThrow(/refusing to use .* is writable by other users/);
  expect(race).toBeUndefined();
});
