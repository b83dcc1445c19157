// aws-vault's `export --format ini`, written by awsx: the layout, and what is refused.
import { AwsxError } from "../../src/errors.js";
import { formatIni } from "../../src/exec/iniFormat.js";

const creds = {
  accessKeyId: "ASIAFAKEINI000000001",
  secretAccessKey: "fakeIniSecret0000000000000000000000000001",
  sessionToken: "FwoGZXIvYXdzEFAKE//token+with/slashes==",
  expiration: new Date("2026-12-07T19:00:00.123Z"),
};

describe("formatIni", () => {
  it("a session: keys, token, expiry (no milliseconds), region; = aligned", () => {
    expect(formatIni("work", creds, "eu-west-1")).toBe(
      "[profile work]\n" +
        "aws_access_key_id         = ASIAFAKEINI000000001\n" +
        "aws_secret_access_key     = fakeIniSecret0000000000000000000000000001\n" +
        "aws_session_token         = FwoGZXIvYXdzEFAKE//token+with/slashes==\n" +
        "aws_credential_expiration = 2026-12-07T19:00:00Z\n" +
        "region                    = eu-west-1\n\n",
    );
  });

  it.each([
    ["a line break in a value", "work", { ...creds, sessionToken: "a\nregion = evil" }],
    ["a blank at the end of a value", "work", { ...creds, secretAccessKey: "secret " }],
    ["a line break in the profile name", "a\n[evil]", creds],
    ["a ] in the profile name", "a]b", creds],
  ])("%s is refused, not written", (_why, profile, c) => {
    const e = (() => {
      try {
        return formatIni(profile, c);
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(AwsxError);
    expect((e as Error).message).not.toContain("secret");
  });
});
