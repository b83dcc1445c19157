// A slow STS on a terminal: after 1.5 s awsx says once what it waits for and where the
// endpoint came from (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's endpoint_url).
// Never off a terminal, never with --quiet, never when STS answers in time. Real ptys.
import { readFileSync } from "node:fs";
import path from "node:path";
import { runAwsx, awsxCommand, shq } from "../helpers/awsx.js";
import { type FakeSts, startFakeSts } from "../helpers/fakeSts.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { onPty } from "../helpers/pty.js";
import { needs } from "../helpers/requirements.js";

const ROLE = "arn:aws:iam::123456789012:role/slow-role";
const hints = (text: string) => text.split(/\r?\n/).filter((l) => l.includes("waiting for STS"));

const describeIf = await needs("script");

describeIf("a slow STS on a terminal", () => {
  let sts: FakeSts;
  let home: TempHome;
  beforeAll(async () => {
    sts = await startFakeSts();
    home = makeHome({
      config:
        `[profile slow]\nrole_arn = ${ROLE}\nsource_profile = src\nregion = us-east-1\n\n` +
        `[profile viaconfig]\nrole_arn = ${ROLE}\nsource_profile = src\nregion = us-east-1\n` +
        `endpoint_url = ${sts.url}\n`,
      credentials:
        "[src]\naws_access_key_id = AKIAFAKESLOWTEST0001\n" +
        "aws_secret_access_key = fakeSlowSecret00000000000000000000000001\n",
    });
  });
  afterAll(async () => {
    await sts?.close();
    home?.cleanup();
  });
  beforeEach(() => sts.behave({ delayMs: 2500 }));
  const env = (extra: Record<string, string> = {}) => home.env({ TERM: "dumb", ...extra });

  test.each([
    ["slow", "AWS_ENDPOINT_URL_STS"],
    ["slow", "AWS_ENDPOINT_URL"],
    ["viaconfig", "endpoint_url of profile viaconfig"],
  ])(
    "profile %s: one line naming the endpoint's source (%s)",
    async (profile, from) => {
      const vars = from.startsWith("AWS_") ? { [from]: sts.url } : {};
      const r = await onPty(
        awsxCommand("exec", "--backend", "none", profile, "--", "true"),
        env(vars),
        "",
      );
      expect(r.code).toBe(0);
      expect(hints(r.terminal)).toEqual([
        `awsx: waiting for STS ` +
          `AssumeRole (profile "${profile}") at ${sts.url}, endpoint from ${from}` +
          "; no answer yet: awsx waits 10 s a try (AWSX_STS_TIMEOUT) and tries 3 times",
      ]);
    },
    30_000,
  );

  test("not with --quiet, not when STS answers in time", async () => {
    const quiet = await onPty(
      awsxCommand("exec", "--quiet", "--backend", "none", "slow", "--", "true"),
      env({ AWS_ENDPOINT_URL_STS: sts.url }),
      "",
    );
    expect(quiet.code).toBe(0);
    expect(hints(quiet.terminal)).toEqual([]);
    sts.behave(undefined);
    const fast = await onPty(
      awsxCommand("exec", "--backend", "none", "slow", "--", "true"),
      env({ AWS_ENDPOINT_URL_STS: sts.url }),
      "",
    );
    expect(fast.code).toBe(0);
    expect(hints(fast.terminal)).toEqual([]);
  }, 30_000);

  test("not off a terminal", async () => {
    const r = await runAwsx(
      ["exec", "--backend", "none", "slow", "--", "true"],
      env({ AWS_ENDPOINT_URL_STS: sts.url }),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  }, 30_000);

  test("an STS that accepts and never answers: one line, then 69; stdout stays clean", async () => {
    sts.reset();
    sts.behave({ hang: true });
    const out = path.join(home.dir, "stdout.txt");
    const r = await onPty(
      `${awsxCommand("credential-process", "--backend", "none", "slow")} > ${shq(out)}`,
      env({ AWS_ENDPOINT_URL_STS: sts.url, AWSX_STS_TIMEOUT: "1" }),
      "",
      90_000, // a hang guard only: 3 tries of 1 s each take a few seconds
    );
    expect(r.signal).toBeNull();
    expect(r.code).toBe(69);
    expect(hints(r.terminal)).toEqual([
      `awsx: waiting for STS AssumeRole (profile "slow") at ${sts.url}, endpoint from ` +
        "AWS_ENDPOINT_URL_STS; no answer yet: awsx waits 1 s a try (AWSX_STS_TIMEOUT) " +
        "and tries 3 times",
    ]);
    expect(r.terminal).toMatch(/awsx: cannot reach STS at .* for AssumeRole .*"slow"/);
    expect(readFileSync(out, "utf8")).toBe("");
    expect(sts.count("AssumeRole")).toBe(3);
  }, 120_000);
});
