// awsx sso sync --dry-run's unified diff against patch(1): applied to the old text, it must
// give the new one.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { unifiedDiff } from "../../src/util/unifiedDiff.js";

describe("unified diff", () => {
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

  test("patch(1) turns a into b with it (random texts)", () => {
    const text = fc
      .array(fc.constantFrom("a", "b", "c", "[x]", "", "k = v"), { maxLength: 25 })
      .chain((ls) => fc.constantFrom(ls.join("\n"), `${ls.join("\n")}\n`));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const d = unifiedDiff(a, b, "config", "config");
        expect(d === "" ? a : patched(a, d)).toBe(b);
      }),
      { numRuns: 60 },
    );
  });
});
