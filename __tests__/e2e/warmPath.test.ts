// The warm path as users run it: `awsx exec target -- CMD` served from the keychain (a private
// gnome-keyring, the session seeded once from a fake STS). It becomes CMD through execve with
// nothing of awsx's left behind (the D-Bus connection, non-blocking stdio), it loads none of
// the built-in modules it does not use (scripts/build.mjs LAZY_BUILTINS), and the warm bundle
// stays within the size docs/performance.md states.
import {
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AWSX_BIN, runAwsx, runDetached } from "../helpers/awsx.js";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { startPrivateKeyring, type PrivateKeyring } from "../helpers/keyring.js";
import { needs } from "../helpers/requirements.js";
import { agentSetting } from "../../src/cli/agentProtocol.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ROLE = "arn:aws:iam::123456789012:role/warm-path-role";
// Built-in modules a warm exec has no use for (node:net stays: the D-Bus probe connects).
const NOT_ON_WARM_PATH = [
  "crypto",
  "fs/promises",
  "child_process",
  "dgram",
  "timers/promises",
  "http",
  "https",
  "http2",
  "tls",
  "zlib",
  "readline",
  "worker_threads",
  "dns",
];

test("dist/awsx.cjs is within the size docs/performance.md states", () => {
  const doc = readFileSync(path.join(ROOT, "docs", "performance.md"), "utf8");
  const m = /`dist\/awsx\.cjs` ≤ \*\*([\d,]+) bytes\*\*/.exec(doc);
  if (!m) throw new Error("docs/performance.md states no size for dist/awsx.cjs");
  const budget = Number(m[1]!.replace(/,/g, ""));
  expect(statSync(path.join(ROOT, "dist", "awsx.cjs")).size).toBeLessThanOrEqual(budget);
});

const describeKeyring = await needs("dbus-daemon", "gnome-keyring-daemon");

// A preload for `node --require` in DIR: SETUP (JavaScript) runs before awsx; at awsx's execve,
// or at its exit, how it ended and the value of the expression VALUE are written down, for
// result() to read back.
function reportingPreload(dir: string, name: string, setup: string, value: string) {
  const preload = path.join(dir, `${name}.cjs`);
  const out = path.join(dir, `${name}.json`);
  writeFileSync(
    preload,
    `const fs = require("node:fs");
${setup}
const dump = (how) => fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify({ how, value: ` +
      `${value} }));
const execve = process.execve;
if (execve) process.execve = (...a) => (dump("execve"), execve(...a));
process.on("exit", () => dump("exit"));\n`,
  );
  const result = () => JSON.parse(readFileSync(out, "utf8")) as { how: string; value: unknown };
  return { preload, result };
}

