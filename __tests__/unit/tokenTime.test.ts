// The SSO token times awsx reads: every row of tokenTime.cases.ts (checked against dateutil,
// which the CLI reads them with), and a token file written with the CLI's fixture form.
import { parseTokenTime, tokenTimeIso } from "../../src/sso/tokenTime.js";
import { tokenFrom } from "../../src/sso/ssoToken.js";
import { TOKEN_TIME_CASES } from "./tokenTime.cases.js";

describe("SSO token times (expiresAt, registrationExpiresAt)", () => {
  test.each(TOKEN_TIME_CASES.map((c) => [JSON.stringify(c.input), c]))("%s", (_name, c) => {
    expect(tokenTimeIso(c.input)).toBe(c.utc ?? undefined);
  });

  test("not a string: refused", () => {
    for (const v of [undefined, null, 1796666400, {}, ["2026-12-07T18:00:00Z"]])
      expect(parseTokenTime(v)).toBeUndefined();
  });

  test("a token file written as botocore's fixtures write it is read, in UTC", () => {
    const t = tokenFrom({
      startUrl: "https://corp.awsapps.com/start",
      region: "us-east-1",
      accessToken: "at",
      expiresAt: "2026-12-07T18:00:00UTC",
      refreshToken: "rt",
      clientId: "cid",
      clientSecret: "cs",
      registrationExpiresAt: "2027-03-07T18:00:00 UTC",
    });
    expect(t).toMatchObject({
      expiresAt: "2026-12-07T18:00:00.000Z",
      registrationExpiresAt: "2027-03-07T18:00:00.000Z",
    });
  });

  test("a registrationExpiresAt awsx cannot read is no registration (no refresh)", () => {
    const t = tokenFrom({
      accessToken: "at",
      expiresAt: "2026-12-07T18:00:00Z",
      clientId: "cid",
      registrationExpiresAt: "2027-03-07",
    });
    expect(t).toBeDefined();
    expect(t).not.toHaveProperty("registrationExpiresAt");
  });

  test("a token without a zone is no token (the CLI fails on it too)", () => {
    expect(tokenFrom({ accessToken: "at", expiresAt: "2026-12-07T18:00:00" })).toBeUndefined();
  });
});
