// What a failed SSO answer said, as awsx shows it on its one line: first line, no control
// characters or bidirectional overrides, capped; the SDK's placeholder is no message.
import { serviceErrorName, serviceMessage } from "../../src/platform/serviceMessage.js";

test.each([
  [{ message: "Portal maintenance" }, "Portal maintenance"],
  [{ error_description: "Registration paused", message: "UnknownError" }, "Registration paused"],
  [{ message: "UnknownError" }, undefined],
  [{ message: "   " }, undefined],
  [{}, undefined],
  [{ message: "first\nsecond line" }, "first"],
  [{ message: "red \u001b[31mALERT\u001b[0m \u009b2J done" }, "red [31mALERT[0m 2J done"],
  [{ message: "abc\u202edcba" }, "abcdcba"],
  [{ message: "x".repeat(300) }, `${"x".repeat(200)}…`],
])("%j", (e, shown) => {
  expect(serviceMessage(e)).toBe(shown);
});

test("the name, or the HTTP status when the SDK could not tell", () => {
  expect(serviceErrorName({ name: "ForbiddenException" })).toBe("ForbiddenException");
  expect(serviceErrorName({ name: "Unknown", $metadata: { httpStatusCode: 400 } })).toBe(
    "HTTP 400",
  );
  expect(serviceErrorName({})).toBe("an error");
});
