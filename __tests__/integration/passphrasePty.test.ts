// The file cache's passphrase on a real pseudo-terminal: a new store asks for it twice and
// asks again when the two differ (up to 3 tries), an existing store asks once, and Ctrl-C at
// either prompt stops awsx with 130 before anything is created or sent.
import { existsSync } from "node:fs";
import path from "node:path";
import { runAwsx, awsxCommand } from "../helpers/awsx.js";
import { type FakeSts, startFakeSts } from "../helpers/fakeSts.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { onPtySteps, type PtyStep } from "../helpers/pty.js";
import { needs } from "../helpers/requirements.js";

const ROLE = "arn:aws:iam::123456789012:role/pass-role";
const NEW = "New passphrase for the awsx file cache: ";
const AGAIN = "Type the passphrase again: ";
const OLD = "Passphrase for the awsx file cache: ";
const MISMATCH = "The two did not match; try again.";
const count = (text: string, what: string) => text.split(what).length - 1;
const CMD = ["exec", "--backend", "file", "role", "--", "true"];

const describeIf = await needs("script");

describeIf("the file cache's passphrase on a terminal", () => {
  let sts: FakeSts;
  let home: TempHome;
  let n = 0;
  let cacheDir = "";
  beforeAll(async () => {
    sts = await startFakeSts();
    home = makeHome({
      config: `[profile role]\nrole_arn = ${ROLE}\nsource_profile = src\nregion = us-east-1\n`,
      credentials:
        "[src]\naws_access_key_id = AKIAFAKEPASSTEST0001\n" +
        "aws_secret_access_key = fakePassSecret00000000000000000000000001\n",
    });
  });
  afterAll(async () => {
    await sts?.close();
    home?.cleanup();
  });
  beforeEach(() => {
    sts.reset();
    cacheDir = path.join(home.dir, `cache-${++n}`);
  });
  const env = (extra: Record<string, string> = {}) =>
    home.env({ TERM: "dumb", AWS_ENDPOINT_URL_STS: sts.url, AWSX_CACHE_DIR: cacheDir, ...extra });
  const run = (steps: PtyStep[]) => onPtySteps(awsxCommand(...CMD), env(), steps);
  const header = () => path.join(cacheDir, "sessions", "store.json");

  test("a new store asks twice; a mismatch is asked again; the confirmed one is kept", async () => {
    const r = await run([
      { after: NEW, type: "first-try\r" },
      { after: AGAIN, type: "first-tyr\r" },
      { after: NEW, type: "right-one\r" },
      { after: AGAIN, type: "right-one\r" },
    ]);
    expect(r.code).toBe(0);
    expect(count(r.terminal, NEW)).toBe(2);
    expect(count(r.terminal, AGAIN)).toBe(2);
    expect(r.terminal).toContain(MISMATCH);
    expect(r.terminal).not.toContain("right-one"); // not echoed
    expect(sts.count("AssumeRole")).toBe(1);
    // The store was made with the confirmed passphrase: it serves the cached session.
    const again = await runAwsx(CMD, env({ AWSX_FILE_PASSPHRASE: "right-one" }));
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: "" });
    expect(sts.count("AssumeRole")).toBe(1);
  }, 60_000);

  test("an existing store asks once, with no confirmation; Ctrl-C there is 130", async () => {
    const made = await runAwsx(CMD, env({ AWSX_FILE_PASSPHRASE: "made-before" }));
    expect({ code: made.code, stderr: made.stderr }).toEqual({ code: 0, stderr: "" });
    const ok = await run([{ after: OLD, type: "made-before\r" }]);
    expect(ok.code).toBe(0);
    expect(count(ok.terminal, OLD)).toBe(1);
    expect(ok.terminal).not.toContain(AGAIN);
    const stopped = await run([{ after: OLD, type: "\u0003" }]);
    expect(stopped.code).toBe(130);
    expect(stopped.terminal).toContain("awsx: interrupted at the file cache's passphrase prompt");
    expect(stopped.terminal).not.toContain("AWSX_FILE_PASSPHRASE");
  }, 60_000);

  test("three mismatches: exit 74, no store made, STS never called", async () => {
    const r = await run(
      [1, 2, 3].flatMap((i) => [
        { after: NEW, type: `one-${i}\r` },
        { after: AGAIN, type: `two-${i}\r` },
      ]),
    );
    expect(r.code).toBe(74);
    expect(count(r.terminal, MISMATCH)).toBe(2);
    expect(r.terminal).toContain(
      `awsx: 3 passphrases typed for the new file cache in ${cacheDir} did not match when ` +
        "typed again, so no cache was made; type the same one twice, or set AWSX_FILE_PASSPHRASE",
    );
    expect(existsSync(header())).toBe(false);
    expect(sts.count()).toBe(0);
  }, 60_000);

  test.each([
    ["the first", [{ after: NEW, type: "\u0003" }]],
    [
      "the second",
      [
        { after: NEW, type: "abc\r" },
        { after: AGAIN, type: "\u0003" },
      ],
    ],
  ])(
    "Ctrl-C at %s question: exit 130, nothing made or sent",
    async (_, steps) => {
      const r = await run(steps);
      expect(r.code).toBe(130);
      expect(r.terminal).toContain("awsx: interrupted at the file cache's passphrase prompt");
      expect(r.terminal).not.toContain("AWSX_FILE_PASSPHRASE");
      expect(existsSync(header())).toBe(false);
      expect(sts.count()).toBe(0);
    },
    60_000,
  );
});
