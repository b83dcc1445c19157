// The project's style: lines of at most 100 characters (biome's lineWidth), in the code and
// in the tests. Biome cannot break a long string, regex or comment, so this reads every
// source file for lines over the limit. Left out: __tests__/fixtures/proxy/ (third-party
// style fixtures) and __tests__/golden/ (data compared byte for byte).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAX = 100;
const ROOTS = ["src", "bin", "scripts", "__tests__"];
const SOURCE = /\.(ts|js|mjs|cjs)$/;
const LEFT_OUT = ["__tests__/fixtures/proxy", "__tests__/golden"];

const files = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (LEFT_OUT.includes(rel)) return [];
    if (e.isDirectory()) return files(rel);
    return e.isFile() && SOURCE.test(e.name) ? [rel] : [];
  });

// "file:line (length)" for each line over MAX characters (code points, as an editor counts).
function longLines(file: string, text: string): string[] {
  return text.split("\n").flatMap((line, i) => {
    const length = [...line.replace(/\r$/, "")].length;
    return length > MAX ? [`${file}:${i + 1} (${length})`] : [];
  });
}

test("no line over 100 characters in src/, bin/, scripts/ or __tests__/", () => {
  const found = ROOTS.flatMap(files).flatMap((f) =>
    longLines(f, readFileSync(path.join(ROOT, f), "utf8")),
  );
  expect(found).toEqual([]);
});

test("the reader sees every root and the lines it is for", () => {
  const seen = ROOTS.flatMap(files);
  for (const root of ROOTS) expect(seen.some((f) => f.startsWith(`${root}/`))).toBe(true);
  expect(seen).toContain("bin/awsx.js");
  expect(seen).toContain("__tests__/unit/lineLength.test.ts");
  expect(seen.some((f) => f.startsWith("__tests__/fixtures/proxy/"))).toBe(false);
  expect(seen.some((f) => f.startsWith("__tests__/golden/"))).toBe(false);
  expect(longLines("f.ts", `ok\n${"x".repeat(101)}\n${"y".repeat(100)}`)).toEqual(["f.ts:2 (101)"]);
  // Characters, not UTF-16 units or bytes: 100 emoji fit, as 100 letters do.
  expect(longLines("f.ts", "😀".repeat(100))).toEqual([]);
});
