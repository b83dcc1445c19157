// Keychain faults through the BUILT CLI: @napi-rs/keyring missing or not loading, no D-Bus session,
// a D-Bus address that leads nowhere, a locked keyring, an entry deleted underneath, a corrupt
// entry. The command either still works (falls back to the file store or to no cache, or refreshes)
// or fails with one clear `awsx:` line (74), quickly; never a hang, never a stack trace.
//
// The keyring cases run their own dbus-daemon + gnome-keyring-daemon with a throwaway
// keyring in a temp folder (like __tests__/integration/keychain.test.ts): locking the
// keyring of `npm test`'s session would break the keychain tests running beside this file.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import {
  AWSX_BIN,
  copyAwsx,
  expectOneError,
  runAwsx,
  type AwsxRun as Run,
} from "../helpers/awsx.js";
import { makeHome, writePrintCreds, type TempHome } from "../helpers/home.js";
import {
  keyringOn,
  lockDefaultCollection,
  startPrivateKeyring,
  type PrivateKeyring,
} from "../helpers/keyring.js";
import { needs } from "../helpers/requirements.js";
import { joinRegExp } from "../helpers/regex.js";

const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/kc-fault-role`;
const SERVICE = "awsx"; // src/platform/keychain.ts KEYCHAIN_SERVICE
const PASS = "keychain-faults passphrase (test only)";
// src/cache/select.ts gives every keychain call 5 s; a run may make a few of them. A hang
// guard, not a speed bound: a keychain call without awsx's timeout would wait for ever (and
// be killed at the run's 30 s), so any bound short of that tells the two apart.
const KEYCHAIN_BOUND_MS = 28_000;
const NOWHERE_BUS = "unix:path=/nonexistent/awsx-test-bus";
// A Secret Service that does not answer: the library's D-Bus reply timeout (2 s) or awsx's own.
const NO_ANSWER = (what: string) =>
  new RegExp(
    `keychain ${what} failed: (the keychain did not answer within 5000 ms|.*Did not ` +
      `receive a reply)`,
    "m",
  );

const awsx = (args: string[], env: Record<string, string>, bin = AWSX_BIN) =>
  runAwsx(args, env, 30_000, bin);

// ---- the cases ------------------------------------------------------------------------

let sts: FakeSts;
let home: TempHome;
let printCreds: string;
let cacheDir: string;

beforeAll(async () => {
  sts = await startFakeSts();
  home = makeHome({
    config:
      `[profile target]\nrole_arn = ${ROLE}\nsource_profile = src\nregion = us-east-1\n` +
      `endpoint_url = ${sts.url}\n`,
    credentials:
      "[src]\naws_access_key_id = AKIAFAKEKCFAULTS0001\n" +
      "aws_secret_access_key = fakeKeychainFaultsSecret000000000000001\n",
  });
  printCreds = writePrintCreds(home.dir);
  cacheDir = path.join(home.dir, "awsx-cache");
});
afterAll(async () => {
  await sts?.close();
  home?.cleanup();
});
beforeEach(() => {
  sts.reset();
  rmSync(cacheDir, { recursive: true, force: true });
});

const sessionFiles = () =>
  existsSync(path.join(cacheDir, "sessions"))
    ? readdirSync(path.join(cacheDir, "sessions")).filter((n) => n.endsWith(".enc"))
    : [];

// `awsx exec [flags] target -- print-creds`: exit 0 and the role's credentials in the child.
async function execWorks(
  env: Record<string, string>,
  flags: string[] = [],
  bin = AWSX_BIN,
): Promise<Run> {
  const r = await awsx(["exec", ...flags, "target", "--", process.execPath, printCreds], env, bin);
  expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
  const child = JSON.parse(r.stdout) as { id: string; profile: string };
  expect(child.profile).toBe("target");
  expect(sts.identityOf(child.id)?.arn).toMatch(/assumed-role\/kc-fault-role\//);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return r;
}

describe("no usable Secret Service (no keyring needed)", () => {
  test(
    "--backend keychain without DBUS_SESSION_BUS_ADDRESS: 74 at once, " + "saying D-Bus is missing",
    async () => {
      const r = await awsx(
        ["exec", "--backend", "keychain", "target", "--", "true"],
        home.env({ DBUS_SESSION_BUS_ADDRESS: undefined }),
      );
      expectOneError(r, 74, /D-Bus/, "DBUS_SESSION_BUS_ADDRESS");
      expect(sts.count()).toBe(0);
    },
  );

  test(
    "--backend keychain with a D-Bus address that leads nowhere: 74 with the reason, " +
      "no STS call, within the keychain bound",
    async () => {
      const r = await awsx(
        ["exec", "--backend", "keychain", "target", "--", "true"],
        home.env({ DBUS_SESSION_BUS_ADDRESS: NOWHERE_BUS }),
      );
      expectOneError(r, 74, /keychain/);
      expect(r.ms).toBeLessThan(KEYCHAIN_BOUND_MS);
    },
  );

  test(
    "--no-cache, default backend, D-Bus gone, AWSX_FILE_PASSPHRASE set: runs, " +
      "makes no file store",
    async () => {
      const fresh = path.join(home.dir, "no-cache-dir");
      const env = home.env({
        DBUS_SESSION_BUS_ADDRESS: NOWHERE_BUS,
        AWSX_FILE_PASSPHRASE: PASS,
        AWSX_CACHE_DIR: fresh,
      });
      const r = await execWorks(env, ["--no-cache"]);
      expect(r.stderr).toBe("");
      expect(existsSync(path.join(fresh, "sessions", "store.json"))).toBe(false);
      expect(r.ms).toBeLessThan(KEYCHAIN_BOUND_MS);
    },
  );

  test(
    "default backend, D-Bus gone, AWSX_FILE_PASSPHRASE set: " +
      "falls back to the file store (second run served from it)",
    async () => {
      const env = home.env({
        DBUS_SESSION_BUS_ADDRESS: NOWHERE_BUS,
        AWSX_FILE_PASSPHRASE: PASS,
        AWSX_CACHE_DIR: cacheDir,
      });
      const first = await execWorks(env, ["--debug"]);
      expect(first.stderr).toMatch(/keychain unavailable/);
      expect(first.stderr).toMatch(/encrypted file store/);
      expect(first.stderr.split("\n").filter((l) => l.startsWith("awsx: "))).toEqual([]);
      expect(sts.count("AssumeRole")).toBe(1);
      expect(sessionFiles()).toHaveLength(1);
      const second = await execWorks(env);
      expect(second.stderr).toBe("");
      expect(sts.count("AssumeRole")).toBe(1);
      expect(first.ms).toBeLessThan(KEYCHAIN_BOUND_MS);
    },
  );

  test(
    "default backend, D-Bus gone, no passphrase: no cache, " +
      "the command works and every run calls STS",
    async () => {
      const env = home.env({ DBUS_SESSION_BUS_ADDRESS: NOWHERE_BUS, AWSX_CACHE_DIR: cacheDir });
      const first = await execWorks(env, ["--debug"]);
      expect(first.stderr).toMatch(/keychain unavailable/);
      expect(first.stderr).toMatch(/cache: none/);
      await execWorks(env);
      expect(sts.count("AssumeRole")).toBe(2);
      expect(sessionFiles()).toHaveLength(0);
    },
  );

  describe("@napi-rs/keyring missing (the built CLI without its node_modules)", () => {
    let bare: string;
    let bareBin: string;
    beforeAll(() => {
      // The built CLI alone, with no node_modules anywhere above it: the require fails.
      bare = mkdtempSync(path.join(os.tmpdir(), "awsx-no-keyring-"));
      bareBin = copyAwsx(bare);
    });
    afterAll(() => rmSync(bare, { recursive: true, force: true }));

    test(
      "--backend keychain: 74, saying @napi-rs/keyring did not load " + "and what to do",
      async () => {
        const r = await awsx(
          ["exec", "--backend", "keychain", "target", "--", "true"],
          home.env({ DBUS_SESSION_BUS_ADDRESS: NOWHERE_BUS }),
          bareBin,
        );
        expectOneError(r, 74, /@napi-rs\/keyring did not load/, /--backend file/);
        expect(sts.count()).toBe(0);
      },
    );

    test("default backend: falls back to the file store and works", async () => {
      const env = home.env({
        DBUS_SESSION_BUS_ADDRESS: NOWHERE_BUS,
        AWSX_FILE_PASSPHRASE: PASS,
        AWSX_CACHE_DIR: cacheDir,
      });
      const r = await execWorks(env, ["--debug"], bareBin);
      expect(r.stderr).toMatch(/keychain unavailable \(@napi-rs\/keyring did not load/);
      expect(sessionFiles()).toHaveLength(1);
    });

    // Issue 26: "nothing cached" is never all a user sees when the keychain was not read.
    test(
      "list: the fallback's entries, exit 0, " + "and a warning that the keychain was not read",
      async () => {
        const env = home.env({
          DBUS_SESSION_BUS_ADDRESS: NOWHERE_BUS,
          AWSX_FILE_PASSPHRASE: PASS,
          AWSX_CACHE_DIR: cacheDir,
        });
        const r = await awsx(["list"], env, bareBin);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/Cached sessions \(file\):/);
        expect(r.stderr).toMatch(
          joinRegExp(
            /^awsx: warning: the keychain was not read, so .*: the keychain library /,
            /did not load .*; reinstall awsx\n$/,
          ),
        );
      },
    );
  });
});

let keyring: PrivateKeyring | undefined;
let keyringError = "";
const describeKeyring = await needs("dbus-daemon", "dbus-send", "gnome-keyring-daemon", {
  name:
    "a private Secret Service (dbus-daemon + gnome-keyring-daemon + " +
    "@napi-rs/keyring round trip)",
  probe: async () => {
    let k: PrivateKeyring | undefined;
    try {
      k = await startPrivateKeyring();
      const v = await keyringOn<string>(
        k.address,
        `await k.setPassword("awsx-faults-probe", "a", "round-trip"); ` +
          `const v = await k.getPassword("awsx-faults-probe", "a"); ` +
          `await k.deletePassword("awsx-faults-probe", "a"); return v;`,
      );
      if (v !== "round-trip") throw new Error(`read back ${JSON.stringify(v)}`);
      return true;
    } catch (e) {
      keyringError = (e as Error).message;
      return false;
    } finally {
      await k?.stop();
    }
  },
  hint: "install dbus and gnome-keyring",
});
if (keyringError) process.stderr.write(`keychain probe: ${keyringError}\n`);

describeKeyring("a real keyring misbehaving", () => {
  beforeEach(async () => {
    keyring = await startPrivateKeyring();
  }, 20_000);
  afterEach(async () => {
    await keyring?.stop();
    keyring = undefined;
  }, 20_000);

  const env = (extra: Record<string, string | undefined> = {}) =>
    home.env({ DBUS_SESSION_BUS_ADDRESS: keyring!.address, AWSX_CACHE_DIR: cacheDir, ...extra });
  const entriesInKeyring = () =>
    keyringOn<Array<{ account: string; password: string }>>(
      keyring!.address,
      `return k.findCredentials(${JSON.stringify(SERVICE)});`,
    );

  // @napi-rs/keyring installed, but its native binding does not load (a platform without a
  // prebuilt binary, or an install that skipped optional dependencies). awsx loads it when
  // it opens the keychain, so the default backend falls back for reads and writes alike.
  describe("@napi-rs/keyring present but not loading", () => {
    let broken: string;
    let brokenBin: string;
    beforeAll(() => {
      broken = mkdtempSync(path.join(os.tmpdir(), "awsx-broken-keyring-"));
      brokenBin = copyAwsx(broken);
      const k = path.join(broken, "node_modules", "@napi-rs", "keyring");
      mkdirSync(k, { recursive: true });
      writeFileSync(
        path.join(k, "package.json"),
        JSON.stringify({ name: "@napi-rs/keyring", main: "index.js" }),
      );
      writeFileSync(
        path.join(k, "index.js"),
        'throw new Error("Cannot find native binding. npm has a bug related to optional ' +
          'dependencies");\n',
      );
    });
    afterAll(() => rmSync(broken, { recursive: true, force: true }));

    test(
      "default backend with AWSX_FILE_PASSPHRASE: " + "the file store serves the second run",
      async () => {
        const first = await execWorks(env({ AWSX_FILE_PASSPHRASE: PASS }), ["--debug"], brokenBin);
        expect(first.stderr).toMatch(
          /keychain unavailable \(@napi-rs\/keyring did not load \(Cannot find native binding/,
        );
        const second = await execWorks(env({ AWSX_FILE_PASSPHRASE: PASS }), [], brokenBin);
        expect(second.stderr).toBe("");
        expect(sts.count("AssumeRole")).toBe(1);
        expect(sessionFiles()).toHaveLength(1);
      },
    );

    test(
      "--backend keychain: 74, one line naming @napi-rs/keyring, " + "before any STS call",
      async () => {
        const r = await awsx(
          ["exec", "--backend", "keychain", "target", "--", "true"],
          env(),
          brokenBin,
        );
        expectOneError(r, 74, /@napi-rs\/keyring did not load/, /--backend file/);
        expect(sts.count()).toBe(0);
      },
    );
  });

  test(
    "an entry deleted underneath between two runs: the next run calls STS again, works, " +
      "and stores a new one",
    async () => {
      await execWorks(env(), ["--backend", "keychain"]);
      await execWorks(env(), ["--backend", "keychain"]);
      expect(sts.count("AssumeRole")).toBe(1);
      const [entry] = await entriesInKeyring();
      expect(entry).toBeDefined();
      expect(
        await keyringOn<boolean>(
          keyring!.address,
          `return k.deletePassword(${JSON.stringify(SERVICE)}, ${JSON.stringify(entry!.account)});`,
        ),
      ).toBe(true);
      expect(await entriesInKeyring()).toEqual([]);
      const r = await execWorks(env(), ["--backend", "keychain"]);
      expect(r.stderr).toBe("");
      expect(sts.count("AssumeRole")).toBe(2);
      const now = await entriesInKeyring();
      expect(now.map((e) => e.account)).toEqual([entry!.account]);
      expect(now[0]!.password).not.toBe(entry!.password);
    },
  );

  test.each([
    ["200 kB of text (over the decoder's limit)", "x".repeat(200_000)],
    ["control characters and invalid JSON", '\u0001\u0002\u00ff{"v":1,\u007f'],
    [
      "a well-formed entry for another key",
      JSON.stringify({
        v: 1,
        key: "0".repeat(64),
        profile: "target",
        kind: "assumeRole",
        label: ROLE,
        profiles: ["target"],
        createdAt: "2030-01-01T00:00:00Z",
        expiration: "2030-01-01T01:00:00Z",
        credentials: { accessKeyId: "ASIAFAKEFOREIGN00001", secretAccessKey: "x" },
      }),
    ],
  ])(
    "a corrupt entry (%s): a miss, the command works, and the entry is replaced",
    async (_label, bad) => {
      await execWorks(env(), ["--backend", "keychain"]);
      const [entry] = await entriesInKeyring();
      await keyringOn(
        keyring!.address,
        `await k.setPassword(${JSON.stringify(SERVICE)}, ` +
          `${JSON.stringify(entry!.account)}, input);`,
        bad,
      );
      expect((await entriesInKeyring())[0]!.password).toBe(bad);
      const r = await execWorks(env(), ["--backend", "keychain", "--debug"]);
      expect(r.stderr).toMatch(/is corrupt or foreign: a miss, it will be replaced/);
      expect(sts.count("AssumeRole")).toBe(2);
      const now = await entriesInKeyring();
      expect(now).toHaveLength(1);
      expect(JSON.parse(now[0]!.password)).toMatchObject({
        v: 1,
        key: entry!.account,
        profile: "target",
      });
    },
  );

  describe("a locked keyring", () => {
    // One entry exists before the lock: a locked collection still lists it, without its secret.
    beforeEach(async () => {
      await execWorks(env(), ["--backend", "keychain"]);
      expect(await entriesInKeyring()).toHaveLength(1);
      sts.reset();
      await lockDefaultCollection(keyring!.address);
    }, 30_000);

    test(
      "default backend with AWSX_FILE_PASSPHRASE: does not hang, " +
        "the command works (keychain miss, file store or STS)",
      async () => {
        const r = await execWorks(env({ AWSX_FILE_PASSPHRASE: PASS }));
        expect(r.ms).toBeLessThan(KEYCHAIN_BOUND_MS);
        expect(sts.count("AssumeRole")).toBe(1);
        expect(
          r.stderr
            .split("\n")
            .filter((l) => l.startsWith("awsx: ") && !l.startsWith("awsx: warning: ")),
        ).toEqual([]);
        // The next run is not worse off: it works again, within the bound.
        const again = await execWorks(env({ AWSX_FILE_PASSPHRASE: PASS }));
        expect(again.ms).toBeLessThan(KEYCHAIN_BOUND_MS);
      },
    );

    test("default backend without a passphrase: does not hang, the command works", async () => {
      const r = await execWorks(env());
      expect(r.ms).toBeLessThan(KEYCHAIN_BOUND_MS);
      expect(sts.count("AssumeRole")).toBe(1);
    });

    test(
      "--backend keychain: works (every run a miss, with at most a warning) " +
        "or fails with one clear line, within the bound",
      async () => {
        const r = await awsx(
          ["exec", "--backend", "keychain", "target", "--", process.execPath, printCreds],
          env(),
        );
        expect(r.ms).toBeLessThan(KEYCHAIN_BOUND_MS);
        expect(r.signal).toBeNull();
        expect(r.stderr).not.toMatch(/^\s+at /m);
        if (r.code === 0) {
          expect(JSON.parse(r.stdout)).toMatchObject({ profile: "target" });
          expect(
            r.stderr
              .split("\n")
              .filter((l) => l.startsWith("awsx: ") && !/^awsx: warning: .*keychain/.test(l)),
          ).toEqual([]);
        } else expectOneError(r, 74, /keychain/);
      },
    );

    // The listing reads every secret, and a locked item's cannot be read: the library says so.
    test(
      "awsx list --backend keychain: one `awsx:` line saying the keyring is " +
        "locked, not a crash",
      async () => {
        const r = await awsx(["list", "--json", "--backend", "keychain"], env());
        process.stderr.write(
          `faults/keychain: awsx list on a locked ` +
            `keyring: ` +
            `code ${r.code} signal ${r.signal} stderr ${JSON.stringify(r.stderr.slice(0, 300))}\n`,
        );
        expectOneError(r, 74, /^awsx: keychain list failed: .*locked/);
        expect(r.ms).toBeLessThan(KEYCHAIN_BOUND_MS);
      },
    );

    test(
      "awsx clear --backend keychain: a clear answer or one `awsx:` " + "line, not a crash",
      async () => {
        const r = await awsx(["clear", "--backend", "keychain"], env());
        process.stderr.write(
          `faults/keychain: awsx clear on a locked ` +
            `keyring: ` +
            `code ${r.code} signal ${r.signal} stderr ${JSON.stringify(r.stderr.slice(0, 300))}\n`,
        );
        expect(r.signal).toBeNull();
        expect([0, 74]).toContain(r.code);
      },
    );
  });
});

// A stopped Secret Service: the library's D-Bus calls for an entry give up after 2 s (its
// own reply timeout); the listing has none, so awsx's timeout (5 s per call,
// src/cache/select.ts) ends it. The three runs go side by side in beforeAll, watched for
// KEYCHAIN_BOUND_MS, so the file waits once.
describeKeyring(
  "a Secret Service that does not answer (gnome-keyring-daemon stopped with SIGSTOP)",
  () => {
    interface Watched {
      out: string;
      // When `seen` first matched what awsx printed (undefined: never).
      seenMs?: number;
      exited: boolean;
      ms: number;
    }
    let kr: PrivateKeyring | undefined;
    let keychainRun: Watched;
    let defaultRun: Watched;
    let listRun: Watched;
    let assumeRoles = 0;

    // Runs awsx until it exits or for timeoutMs, then kills its process group.
    async function watch(
      args: string[],
      e: Record<string, string>,
      seen: RegExp,
      timeoutMs: number,
    ): Promise<Watched> {
      const t0 = performance.now();
      const child = spawn(process.execPath, [AWSX_BIN, ...args], {
        env: e,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      const w: Watched = { out: "", exited: false, ms: 0 };
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, timeoutMs);
        const on = (d: Buffer) => {
          w.out += d.toString();
          if (w.seenMs === undefined && seen.test(w.out))
            w.seenMs = Math.round(performance.now() - t0);
        };
        child.stdout.on("data", on);
        child.stderr.on("data", on);
        child.once("exit", () => {
          w.exited = true;
          clearTimeout(t);
          resolve();
        });
      });
      w.ms = Math.round(performance.now() - t0);
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
      return w;
    }

    beforeAll(async () => {
      kr = await startPrivateKeyring();
      const e = (extra: Record<string, string | undefined> = {}) =>
        home.env({ DBUS_SESSION_BUS_ADDRESS: kr!.address, AWSX_CACHE_DIR: cacheDir, ...extra });
      await execWorks(e(), ["--backend", "keychain"]);
      sts.reset();
      process.kill(kr.daemonPid, "SIGSTOP");
      try {
        [keychainRun, defaultRun, listRun] = await Promise.all([
          watch(
            ["exec", "--backend", "keychain", "target", "--", "true"],
            e(),
            /^awsx: .*\n/m,
            KEYCHAIN_BOUND_MS,
          ),
          watch(
            ["exec", "--debug", "target", "--", process.execPath, printCreds],
            e({ AWSX_FILE_PASSPHRASE: PASS }),
            /"profile":"target"/,
            KEYCHAIN_BOUND_MS,
          ),
          watch(["list", "--backend", "keychain"], e(), /^awsx: .*\n/m, KEYCHAIN_BOUND_MS),
        ]);
        assumeRoles = sts.count("AssumeRole");
      } finally {
        process.kill(kr.daemonPid, "SIGCONT");
      }
      process.stderr.write(
        `faults/keychain: keychain not answering: --backend keychain printed its error ` +
          `after ${keychainRun.seenMs} ms, exited after ${keychainRun.ms} ms; ` +
          `default backend ran the command after ${defaultRun.seenMs} ms, ` +
          `exited after ${defaultRun.ms} ms; ` +
          `list printed its error after ${listRun.seenMs} ms, exited after ${listRun.ms} ms ` +
          `(exited: ${keychainRun.exited}/${defaultRun.exited}/${listRun.exited})\n`,
      );
    }, 60_000);
    afterAll(async () => {
      await kr?.stop();
    }, 20_000);

    test("--backend keychain: one `awsx:` line, 74's message, within the keychain bound", () => {
      expect(keychainRun.out).toMatch(/^awsx: keychain read failed: /m);
      expect(keychainRun.out).toMatch(NO_ANSWER("read"));
      expect(keychainRun.out.split("\n").filter((l) => l.startsWith("awsx: "))).toHaveLength(1);
      expect(keychainRun.seenMs).toBeLessThan(KEYCHAIN_BOUND_MS);
    });

    test(
      "default backend: falls back and runs the command within the keychain bound (one " +
        "AssumeRole in all)",
      () => {
        expect(defaultRun.out).toMatch(/keychain unavailable \(keychain read failed: /);
        expect(defaultRun.out).toMatch(NO_ANSWER("read"));
        expect(defaultRun.seenMs).toBeLessThan(KEYCHAIN_BOUND_MS);
        expect(assumeRoles).toBe(1);
      },
    );

    test(
      "awsx list --backend keychain: one `awsx:` line, awsx's own timeout, " +
        "within the keychain bound",
      () => {
        expect(listRun.out).toMatch(
          joinRegExp(
            /^awsx: keychain list failed: the keychain did not answer within 5000 /m,
            /ms; the Secret Service does not answer; restart the Secret Service .*$/m,
          ),
        );
        expect(listRun.out.split("\n").filter((l) => l.startsWith("awsx: "))).toHaveLength(1);
        expect(listRun.seenMs).toBeLessThan(KEYCHAIN_BOUND_MS);
      },
    );

    // Node's exit waits for its worker threads, so a native call still stuck would hold awsx
    // (through keytar: ~50 s). The entry calls give up on their own within 2 s; the listing
    // runs in a child that awsx kills at its timeout. (20 s: a hang guard, far from ~50 s.)
    test("and awsx itself exits promptly after its answer (all three runs)", () => {
      const runs = { keychain: keychainRun, default: defaultRun, list: listRun };
      for (const [name, w] of Object.entries(runs)) {
        expect({ name, exited: w.exited, late: w.ms - (w.seenMs ?? w.ms) < 20_000 }).toEqual({
          name,
          exited: true,
          late: true,
        });
      }
    });
  },
);
