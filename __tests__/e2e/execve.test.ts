// `awsx exec` becomes its command through process.execve (src/exec/replaceProcess.ts) where
// that cannot fail, and spawns it as before otherwise. A failed execve aborts Node (SIGABRT)
// instead of throwing, so every file a blind execve would fail on must take the spawn path and
// end exactly as a spawned command does: the same status and `awsx:` line as with --server,
// which always spawns. Static keys and --backend none: no cache, no keychain.
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AWSX_BIN, runAwsx, runDetached } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";

let home: TempHome;
let dir: string;

beforeAll(() => {
  home = makeHome({
    credentials:
      "[foo]\naws_access_key_id = AKIAFAKEEXECVE000001\n" +
      "aws_secret_access_key = fakeExecveTestSecret00000000000000000001\n",
  });
  dir = mkdtempSync(path.join(os.tmpdir(), "awsx-execve-"));
});
afterAll(() => {
  home?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const exec = (command: string[], server = false, env = home.env()) =>
  runAwsx(
    ["exec", ...(server ? ["--server"] : []), "--backend", "none", "foo", "--", ...command],
    env,
  );

// A copy of /usr/bin/true changed by `edit`, executable.
function elf(name: string, edit: (b: Buffer) => void): string {
  const file = path.join(dir, name);
  copyFileSync("/usr/bin/true", file);
  const b = readFileSync(file);
  edit(b);
  writeFileSync(file, b);
  chmodSync(file, 0o755);
  return file;
}

function script(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  return file;
}

describe("the command replaces awsx", () => {
  // The installed awsx starts Node with --disable-sigusr1 (bin/awsx.js's #! line), which keeps
  // SIGUSR1 blocked; `node bin/awsx.js` does not. A blocked or ignored signal would stay so in
  // the command; a spawned one starts with none of either (libuv resets them). cat reports its
  // own (a shell would not do: dash clears its signal mask when it starts).
  test.each([[[]], [["--disable-sigusr1"]]])(
    "node %j: same pid, argv[0] as typed, no signal blocked or ignored, `yes | head` quiet",
    async (nodeFlags) => {
      const awsx = (command: string[]) =>
        runDetached(
          process.execPath,
          [...nodeFlags, AWSX_BIN, "exec", "--backend", "none", "foo", "--", ...command],
          home.env(),
        );
      const [status, yes] = await Promise.all([
        awsx(["cat", "/proc/self/status", "/proc/self/cmdline"]),
        awsx(["sh", "-c", "yes | head -n 1"]),
      ]);
      for (const r of [status, yes])
        expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({
          code: 0,
          signal: null,
          stderr: "",
        });
      // runDetached's child is awsx itself: so the command's parent is this jest worker.
      const field = (name: string) =>
        new RegExp(`^${name}:\\s*(\\S+)`, "m").exec(status.stdout)?.[1];
      expect({ PPid: field("PPid"), SigBlk: field("SigBlk"), SigIgn: field("SigIgn") }).toEqual({
        PPid: String(process.pid),
        SigBlk: "0000000000000000",
        SigIgn: "0000000000000000",
      });
      expect(status.stdout).toMatch(/\ncat\0\/proc\/self\/status\0\/proc\/self\/cmdline\0$/);
      expect(yes.stdout).toBe("y\n");
    },
  );

  test("--server spawns: the command's parent is awsx", async () => {
    const r = await exec(["sh", "-c", 'echo "$PPID"'], true);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout.trim()).not.toBe(String(process.pid));
  });
});

describe("files execve would fail on take the spawn path (no SIGABRT)", () => {
  const cases: Array<[string, () => string[]]> = [
    ["an ELF binary whose interpreter is missing", () => [elf("no-interp", missingInterpreter)]],
    ["an ELF binary for another machine", () => [elf("other-arch", otherMachine)]],
    ["a #! script whose interpreter is missing", () => [script("bad-bang", "#!/nonexistent/sh\n")]],
    ["a #! script with a relative interpreter", () => [script("rel-bang", "#!sh\nexit 3\n")]],
    ["a #! script with CRLF line ends", () => [script("crlf", "#!/bin/sh\r\nexit 4\r\n")]],
    ["an ELF object file, not an executable", () => [elf("object", (b) => b.writeUInt16LE(1, 16))]],
    ["a script without #! (execvp runs it with /bin/sh)", () => [script("no-bang", "exit 5\n")]],
    ["a file that is not executable", () => [script("not-x", "#!/bin/sh\n")].map(noExec)],
    ["a folder", () => [dir]],
    ["a name not on PATH", () => ["awsx-execve-no-such-command"]],
    ["a name on an empty PATH", () => ["true"]],
  ];
  test.concurrent.each(cases)("%s: as when spawned", async (what, argv) => {
    const command = argv();
    const env = what.includes("empty PATH") ? home.env({ PATH: "" }) : home.env();
    const [direct, spawned] = await Promise.all([
      exec(command, false, env),
      exec(command, true, env),
    ]);
    expect(direct.signal).toBeNull();
    expect(direct.code).not.toBe(134);
    expect({ code: direct.code, stderr: direct.stderr }).toEqual({
      code: spawned.code,
      stderr: spawned.stderr,
    });
  });
});

function noExec(file: string): string {
  chmodSync(file, 0o644);
  return file;
}

// The dynamic loader's name inside the ELF file, one character changed.
function missingInterpreter(b: Buffer): void {
  const text = b.toString("latin1");
  const m = /\/lib[^\0]*\/ld-[^\0]*\.so\.\d/.exec(text);
  if (!m) throw new Error("no dynamic loader named in /usr/bin/true");
  b.write("9", m.index + m[0].length - 1, "latin1");
}

// e_machine: x86-64 (62) and AArch64 (183) swapped.
function otherMachine(b: Buffer): void {
  b.writeUInt16LE(b.readUInt16LE(18) === 62 ? 183 : 62, 18);
}
