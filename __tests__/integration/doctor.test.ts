// awsx doctor through the built CLI: each check's line, the exit status (0 only when the
// everyday path works), --json, the keychain probe against a private Secret Service, and the
// clock against a loopback server whose Date header we choose.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { nodeCheck } from "../../src/cli/commands/doctor/checks.js";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { type PrivateKeyring, startPrivateKeyring } from "../helpers/keyring.js";
import { needsForTest } from "../helpers/requirements.js";

interface Doctor {
  ok: boolean;
  checks: Array<{ name: string; status: "ok" | "warn" | "fail"; detail: string }>;
}

// A loopback "STS" that answers every request with a Date header offset by `skewMs`.
function dateServer(skewMs: () => number): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((_, res) => {
    res.sendDate = false;
    res.writeHead(200, { Date: new Date(Date.now() + skewMs()).toUTCString() });
    res.end();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
    }),
  );
}

const withKeyring = await needsForTest("dbus-daemon", "gnome-keyring-daemon");

describe("awsx doctor", () => {
  let home: TempHome;
  let cacheDir: string;
  let skew = 0;
  let sts: { url: string; close: () => void };
  beforeAll(async () => {
    sts = await dateServer(() => skew);
    home = makeHome({
      credentials: "[foo]\naws_access_key_id = AKIAFAKESTATIC000001\naws_secret_access_key = x\n",
      config:
        "[profile foo]\nregion = eu-west-1\n\n" +
        "[profile broken]\nrole_arn = arn:aws:iam::111122223333:role/r\nsource_profile = nope\n",
    });
  });
  afterAll(() => {
    home?.cleanup();
    sts?.close();
  });
  beforeEach(() => {
    skew = 0;
    cacheDir = mkdtempSync(path.join(os.tmpdir(), "awsx-doctor-"));
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));
  const env = (extra: Record<string, string> = {}) =>
    home.env({ AWS_ENDPOINT_URL_STS: sts.url, AWSX_CACHE_DIR: cacheDir, ...extra });
  const doctor = async (extra: Record<string, string> = {}, args: string[] = []) => {
    const r = await runAwsx(["doctor", "--json", ...args], env(extra));
    const report = JSON.parse(r.stdout) as Doctor;
    const by = (name: string) => report.checks.find((c) => c.name === name);
    return { r, report, by };
  };

  test("no keychain, no passphrase: the backend check fails with the fix, exit 1", async () => {
    const { r, report, by } = await doctor();
    expect(r.code).toBe(1);
    expect(report.ok).toBe(false);
    expect(by("keychain")).toMatchObject({
      status: "warn",
      detail: expect.stringMatching(/D-Bus/),
    });
    expect(by("backend")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^none \(automatic.*set AWSX_FILE_PASSPHRASE/),
    });
    expect(by("node")?.status).toBe("ok");
    expect(by("clock")).toMatchObject({ status: "ok", detail: expect.stringMatching(/in step/) });
  }, 30_000);

  test("proxy: which proxy and CA bundle STS calls would use; " +
    "an unusable proxy variable fails", async () => {
    const direct = await doctor({ AWSX_FILE_PASSPHRASE: "p" });
    expect(direct.by("proxy")).toEqual({
      name: "proxy",
      status: "ok",
      detail:
        `STS at ${sts.url}: no proxy (no HTTP_PROXY or http_proxy is set); ` +
        "CA bundle not used: plain http",
    });
    const proxied = await doctor(
      {
        AWSX_FILE_PASSPHRASE: "p",
        HTTP_PROXY: "http://me:d0ctor-pass@127.0.0.1:9",
        AWS_CA_BUNDLE: "/nowhere.pem",
      },
      ["--offline"],
    );
    expect(proxied.by("proxy")?.detail).toBe(
      `STS at ${sts.url}: proxy http://127.0.0.1:9 (HTTP_PROXY); CA bundle not used: plain http`,
    );
    expect(proxied.r.stdout + proxied.r.stderr).not.toContain("d0ctor-pass");
    const bad = await doctor({ AWSX_FILE_PASSPHRASE: "p", http_proxy: "http://proxy host:3128" }, [
      "--offline",
    ]);
    expect(bad.r.code).toBe(1);
    expect(bad.by("proxy")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/http_proxy is not an http:\/\/ or https:\/\/ proxy URL/),
    });
  }, 30_000);

  test("with AWSX_FILE_PASSPHRASE: the file store is the backend, exit 0; " +
    "a broken profile is listed with explain's error", async () => {
    const { r, report, by } = await doctor({ AWSX_FILE_PASSPHRASE: "p" });
    expect(r.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(by("backend")).toMatchObject({ status: "ok", detail: expect.stringMatching(/^file/) });
    expect(by("profiles")?.detail).toBe("1 of 2 resolve offline");
    expect(by("profile broken")).toMatchObject({
      status: "warn",
      detail: expect.stringMatching(/nope/),
    });
    const explain = await runAwsx(["explain", "broken"], env());
    expect(explain.stderr).toContain(by("profile broken")!.detail);
    expect(by("config")?.detail).toMatch(/config \(found\).*credentials \(found\): 2 profiles$/);
    expect(by("cache folder")?.detail).toMatch(/\(mode 0700, private\)$/);
  }, 30_000);

  test("the text form: one aligned line per check and a verdict", async () => {
    const r = await runAwsx(["doctor"], env({ AWSX_FILE_PASSPHRASE: "p" }));
    expect(r.code).toBe(0);
    const { report } = await doctor({ AWSX_FILE_PASSPHRASE: "p" });
    const w = Math.max(...report.checks.map((c) => c.name.length));
    expect(r.stdout).toBe(
      `${report.checks
        .map((c) => `${c.status.padEnd(4)}  ${c.name.padEnd(w)}  ${c.detail}\n`)
        .join("")}awsx doctor: the everyday path works\n`,
    );
  }, 30_000);

  test("a clock 10 minutes off fails, 2 minutes warns", async () => {
    skew = -10 * 60_000;
    const far = await doctor({ AWSX_FILE_PASSPHRASE: "p" });
    expect(far.r.code).toBe(1);
    expect(far.by("clock")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(
        /^(599|600|601) s ahead of http:\/\/127.*AWS_ENDPOINT_URL_STS.*NTP/,
      ),
    });
    skew = 2 * 60_000;
    const near = await doctor({ AWSX_FILE_PASSPHRASE: "p" });
    expect(near.r.code).toBe(0);
    expect(near.by("clock")?.status).toBe("warn");
    expect(near.by("clock")?.detail).toMatch(/^1(19|20|21) s behind/);
  }, 30_000);

  test("STS unreachable: the clock is not checked (named cause), --offline skips it", async () => {
    const down = await doctor({
      AWSX_FILE_PASSPHRASE: "p",
      AWS_ENDPOINT_URL_STS: "http://127.0.0.1:1",
    });
    expect(down.r.code).toBe(0);
    expect(down.by("clock")?.detail).toBe(
      "not checked: http://127.0.0.1:1 (from AWS_ENDPOINT_URL_STS): ECONNREFUSED",
    );
    const off = await doctor({ AWSX_FILE_PASSPHRASE: "p" }, ["--offline"]);
    expect(off.by("clock")).toBeUndefined();
  }, 30_000);

  test("a cache folder others can write to fails with the fix", async () => {
    chmodSync(cacheDir, 0o777);
    const { r, by } = await doctor({ AWSX_FILE_PASSPHRASE: "p" });
    expect(r.code).toBe(1);
    expect(by("cache folder")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/writable by other users.*set AWSX_CACHE_DIR/),
    });
  }, 30_000);

  test("a file store whose passphrase is not AWSX_FILE_PASSPHRASE fails the " +
    "backend check", async () => {
    const made = await runAwsx(["list", "--backend", "file"], env({ AWSX_FILE_PASSPHRASE: "a" }));
    expect(made.code).toBe(0);
    const { r, by } = await doctor({ AWSX_FILE_PASSPHRASE: "b" });
    expect(r.code).toBe(1);
    expect(by("backend")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(
        /^file \(automatic.*which does not open: the passphrase .* is wrong/,
      ),
    });
    const right = await doctor({ AWSX_FILE_PASSPHRASE: "a" });
    expect(right.by("backend")?.status).toBe("ok");
  }, 60_000);

  test("AWSX_BACKEND=keychain without a keychain fails", async () => {
    const { r, by } = await doctor({ AWSX_BACKEND: "keychain" });
    expect(r.code).toBe(1);
    expect(by("backend")?.detail).toMatch(/^keychain \(AWSX_BACKEND\), which does not work/);
  }, 30_000);

  test("Node without --disable-sigusr1 (before 22.14, 23.0-23.6) fails", () => {
    expect(nodeCheck("22.13.1").status).toBe("fail");
    expect(nodeCheck("22.14.0").status).toBe("ok");
    expect(nodeCheck("23.6.1").status).toBe("fail");
    expect(nodeCheck("23.7.0").status).toBe("ok");
    expect(nodeCheck("24.0.0").status).toBe("ok");
    expect(nodeCheck("20.19.0").detail).toMatch(/awsx needs Node >= 22\.14 \(not 23\.0-23\.6\)/);
  });

  withKeyring(
    "a working Secret Service: keychain reachable, backend keychain, exit 0",
    async () => {
      let keyring: PrivateKeyring | undefined;
      try {
        keyring = await startPrivateKeyring();
        const { r, by } = await doctor({ DBUS_SESSION_BUS_ADDRESS: keyring.address });
        expect(r.code).toBe(0);
        expect(by("keychain")?.detail).toMatch(
          /^works \(a probe item written, read back and deleted in \d+ ms\)$/,
        );
        expect(by("backend")?.detail).toBe("keychain (automatic: it works)");
      } finally {
        await keyring?.stop();
      }
    },
    60_000,
  );
});