// The agent's client (dist/agent-client.cjs) is not even loaded when AWSX_AGENT is off as
// agentSetting reads it (bin/awsx.js's agentOff mirrors it), and is loaded otherwise.
test("the agent's client is loaded exactly when agentSetting does not say off", async () => {
  const home = makeHome({
    config: "[profile foo]\nregion = us-east-1\n",
    credentials:
      "[foo]\naws_access_key_id = AKIAFAKEWARMPATH0002\n" +
      "aws_secret_access_key = fakeWarmPathSecret0000000000000000000002\n",
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), "awsx-client-"));
  try {
    const { preload, result } = reportingPreload(
      dir,
      "opened",
      `const opened = [];
const open = fs.openSync;
fs.openSync = (...a) => (opened.push(String(a[0])), open(...a));`,
      "opened",
    );
    const cases: Array<Record<string, string>> = [];
    for (const agent of [undefined, "", "0", "1", "false", "TRUE", "False", "yes"])
      for (const ci of [undefined, "", "1", "true", "0", "TRUE"]) {
        const c: Record<string, string> = {};
        if (agent !== undefined) c.AWSX_AGENT = agent;
        if (ci !== undefined) c.CI = ci;
        cases.push(c);
      }
    // No agent is started: its folder is there but not private (0755), so a client that is
    // loaded uses no agent and starts none, and the direct path answers.
    const cache = path.join(dir, "c");
    mkdirSync(path.join(cache, "agent"), { recursive: true, mode: 0o700 });
    chmodSync(path.join(cache, "agent"), 0o755);
    // home.env sets AWSX_AGENT=0 and may pass CI on: each case sets or removes both.
    const { AWSX_AGENT: _a, CI: _c, ...base } = home.env({ AWSX_CACHE_DIR: cache });
    const args = ["--require", preload, AWSX_BIN, "exec", "--backend", "none", "foo", "--", "true"];
    const seen = [];
    for (const c of cases) {
      const r = await runDetached(process.execPath, args, { ...base, ...c });
      const opened = result().value as string[];
      seen.push({ ...c, code: r.code, loaded: opened.some((f) => f.endsWith("agent-client.cjs")) });
    }
    // An AWSX_AGENT awsx does not know is a usage error (64), said by the direct path.
    const expected = cases.map((c) => ({
      ...c,
      code: agentSetting(c) === undefined ? 64 : 0,
      loaded: agentSetting(c) !== false,
    }));
    expect(seen).toEqual(expected);
    expect(expected.filter((e) => e.loaded).length).toBeGreaterThan(5);
    expect(expected.filter((e) => !e.loaded).length).toBeGreaterThan(5);
  } finally {
    home.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

describeKeyring("a warm exec from the keychain", () => {
  let keyring: PrivateKeyring;
  let sts: FakeSts;
  let home: TempHome;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    keyring = await startPrivateKeyring();
    sts = await startFakeSts();
    home = makeHome({
      config:
        `[profile target]\nrole_arn = ${ROLE}\nsource_profile = src\nregion = us-east-1\n` +
        `endpoint_url = ${sts.url}\n`,
      credentials:
        "[src]\naws_access_key_id = AKIAFAKEWARMPATH0001\n" +
        "aws_secret_access_key = fakeWarmPathSecret0000000000000000000001\n",
    });
    dir = mkdtempSync(path.join(os.tmpdir(), "awsx-warm-"));
    env = home.env({
      DBUS_SESSION_BUS_ADDRESS: keyring.address,
      AWSX_BACKEND: "keychain",
      AWSX_CACHE_DIR: path.join(home.dir, "awsx-cache"),
    });
    const seed = await runAwsx(["exec", "target", "--", "true"], env);
    expect({ code: seed.code, stderr: seed.stderr }).toEqual({ code: 0, stderr: "" });
    expect(sts.count("AssumeRole")).toBe(1);
  }, 60_000);
  afterAll(async () => {
    await sts?.close();
    await keyring?.stop();
    home?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // The D-Bus probe's socket, once destroyed, makes Node create process.stderr, which sets
  // a pipe O_NONBLOCK; awsx sets it back before execve, as spawn does in the child.
  test(
    "becomes the command: its parent is awsx's, stdout/stderr blocking, " + "no fd left open",
    async () => {
      // Its parent's pid, its stdout's and stderr's flags (octal), then each other open fd and
      // what it is, without the pipe's or socket's number.
      const report = [
        "sh",
        "-c",
        'echo "$PPID"; for fd in 1 2; do grep ^flags /proc/$$/fdinfo/$fd; done; ' +
          'for f in /proc/$$/fd/*; do [ "${f##*/}" -gt 2 ] && echo "${f##*/} $(readlink ' +
          '"$f")"; done; ' +
          "exit 0",
      ];
      const [r, bare] = await Promise.all([
        runAwsx(["exec", "target", "--", ...report], env),
        runDetached(report[0]!, report.slice(1), env),
      ]);
      expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({
        code: 0,
        signal: null,
        stderr: "",
      });
      const [parent, out, err, ...fds] = r.stdout.trim().split("\n");
      expect(parent).toBe(String(process.pid));
      for (const flags of [out, err]) {
        expect(Number.parseInt(flags!.split(/\s+/)[1]!, 8) & constants.O_NONBLOCK).toBe(0);
      }
      // The same fds as sh started without awsx (its own, and what jest's process passes on):
      // not awsx's D-Bus connection, log file or compile cache.
      const kinds = (lines: string[]) => lines.map((l) => l.replace(/[:/][^ ]*$/, ""));
      expect(kinds(fds)).toEqual(kinds(bare.stdout.trim().split("\n").slice(3)));
      expect(sts.count("AssumeRole")).toBe(1);
    },
  );

  test("loads none of the built-in modules it has no use for", async () => {
    const { preload, result } = reportingPreload(dir, "loaded", "", "process.moduleLoadList");
    const r = await runDetached(
      process.execPath,
      ["--require", preload, AWSX_BIN, "exec", "target", "--", "true"],
      env,
    );
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    const { how, value } = result();
    const list = value as string[];
    expect(how).toBe("execve");
    const loaded = NOT_ON_WARM_PATH.filter((m) => list.includes(`NativeModule ${m}`));
    expect(loaded).toEqual([]);
    expect(sts.count("AssumeRole")).toBe(1);
  });

  // V8 builds ICU character sets for a regexp's Unicode property classes (\p{...}) the first
  // time it runs, on every run: the warm path has no text to sanitize (its debug lines are not
  // built unless shown or logged), so it runs none. The preload sees every regexp run through
  // RegExp.prototype.exec, which replace, test and match call once it is replaced.
  test("runs no regexp with a Unicode property class", async () => {
    const { preload, result } = reportingPreload(
      dir,
      "regexps",
      `const seen = new Set();
const exec = RegExp.prototype.exec;
RegExp.prototype.exec = function (s) {
  const src = this.source;
  if (src.includes("\\\\p{") || src.includes("\\\\P{")) seen.add(src);
  return exec.call(this, s);
};`,
      "[...seen]",
    );
    const run = (runEnv: Record<string, string>) =>
      runDetached(
        process.execPath,
        ["--require", preload, AWSX_BIN, "exec", "target", "--", "true"],
        runEnv,
      );
    // Without npm test's AWSX_LOG_FILE (the leak scan's), which every line is written to.
    const { AWSX_LOG_FILE: _, ...unlogged } = env;
    const r = await run(unlogged);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(result()).toEqual({ how: "execve", value: [] });
    // The preload does see one: with --debug the lines are shown, through visible().
    const debug = await run({ ...env, AWSX_DEBUG: "1" });
    expect(debug.code).toBe(0);
    expect((result().value as string[]).length).toBeGreaterThan(0);
    expect(sts.count("AssumeRole")).toBe(1);
  });
});
