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

describe("MFA code typed at a prompt", () => {
  const serial = "arn:aws:iam::000000000000:mfa/u";
  const asking = (answers: string[]) => {
    const questions: string[] = [];
    const prompt = async (q: string) => {
      questions.push(q);
      return answers.shift() ?? "";
    };
    return { questions, provider: createMfaProvider({ prompt, logger }) };
  };

  it("a typo is asked again, saying why; the third try still counts", async () => {
    const { questions, provider } = asking(["12ab", "1", "654321"]);
    await expect(provider(serial, "p")).resolves.toBe("654321");
    expect(questions).toHaveLength(3);
    expect(questions[0]).toMatch(/^Enter MFA code/);
    expect(questions[1]).toMatch(/^That is not 6 digits; try again\. Enter MFA code/);
  });

  it("three typos: 66, saying so", async () => {
    const { questions, provider } = asking(["12ab", "1", "x"]);
    const e = (await provider(serial, "p").catch((x: unknown) => x)) as AwsxError;
    expect(e.code).toBe("E_MFA_REQUIRED");
    expect(e.message).toBe(
      `3 MFA codes typed for ${serial} were not 6 digits (profile "p"); ` +
        "pass the current code from your device",
    );
    expect(questions).toHaveLength(3);
  });

  it("an interrupted prompt is E_INTERRUPTED (130) with no advice", async () => {
    const prompt = async () => {
      throw Object.assign(new Error("interrupted at the prompt"), { interrupted: true });
    };
    const e = (await createMfaProvider({ prompt, logger })(serial, "p").catch(
      (x: unknown) => x,
    )) as AwsxError;
    expect(e.code).toBe("E_INTERRUPTED");
    expect(e.exitCode).toBe(130);
    expect(e.message).not.toContain("--mfa-token");
  });
});