// Doctor plans every profile: planning one walks at most MAX_ROLES + 1 hops, so a config of
// 20,000 profiles chained by source_profile is 20,000 short walks, not 200 million hops. Each
// profile past the bound gets exec's own line; the run ends well within the jest timeout.
describe("awsx doctor on a 20,000-hop source_profile chain", () => {
  const N = 20_000;
  let home: TempHome;
  let cacheDir: string;
  beforeAll(() => {
    const roles = Array.from(
      { length: N },
      (_, i) =>
        `[profile p${i + 1}]\nrole_arn = arn:aws:iam::111122223333:role/r${i + 1}\n` +
        `source_profile = p${i}\n`,
    );
    home = makeHome({
      config:
        "[profile p0]\naws_access_key_id = AKIAFAKESTATIC000001\naws_secret_access_key = x\n" +
        roles.join(""),
    });
    cacheDir = mkdtempSync(path.join(os.tmpdir(), "awsx-doctor-"));
  });
  afterAll(() => {
    home?.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  test("doctor names each profile past the bound with exec's line; exec exits 78", async () => {
    const env = home.env({ AWSX_CACHE_DIR: cacheDir, AWSX_BACKEND: "none" });
    const line =
      `profile "p${N}" chains more than 64 roles through source_profile ` +
      `(role 65 is profile "p${N - 64}"); awsx follows at most 64: shorten the chain`;
    // Killed after 90 s (code null) if it does not finish.
    const r = await runAwsx(["doctor", "--json", "--offline"], env, 90_000);
    expect(r.code).toBe(0); // a profile that does not resolve is a warning (commands/doctor.md)
    const report = JSON.parse(r.stdout) as Doctor;
    const by = (name: string) => report.checks.find((c) => c.name === name);
    expect(by("profiles")?.detail).toBe(`65 of ${N + 1} resolve offline`);
    expect(by(`profile p${N}`)).toEqual({ name: `profile p${N}`, status: "warn", detail: line });
    expect(by("profile p64")).toBeUndefined();
    expect(report.checks.filter((c) => c.name.startsWith("profile ")).length).toBe(N - 64);
    const exec = await runAwsx(["exec", `p${N}`, "--", "true"], env, 90_000);
    expect(exec.code).toBe(78);
    expect(exec.stderr).toBe(`awsx: ${line}\n`);
  }, 200_000);
});
