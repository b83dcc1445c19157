// The MFA prompt on a real pseudo-terminal, typed into as a person would: a typo is asked
// again (up to 3 tries, as sudo does) and Ctrl-C stops awsx with 130 and no advice.
import { awsxCommand } from "../helpers/awsx.js";
import { type FakeSts, startFakeSts } from "../helpers/fakeSts.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { onPtySteps } from "../helpers/pty.js";
import { needs } from "../helpers/requirements.js";

const MFA = { serial: "arn:aws:iam::123456789012:mfa/typo-user", code: "364758" };
const ROLE = "arn:aws:iam::123456789012:role/typo-role";
const ASK = "Enter MFA code for";
const count = (text: string, what: string) => text.split(what).length - 1;

const describeIf = await needs("script");

describeIf("the MFA prompt on a terminal", () => {
  let sts: FakeSts;
  let home: TempHome;
  beforeAll(async () => {
    sts = await startFakeSts({ mfa: MFA });
    home = makeHome({
      config:
        `[profile typo]\nrole_arn = ${ROLE}\nsource_profile = src\nmfa_serial = ${MFA.serial}\n` +
        "region = us-east-1\n",
      credentials:
        "[src]\naws_access_key_id = AKIAFAKETYPOTEST0001\n" +
        "aws_secret_access_key = fakeTypoSecret00000000000000000000000001\n",
    });
  });
  afterAll(async () => {
    await sts?.close();
    home?.cleanup();
  });
  beforeEach(() => sts.reset());
  const env = () => home.env({ TERM: "dumb", AWS_ENDPOINT_URL_STS: sts.url });
  const run = (steps: { after: string; type: string }[]) =>
    onPtySteps(awsxCommand("exec", "--backend", "none", "typo", "--", "true"), env(), steps);

  test("a typo (12ab) is asked again; the right code then works (exit 0)", async () => {
    const r = await run([
      { after: ASK, type: "12ab\r" },
      { after: ASK, type: `${MFA.code}\r` },
    ]);
    expect(r.code).toBe(0);
    expect(count(r.terminal, ASK)).toBe(2);
    expect(r.terminal).toContain("That is not 6 digits; try again.");
    expect(r.terminal).not.toContain("12ab"); // not echoed
    const withCode = sts.calls.filter((c) => c.params.TokenCode !== undefined);
    expect(withCode.map((c) => c.params.TokenCode)).toEqual([MFA.code]);
  }, 40_000);

  test("three typos end the run with 66, STS never called", async () => {
    const r = await run([
      { after: ASK, type: "12ab\r" },
      { after: ASK, type: "1\r" },
      { after: ASK, type: "abcdef\r" },
    ]);
    expect(r.code).toBe(66);
    expect(count(r.terminal, ASK)).toBe(3);
    expect(r.terminal).toContain(
      `awsx: 3 MFA codes typed for ${MFA.serial} were not 6 digits (profile "typo"); ` +
        "pass the current code from your device",
    );
    expect(sts.count()).toBe(0);
  }, 40_000);

  test("Ctrl-C at the prompt exits 130 with no advice to pass --mfa-token", async () => {
    const r = await run([{ after: ASK, type: "\u0003" }]);
    expect(r.code).toBe(130);
    expect(r.terminal).toContain('awsx: interrupted at the MFA prompt (profile "typo")');
    expect(r.terminal).not.toContain("--mfa-token");
    expect(r.terminal).not.toContain("AWSX_MFA_TOKEN");
    expect(sts.count()).toBe(0);
  }, 40_000);
});
