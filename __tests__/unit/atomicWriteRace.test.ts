// writeFileAtomic sets the new file's mode on the open file (fchmod), never by name: between
// closing the temp file and a chmod by name, someone who can write the folder could swap the
// name for a symbolic link, and the chmod would then change the mode of the link's target.
// The swap is staged: closing the temp file replaces it with a link to a private file of the
// victim's, as that someone would. Issue 32, info a.
import { jest } from "@jest/globals";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const real = await import("node:fs/promises");
const realFs = await import("node:fs");
// The file the link points to, while a swap is staged.
let victim: string | undefined;
let swapped = 0;
jest.unstable_mockModule("node:fs/promises", () => ({
  ...real,
  open: async (...args: Parameters<typeof real.open>) => {
    const fh = await real.open(...args);
    const name = String(args[0]);
    if (victim === undefined || !path.basename(name).includes(".awsx-")) return fh;
    const target = victim;
    const close = fh.close.bind(fh);
    fh.close = async () => {
      await close();
      realFs.rmSync(name);
      realFs.symlinkSync(target, name);
      swapped++;
    };
    return fh;
  },
}));
const { writeFileAtomic } = await import("../../src/platform/atomicWrite.js");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "awsx-atomic-"));
  victim = undefined;
  swapped = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("the temp file swapped for a link after its close: the target keeps its mode", async () => {
  const secret = path.join(dir, "victim-secret");
  writeFileSync(secret, "private\n", { mode: 0o600 });
  const file = path.join(dir, "config");
  writeFileSync(file, "old\n", { mode: 0o644 });
  realFs.chmodSync(file, 0o644);
  victim = secret;
  await writeFileAtomic(file, "new\n").catch(() => {});
  expect(swapped).toBe(1); // the swap happened
  expect(statSync(secret).mode & 0o777).toBe(0o600);
  expect(readFileSync(secret, "utf8")).toBe("private\n");
});

test("no swap: the text is replaced, the mode kept (0644); a new file is 0600", async () => {
  const file = path.join(dir, "config");
  writeFileSync(file, "old\n");
  realFs.chmodSync(file, 0o644);
  await writeFileAtomic(file, "new\n");
  expect(readFileSync(file, "utf8")).toBe("new\n");
  expect(statSync(file).mode & 0o777).toBe(0o644);
  const fresh = path.join(dir, "fresh");
  await writeFileAtomic(fresh, "x\n");
  expect(statSync(fresh).mode & 0o777).toBe(0o600);
});
