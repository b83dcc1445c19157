// `npm run demo` rebuilds dist/ only when a build input is newer than it (scripts/distCurrent.mjs).
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error: a plain .mjs script without types
import { distCurrent } from "../../scripts/distCurrent.mjs";

let root: string;
const write = (rel: string, secondsAgo: number) => {
  const f = path.join(root, rel);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, "x");
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(f, t, t);
};
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "awsx-dist-"));
  write("package.json", 100);
  write("scripts/build.mjs", 100);
  write("src/cli/main.ts", 100);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test("dist/ built after every input: current", () => {
  write("dist/awsx.cjs", 10);
  write("dist/lazy-sts.cjs", 10);
  expect(distCurrent(root)).toEqual({
    current: true,
    why: "dist/ is newer than every source file",
  });
});

test("a missing bundle, or a source file edited after the build: rebuild", () => {
  write("dist/awsx.cjs", 10);
  expect(distCurrent(root)).toMatchObject({ current: false, why: "dist/lazy-sts.cjs is missing" });
  write("dist/lazy-sts.cjs", 10);
  write("src/cache/select.ts", 1);
  expect(distCurrent(root)).toMatchObject({
    current: false,
    why: expect.stringMatching(/changed/),
  });
});

test("this checkout right after a build (scripts/test.sh builds first) is current", () => {
  const here = fileURLToPath(new URL("../..", import.meta.url));
  expect(distCurrent(here).current).toBe(true);
});
