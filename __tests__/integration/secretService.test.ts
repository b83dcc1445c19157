// awsx's direct Secret Service reader (src/cache/secretService.ts) against a real
// gnome-keyring on a private D-Bus bus, with the entries written by keytar (libsecret),
// as awsx writes them. It must find exactly what keytar's getPassword finds, over both
// transports, and fail cleanly (never hang, never keep the process alive) otherwise.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { DBusUnsupported } from "../../src/cache/dbus.js";
import { keytarAttributes, lookupPassword, type LookupOptions } from "../../src/cache/secretService.js";
import { DH_ALGORITHM } from "../../src/cache/secretTransport.js";
import { runDetached } from "../helpers/awsx.js";
import { busTraffic, keytarOn, lockDefaultCollection, startPrivateKeyring, type PrivateKeyring } from "../helpers/keyring.js";
import { needs } from "../helpers/requirements.js";

const SERVICE = "awsx-reader-test";
const LONG = `{"credentials":{"sessionToken":"${"IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ".repeat(60)}"},"note":"ünïcødé ☃ 😀"}`;

let keyring: PrivateKeyring | undefined;
const describeKeyring = await needs("dbus-daemon", "dbus-send", "dbus-monitor", "gnome-keyring-daemon", {
  name: "a private Secret Service (dbus-daemon + gnome-keyring-daemon + keytar)",
  probe: async () => {
    try {
      keyring = await startPrivateKeyring();
      await keytarOn(keyring.address, `await k.setPassword(${JSON.stringify(SERVICE)}, "probe", "ok");`);
      return true;
    } catch (e) {
      process.stderr.write(`secretService probe: ${(e as Error).message}\n`);
      await keyring?.stop();
      keyring = undefined;
      return false;
    }
  },
  hint: "install dbus and gnome-keyring, and build keytar (libsecret-1-dev)",
});

const set = (account: string, value: string, service = SERVICE) =>
  keytarOn(keyring!.address, `await k.setPassword(${JSON.stringify(service)}, ${JSON.stringify(account)}, input);`, value);
const options = (algorithm: LookupOptions["algorithm"], extra: Partial<LookupOptions> = {}): LookupOptions => ({
  address: keyring!.address,
  uid: process.getuid!(),
  timeoutMs: 5000,
  algorithm,
  ...extra,
});

