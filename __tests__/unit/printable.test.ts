// printable(): text from a server made safe for a terminal, and where it is used for OIDC.
import { translateOidcError } from "../../src/sso/ssoLogin.js";
import { printable } from "../../src/util/printable.js";

test.each([
  ["plain ABCD-EFGH é ✓ 日本", "plain ABCD-EFGH é ✓ 日本"],
  ["\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"],
  ["\x1b]0;title\x07", "\\x1b]0;title\\x07"],
  ["a\tb\nc\rd\x00e\x7ff", "a\\x09b\\x0ac\\x0dd\\x00e\\x7ff"],
  ["\x9b2J", "\\x9b2J"],
  ["abc\u202edef\u2066\u2028", "abc\\u202edef\\u2066\\u2028"],
])("printable(%j) = %j", (input, output) => {
  expect(printable(input)).toBe(output);
});

test("a cut keeps whole characters and says so", () => {
  expect(printable("ab😀cd", 3)).toBe("ab😀...");
  expect(printable("abc", 3)).toBe("abc");
});

test("an OIDC error code and type from the server are printed written out", () => {
  const e = Object.assign(new Error("x"), {
    name: "OidcError",
    error: "bad\x1b[2J",
    type: "Weird\x1b]0;t\x07Exception",
    status: 400,
  });
  const session = { name: "corp", startUrl: "https://s", region: "eu-west-1" };
  const out = translateOidcError(e, session, "https://oidc.eu-west-1.amazonaws.com");
  expect((out as Error).message).toBe(
    "IAM Identity Center (OIDC, eu-west-1) answered Weird\\x1b]0;t\\x07Exception (bad\\x1b[2J) " +
      'for sso-session "corp"; check sso_start_url and sso_region',
  );
});
