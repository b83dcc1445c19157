// awsx sso sync --dry-run's unified diff against patch(1): applied to the old text, it must
// give the new one, within the diff package's edit limit and past it (one hunk).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { syncDiff } from "../../src/sso/syncDiff.js";

describe("the dry run's unified diff (the diff package)", () => {
  const dir = mkdtempSync(join(tmpdir(), "awsx-diff-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Applies the diff to a with patch(1) and returns the result.
  function patched(a: string, diff: string): string {
    const file = join(dir, "config");
    writeFileSync(file, a);
    const r = spawnSync("patch", ["-s", "-p0", "--no-backup-if-mismatch", file], {
      input: diff,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`patch failed: ${r.stdout}${r.stderr}\n${diff}`);
    return readFileSync(file, "utf8");
  }

  const text = fc
    .array(fc.constantFrom("a", "b", "c", "[x]", "", "k = v"), { maxLength: 25 })
    .chain((ls) => fc.constantFrom(ls.join("\n"), `${ls.join("\n")}\n`));

  test("patch(1) turns a into b with it (random texts)", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const d = syncDiff(a, b, "config");
        expect(d === "" ? a : patched(a, d)).toBe(b);
      }),
      { numRuns: 60 },
    );
  });

  test("past the edit limit: one hunk that patch(1) still applies (random texts)", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const d = syncDiff(a, b, "config", 0);
        expect(d.match(/^@@ /gm)?.length ?? 0).toBe(a === b ? 0 : 1);
        expect(d === "" ? a : patched(a, d)).toBe(b);
      }),
      { numRuns: 60 },
    );
  });
});
