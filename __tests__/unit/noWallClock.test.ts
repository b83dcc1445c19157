// No test may fail because the machine is slow (npm test on a busy 2-core machine takes
// tens of minutes). A bound on elapsed time is only a hang guard: at least 20 s, well past a
// busy run of awsx, and short of the wait it tells apart. Speed is the benchmark's
// (npm run bench). This reads every test file for `expect(<elapsed>).toBeLessThan(<n>)`.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TESTS = fileURLToPath(new URL("..", import.meta.url));
const LEAST_MS = 20_000;

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(path.join(dir, e.name))
      : e.name.endsWith(".test.ts")
        ? [path.join(dir, e.name)]
        : [],
  );

// An elapsed time: a `ms`/`…Ms` value or a difference of clock readings.
const ELAPSED = /\bms\b|[a-z]Ms\b|now\(\)\s*-/;
const BOUND = /expect\(([^;]*?)\)\.toBeLessThan(?:OrEqual)?\(([\d_]+)\)/g;

function tightBounds(text: string): string[] {
  return [...text.matchAll(BOUND)]
    .filter((m) => ELAPSED.test(m[1]!) && Number(m[2]!.replace(/_/g, "")) < LEAST_MS)
    .map((m) => m[0]);
}

test("no elapsed-time bound under 20 s in any test", () => {
  const self = fileURLToPath(import.meta.url);
  const found = files(TESTS)
    .filter((f) => f !== self)
    .flatMap((f) =>
      tightBounds(readFileSync(f, "utf8")).map((b) => `${path.relative(TESTS, f)}: ${b}`),
    );
  expect(found).toEqual([]);
});

test("the reader sees the bounds it is for", () => {
  expect(tightBounds("expect(r.ms).toBeLessThan(5_000);")).toHaveLength(1);
  expect(tightBounds("expect(Date.now() - c0).toBeLessThan(1_000);")).toHaveLength(1);
  expect(tightBounds("expect(at - exitAt).toBeLessThan(1_500);")).toHaveLength(0);
  expect(tightBounds("expect(r.ms).toBeLessThan(30_000);")).toHaveLength(0);
  expect(tightBounds("expect(big / small).toBeLessThan(32);")).toHaveLength(0);
});
