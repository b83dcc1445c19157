// Where awsx's cache folder is (src/cli/settings.ts cacheDirOf): AWSX_CACHE_DIR, which must be
// absolute, else $XDG_CACHE_HOME/awsx when XDG_CACHE_HOME is absolute (the XDG Base Directory
// spec: a relative path is ignored), else ~/.cache/awsx.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { AwsxError } from "../../src/errors.js";
import { cacheDirOf } from "../../src/cli/settings.js";
import { AWSX_BIN } from "../helpers/awsx.js";

const HOME = "/home/me";

test.each([
  ["nothing set", {}, "/home/me/.cache/awsx"],
  ["an absolute XDG_CACHE_HOME", { XDG_CACHE_HOME: "/var/cache/me" }, "/var/cache/me/awsx"],
  ["a relative XDG_CACHE_HOME is ignored", { XDG_CACHE_HOME: "cache" }, "/home/me/.cache/awsx"],
  ["XDG_CACHE_HOME=. is ignored", { XDG_CACHE_HOME: "." }, "/home/me/.cache/awsx"],
  ["XDG_CACHE_HOME=~/c is relative, ignored", { XDG_CACHE_HOME: "~/c" }, "/home/me/.cache/awsx"],
  ["an empty XDG_CACHE_HOME is unset", { XDG_CACHE_HOME: "" }, "/home/me/.cache/awsx"],
  ["an absolute AWSX_CACHE_DIR wins", { AWSX_CACHE_DIR: "/c", XDG_CACHE_HOME: "/x" }, "/c"],
  ["an empty AWSX_CACHE_DIR is unset", { AWSX_CACHE_DIR: "", XDG_CACHE_HOME: "/x" }, "/x/awsx"],
] as Array<[string, Record<string, string>, string]>)("%s", (_name, env, dir) => {
  expect(cacheDirOf({ HOME, ...env })).toBe(dir);
});

test.each(["cache", "./cache", "~/cache", "../x"])(
  "a relative AWSX_CACHE_DIR (%s) is a usage error (64) naming it and the fix",
  (dir) => {
    let err: unknown;
    try {
      cacheDirOf({ HOME, AWSX_CACHE_DIR: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AwsxError);
    expect((err as AwsxError).exitCode).toBe(64);
    expect((err as AwsxError).message).toBe(
      `AWSX_CACHE_DIR must be an absolute path, not "${dir}"; ` +
        'set it to e.g. "$HOME/.cache/awsx", or unset it for the default',
    );
  },
);

// A relative or empty HOME (a CI job's `HOME=.`, an `env HOME= ...`) would put the cache, and
// Node's compile cache, under whatever folder awsx runs in: the password database's home is
// used instead, in src/cli/settings.ts and in bin/awsx.js alike.
describe("a HOME that is not an absolute path", () => {
  const own = path.join(userInfo().homedir, ".cache", "awsx");

  test.each(["", ".", "rel", "~"])("HOME=%j: the user's own home", (home) => {
    expect(cacheDirOf({ HOME: home })).toBe(own);
  });

  // (Node's compile cache then goes to the user's own ~/.cache/awsx/compile, its usual place.)
  test("bin/awsx.js makes nothing in the current folder", () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "awsx-relhome-"));
    try {
      for (const home of ["", "rel"]) {
        const r = spawnSync(process.execPath, [AWSX_BIN, "--version"], {
          cwd,
          env: { PATH: process.env.PATH, HOME: home, NODE_COMPILE_CACHE: undefined },
          encoding: "utf8",
        });
        expect(r.status).toBe(0);
      }
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