describeKeyring("the direct Secret Service reader against gnome-keyring", () => {
  afterAll(async () => {
    await keyring?.stop();
  }, 20_000);

  const transports: Array<[string, LookupOptions["algorithm"]]> = [
    ["plain", "plain"],
    ["dh-ietf1024-sha256-aes128-cbc-pkcs7", DH_ALGORITHM],
  ];
  describe.each(transports)("over the %s transport", (_name, algorithm) => {
    test("reads what keytar wrote, byte for byte (long, non-ASCII)", async () => {
      await set("long", LONG);
      expect(await lookupPassword(keytarAttributes(SERVICE, "long"), options(algorithm))).toEqual({ state: "found", password: LONG });
    });

    test("agrees with keytar's getPassword on what exists and what does not", async () => {
      await set("a", "value-a");
      await set("a", "value-a2"); // keytar replaces
      await set("a", "other-service", `${SERVICE}-other`);
      const theirs = await keytarOn<Record<string, string | null>>(
        keyring!.address,
        `return { a: await k.getPassword(${JSON.stringify(SERVICE)}, "a"), b: await k.getPassword(${JSON.stringify(SERVICE)}, "b") };`,
      );
      expect(theirs).toEqual({ a: "value-a2", b: null });
      expect(await lookupPassword(keytarAttributes(SERVICE, "a"), options(algorithm))).toEqual({ state: "found", password: "value-a2" });
      expect(await lookupPassword(keytarAttributes(SERVICE, "b"), options(algorithm))).toEqual({ state: "missing" });
      expect(await lookupPassword(keytarAttributes(`${SERVICE}-none`, "a"), options(algorithm))).toEqual({ state: "missing" });
    });
  });

  test("what crosses the bus: the plain transport shows the secret to dbus-monitor, dh does not", async () => {
    const marker = `marker-${process.pid}-${Date.now()}`;
    await set("watched", marker);
    const seen = async (algorithm: LookupOptions["algorithm"]) => {
      const { result: r, traffic: out } = await busTraffic(keyring!.address, () => lookupPassword(keytarAttributes(SERVICE, "watched"), options(algorithm)));
      expect(r).toEqual({ state: "found", password: marker });
      expect(out).toMatch(/GetSecret/);
      // dbus-monitor prints byte arrays as hex; look for the marker both ways.
      return out.includes(marker) || out.replace(/\s+/g, "").includes(Buffer.from(marker).toString("hex"));
    };
    expect(await seen(DH_ALGORITHM)).toBe(false);
    expect(await seen("plain")).toBe(true);
  });

  test("an address this client cannot use is DBusUnsupported (the store then asks keytar)", async () => {
    await expect(lookupPassword(keytarAttributes(SERVICE, "a"), options("plain", { address: "tcp:host=127.0.0.1,port=1" }))).rejects.toBeInstanceOf(DBusUnsupported);
  });

  test("a socket that is not there is a plain error, quickly", async () => {
    const t0 = Date.now();
    const e = await lookupPassword(keytarAttributes(SERVICE, "a"), options("plain", { address: "unix:path=/nonexistent/awsx-test-bus" })).catch((x: Error) => x);
    expect((e as Error).message).toEqual(expect.any(String));
    expect(e).not.toBeInstanceOf(DBusUnsupported);
    expect((e as Error).message).toMatch(/ENOENT/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  test("a bus that refuses us (wrong uid for EXTERNAL) is DBusUnsupported", async () => {
    await expect(lookupPassword(keytarAttributes(SERVICE, "a"), options("plain", { uid: process.getuid!() + 4242 }))).rejects.toBeInstanceOf(DBusUnsupported);
  });

  test("a Secret Service that never answers: rejected at the timeout, and the process is not held", async () => {
    // A child process does the lookup (the module bundled by esbuild): if the socket or a
    // timer kept it alive, it would not exit.
    const dir = mkdtempSync(path.join(os.tmpdir(), "awsx-reader-"));
    const bundle = path.join(dir, "reader.cjs");
    buildSync({ entryPoints: [fileURLToPath(new URL("../../src/cache/secretService.ts", import.meta.url))], bundle: true, platform: "node", format: "cjs", outfile: bundle, logLevel: "error" });
    process.kill(keyring!.daemonPid, "SIGSTOP");
    try {
      const script = `const { lookupPassword, keytarAttributes } = require(${JSON.stringify(bundle)});
        const t0 = Date.now();
        lookupPassword(keytarAttributes("${SERVICE}", "a"), { address: process.env.DBUS_SESSION_BUS_ADDRESS, uid: process.getuid(), timeoutMs: 1500, algorithm: "plain" })
          .then((r) => console.log("resolved", JSON.stringify(r)), (e) => console.log("rejected after", Date.now() - t0, e.message));`;
      const t0 = Date.now();
      const r = await runDetached(process.execPath, ["-e", script], { PATH: process.env.PATH ?? "", DBUS_SESSION_BUS_ADDRESS: keyring!.address }, 20_000);
      const ms = Date.now() - t0;
      expect(r.stdout).toMatch(/^rejected after \d+ the Secret Service did not answer within 1500 ms/);
      expect(r.code).toBe(0);
      expect(ms).toBeLessThan(8000);
    } finally {
      process.kill(keyring!.daemonPid, "SIGCONT");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a locked collection: reported as locked (keytar is left to ask for the unlock)", async () => {
    await set("locked-one", "v");
    await lockDefaultCollection(keyring!.address);
    expect(await lookupPassword(keytarAttributes(SERVICE, "locked-one"), options("plain"))).toEqual({ state: "locked" });
    expect(await lookupPassword(keytarAttributes(SERVICE, "never-written"), options("plain"))).toEqual({ state: "missing" });
  });
});
