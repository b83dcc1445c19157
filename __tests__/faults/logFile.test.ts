// AWSX_LOG_FILE: created 0600, appended to only when it is a regular file of this user's;
// a symlink or another user's file is refused with one warning, and the command still runs.
import { execFileSync } from "node:child_process";
import {
  chownSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { needsForTest } from "../helpers/requirements.js";

const KEYS =
  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" +
  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
// chown to another user needs root (CI runs as root).
const asRoot = await needsForTest({
  name: "root (to chown a file to another user)",
  probe: () => process.getuid?.() === 0,
});

let home: TempHome;
let dir: string;
beforeEach(() => {
  home = makeHome({ credentials: `[foo]\n${KEYS}` });
  dir = mkdtempSync(path.join(os.tmpdir(), "awsx-logfile-"));
});
afterEach(() => {
  home.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const run = (logFile: string) =>
  runAwsx(["--debug", "exec", "foo", "--", "true"], home.env({ AWSX_LOG_FILE: logFile }));

test("a new log file is created with mode 0600 and receives the debug lines", async () => {
  const file = path.join(dir, "new.log");
  const r = await run(file);
  expect(r.code).toBe(0);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readFileSync(file, "utf8")).toMatch(/awsx\[debug\]: profile foo: static keys/);
});

test("a symlink is refused: its target is not written, one warning, the command runs", async () => {
  const target = path.join(dir, "victim");
  writeFileSync(target, "untouched\n");
  const link = path.join(dir, "link.log");
  symlinkSync(target, link);
  const r = await run(link);
  expect(r.code).toBe(0);
  expect(readFileSync(target, "utf8")).toBe("untouched\n");
  expect(
    r.stderr.match(/awsx: warning: not logging to AWSX_LOG_FILE: .*symbolic link/g),
  ).toHaveLength(1);
});

asRoot("a file another user owns is refused and left as it was", async () => {
  const file = path.join(dir, "theirs.log");
  writeFileSync(file, "theirs\n", { mode: 0o666 });
  chownSync(file, 65534, 65534);
  const r = await run(file);
  expect(r.code).toBe(0);
  expect(readFileSync(file, "utf8")).toBe("theirs\n");
  expect(r.stderr).toMatch(/not logging to AWSX_LOG_FILE: .*not a regular file of this user's/);
});

// Issue 32, finding 8: opening a FIFO for writing waits for a reader; awsx opens the log
// with O_NONBLOCK, so one with no reader fails at once (ENXIO) and one with a reader is
// refused as not a regular file. A run that blocked is killed after 20 s (code null).
const fifo = (name: string): string => {
  const file = path.join(dir, name);
  execFileSync("mkfifo", ["-m", "0666", file]);
  return file;
};
const runBounded = (logFile: string) =>
  runAwsx(["--debug", "exec", "foo", "--", "true"], home.env({ AWSX_LOG_FILE: logFile }), 20_000);

test("a FIFO with no reader does not block: one warning, the command runs", async () => {
  const r = await runBounded(fifo("fifo.log"));
  expect(r.code).toBe(0);
  expect(
    r.stderr.match(
      /awsx: warning: not logging to AWSX_LOG_FILE: .*fifo\.log is not a regular file/g,
    ),
  ).toHaveLength(1);
});

asRoot("another user's FIFO with no reader does not block either", async () => {
  const file = fifo("theirs.fifo");
  chownSync(file, 65534, 65534);
  const r = await runBounded(file);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/not logging to AWSX_LOG_FILE: .*theirs\.fifo is not a regular file/);
});

test("a FIFO with a reader is refused (not a regular file), nothing is written to it", async () => {
  const file = fifo("read.fifo");
  const reader = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const r = await runBounded(file);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/not logging to AWSX_LOG_FILE: .*not a regular file of this user's/);
    expect(readSync(reader, Buffer.alloc(1024))).toBe(0); // no line reached the FIFO
  } finally {
    closeSync(reader);
  }
});
