// endpointUrlProblem on a table of URLs (the verdicts are botocore's: the differential test
// __tests__/differential/endpointUrl.test.ts runs the AWS CLI's own checks on them).
import { describeProblem, endpointUrlProblem } from "../../src/config/endpointUrl.js";
import { CASES, NODE_REFUSES, nodeRefuses } from "./endpointUrl.cases.js";

describe("endpointUrlProblem", () => {
  it.each(CASES)("%j -> %p", (url, want) => {
    expect(endpointUrlProblem(url)).toBe(want);
  });

  it.each(NODE_REFUSES)("%j: refused, as Node's URL parser cannot read it", (url) => {
    expect(endpointUrlProblem(url)).toBe("invalid");
    expect(nodeRefuses(url)).toBe(true);
  });

  it("never shows a user name or password", () => {
    const shown = describeProblem("ftp://me:s3cr3t@host/", "scheme");
    expect(shown).not.toMatch(/me:|s3cr3t/);
    expect(shown).toMatch(/ftp:\/\/…@host\//);
  });
});
