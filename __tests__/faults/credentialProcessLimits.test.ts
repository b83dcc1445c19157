// credential_process helpers: a grandchild holding the pipes cannot keep awsx past
// AWSX_PROCESS_TIMEOUT (the whole tree is killed), and no helper sees awsx's own secrets.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome } from "../helpers/home.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "awsx-helper-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Running, not a zombie waiting for a reaper (whoever inherits it may reap late).
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
};

test("a grandchild that keeps the pipes open: 79 at the deadline, " +
  "and the grandchild is killed", async () => {
  const pidFile = path.join(dir, "grandchild.pid");
  const helper = `bash -c 'sleep 300 & echo $! > ${pidFile}; wait'`;
  const home = makeHome({ config: `[profile slow]\ncredential_process = ${helper}\n` });
  try {
    const r = await runAwsx(
      ["exec", "slow", "--", "true"],
      home.env({ AWSX_PROCESS_TIMEOUT: "2" }),
      120_000,
    );
    expect(r.code).toBe(79);
    expect(r.stderr).toMatch(/did not finish within 2s \(AWSX_PROCESS_TIMEOUT\)/);
    expect(r.signal).toBeNull();
    expect(r.ms).toBeLessThan(100_000); // it used to wait the grandchild's 300 s
    const pid = Number(readFileSync(pidFile, "utf8"));
    await new Promise((ok) => setTimeout(ok, 200));
    const left = alive(pid);
    if (left) process.kill(pid, "SIGKILL"); // the test stops what a failure left behind
    expect(left).toBe(false);
  } finally {
    home.cleanup();
  }
}, 150_000);

test("a helper's environment has neither AWSX_FILE_PASSPHRASE nor AWSX_MFA_TOKEN", async () => {
  const envFile = path.join(dir, "env");
  const home = makeHome({
    config: `[profile p]\ncredential_process = sh -c 'env > ${envFile}; exit 3'\n`,
  });
  try {
    const r = await runAwsx(
      ["exec", "p", "--", "true"],
      home.env({
        AWSX_FILE_PASSPHRASE: "passphrase-FAKE-0123456789",
        AWSX_MFA_TOKEN: "123456",
        KEEP_ME: "yes",
      }),
    );
    expect(r.code).toBe(79);
    expect(existsSync(envFile)).toBe(true);
    const seen = readFileSync(envFile, "utf8");
    expect(seen).toMatch(/^KEEP_ME=yes$/m);
    expect(seen).not.toMatch(/AWSX_FILE_PASSPHRASE|AWSX_MFA_TOKEN|passphrase-FAKE/);
  } finally {
    home.cleanup();
  }
});
