// The MFA code's shape (docs/config.md, "Where awsx knowingly differs"): exactly 6 ASCII digits,
// checked before any STS call. The AWS CLI sends any code of 6 or more characters (botocore
// checks only the model's minimum length) and STS refuses the ones that are not 6 digits.
import { createMfaProvider } from "../../src/credentials/mfa.js";
import { AwsxError } from "../../src/errors.js";
import { createLogger } from "../../src/util/log.js";

const logger = createLogger({ debug: false, write: () => {} });
const codeFrom = (flag: string) =>
  createMfaProvider({ flag, logger })("arn:aws:iam::000000000000:mfa/u", "p");

describe("MFA code shape", () => {
  it.each(["1234567", "abcdef", "12345", "12 456", "١٢٣٤٥٦"])("%j is refused", async (code) => {
    const e = await codeFrom(code).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AwsxError);
    expect((e as AwsxError).code).toBe("E_MFA_REQUIRED");
    expect((e as Error).message).toMatch(/must be 6 digits/);
    expect((e as Error).message).not.toContain(code);
  });

  it("6 digits pass", async () => {
    await expect(codeFrom("012345")).resolves.toBe("012345");
  });
});
