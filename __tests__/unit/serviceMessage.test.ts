// What a failed SSO answer said, as awsx shows it on its one line: first line, control
// characters and bidirectional overrides written out, capped; the SDK's placeholder is no message.
import { serviceErrorName, serviceMessage } from "../../src/platform/serviceMessage.js";

test.each([
  [{ message: "Portal maintenance" }, "Portal maintenance"],
  [{ error_description: "Registration paused", message: "UnknownError" }, "Registration paused"],
  [{ message: "UnknownError" }, undefined],
  [{ message: "   " }, undefined],
  [{}, undefined],
  [{ message: "first\nsecond line" }, "first"],
  [
    { message: "red \u001b[31mALERT\u001b[0m \u009b2J done" },
    "red \\x1b[31mALERT\\x1b[0m \\x9b2J done",
  ],
  [{ message: "abc\u202edcba" }, "abc\\u202edcba"],
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
