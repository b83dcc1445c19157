// What crosses the session bus when awsx uses the Secret Service (@napi-rs/keyring against
// a real gnome-keyring on a private bus): dbus-monitor, which any process of the user may
// run, watches a cold `awsx exec` (the session is written) and a warm one (read back). The
// library negotiates the encrypted transport (dh-ietf1024-sha256-aes128-cbc-pkcs7), so
// neither the secret access key nor the session token is in the capture, in text or hex.
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { runAwsx, runDetached } from "../helpers/awsx.js";
import { makeHome, writePrintCreds, type ChildCreds, type TempHome } from "../helpers/home.js";
import {
  busTraffic,
  keyringOn,
  startPrivateKeyring,
  type PrivateKeyring,
} from "../helpers/keyring.js";
import { needs } from "../helpers/requirements.js";

const ROLE = "arn:aws:iam::123456789012:role/bus-watch";
const DH = "dh-ietf1024-sha256-aes128-cbc-pkcs7";

let keyring: PrivateKeyring | undefined;
const describeBus = await needs(
  "dbus-daemon",
  "dbus-send",
  "dbus-monitor",
  "gnome-keyring-daemon",
  {
    name: "a private Secret Service (dbus-daemon + gnome-keyring-daemon + @napi-rs/keyring)",
    probe: async () => {
      try {
        keyring = await startPrivateKeyring();
        const v = await keyringOn<string>(
          keyring.address,
          `await k.setPassword("awsx-bus-probe", "a", "ok"); ` +
            `return k.getPassword("awsx-bus-probe", "a");`,
        );
        return v === "ok";
      } catch (e) {
        process.stderr.write(`secretService probe: ${(e as Error).message}\n`);
        await keyring?.stop();
        keyring = undefined;
        return false;
      }
    },
    hint: "install dbus and gnome-keyring",
  },
);

// In dbus-monitor's text: as is, or as the hex of its bytes (how it prints a byte array).
function seenIn(traffic: string, value: string): boolean {
  const hex = Buffer.from(value).toString("hex");
  return traffic.includes(value) || traffic.replace(/\s+/g, "").toLowerCase().includes(hex);
}

describeBus("the secret on the session bus", () => {
  let sts: FakeSts;
  let home: TempHome;
  let printCreds: string;

  beforeAll(async () => {
    sts = await startFakeSts();
    home = makeHome({
      config:
        `[profile watched]\nrole_arn = ${ROLE}\nsource_profile = src\nregion = us-east-1\n` +
        `endpoint_url = ${sts.url}\n`,
      credentials:
        "[src]\naws_access_key_id = AKIAFAKEBUSWATCH0001\n" +
        "aws_secret_access_key = fakeBusWatchSecret00000000000000000000001\n",
    });
    printCreds = writePrintCreds(home.dir);
  });
  afterAll(async () => {
    await sts?.close();
    home?.cleanup();
    await keyring?.stop();
  }, 20_000);

  const execWatched = async (): Promise<{ creds: ChildCreds; traffic: string }> => {
    const env = home.env({ DBUS_SESSION_BUS_ADDRESS: keyring!.address });
    const args = ["exec", "--backend", "keychain", "watched", "--", process.execPath, printCreds];
    const { result: r, traffic } = await busTraffic(keyring!.address, () => runAwsx(args, env));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    return { creds: JSON.parse(r.stdout) as ChildCreds, traffic };
  };

  // The detector itself: a value sent in clear as bytes (printable, then not) is found.
  test(
    "control: dbus-monitor's capture shows a byte array sent in clear, " + "and seenIn finds it",
    async () => {
      const value = `wJalrXUtnFEMI/K7MDENG+control-${process.pid}`;
      const send = (bytes: Buffer) =>
        runDetached(
          "dbus-send",
          [
            "--session",
            "--type=signal",
            "/awsx/test",
            "awsx.test.Control",
            `array:byte:${[...bytes].join(",")}`,
          ],
          {
            PATH: process.env.PATH ?? "",
            DBUS_SESSION_BUS_ADDRESS: keyring!.address,
          },
        );
      const { traffic } = await busTraffic(keyring!.address, async () => {
        expect((await send(Buffer.from(value))).code).toBe(0);
        expect((await send(Buffer.concat([Buffer.from([0]), Buffer.from(value)]))).code).toBe(0);
      });
      expect(traffic.match(/member=Control/g)).toHaveLength(2);
      expect(seenIn(traffic, value)).toBe(true);
      expect(seenIn(traffic.replace(value, ""), value)).toBe(true); // the hex form alone
    },
  );

  test(
    "cold run (write) and warm run (read): the Secret Service calls are seen, " +
      "the secrets are not",
    async () => {
      sts.reset();
      const cold = await execWatched();
      expect(sts.count("AssumeRole")).toBe(1);
      const warm = await execWatched();
      expect(sts.count()).toBe(1);
      expect(warm.creds).toEqual(cold.creds);

      const key = (
        await keyringOn<Array<{ account: string }>>(
          keyring!.address,
          `return k.findCredentials("awsx");`,
        )
      )[0]!.account;
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      for (const [run, calls] of [
        [cold, ["OpenSession", "SearchItems", "CreateItem"]],
        [warm, ["OpenSession", "SearchItems", "GetSecret"]],
      ] as const) {
        // The capture works: it has the calls, the transport, and what goes in clear (the key).
        for (const c of calls) expect(run.traffic).toMatch(new RegExp(`member=${c}\\b`));
        expect(run.traffic).toContain(`string "${DH}"`);
        expect(run.traffic).not.toMatch(/string "plain"/);
        expect(run.traffic).toContain(`string "${key}"`);
        // The Secret struct itself (its content type travels in clear beside the encrypted value).
        expect(run.traffic).toMatch(/string "(application\/octet-stream|text\/plain)"/);
        for (const secret of [cold.creds.secret, cold.creds.token]) {
          expect(secret.length).toBeGreaterThan(20);
          expect({ secret: secret.slice(0, 4), seen: seenIn(run.traffic, secret) }).toEqual({
            secret: secret.slice(0, 4),
            seen: false,
          });
        }
      }
    },
  );
});
