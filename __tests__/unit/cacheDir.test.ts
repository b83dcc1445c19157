// Where awsx's cache folder is (src/cli/settings.ts cacheDirOf): AWSX_CACHE_DIR, which must be
// absolute, else $XDG_CACHE_HOME/awsx when XDG_CACHE_HOME is absolute (the XDG Base Directory
// spec: a relative path is ignored), else ~/.cache/awsx.
import { AwsxError } from "../../src/errors.js";
import { cacheDirOf } from "../../src/cli/settings.js";

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
