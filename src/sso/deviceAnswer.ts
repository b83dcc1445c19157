import { AwsxError } from "../errors.js";
import { printable } from "../util/printable.js";

// What AWS sends as a user code (e.g. ABCD-EFGH): letters, digits and dashes.
const USER_CODE = /^[A-Za-z0-9-]{1,64}$/;
const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost)$/;

// The verification page of a device sign-in as a URL awsx may open and print: https, or http
// on a loopback host (a local fake). Anything else (an option such as "-x", "file:", a page
// to copy by hand) is undefined.
function webUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const ok = url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.test(url.hostname));
  return ok && url.hostname !== "" ? url.href : undefined;
}

// StartDeviceAuthorization's answer, checked before anything of it is opened or printed: the
// URL to show (the complete one when given) and the user code. A bad answer is refused as an
// answer that is not IAM Identity Center's (77), naming `who` (the session).
export function checkDeviceAnswer(
  answer: { verificationUri: string; verificationUriComplete?: string; userCode: string },
  who: string,
  region: string,
): { url: string; userCode: string } {
  const refuse = (what: string, value: string) =>
    new AwsxError(
      "E_STS",
      `IAM Identity Center (OIDC, ${region}) answered ${what} "${printable(value, 100)}" ` +
        `for ${who}; check sso_region and AWS_ENDPOINT_URL_SSO_OIDC`,
    );
  const given = answer.verificationUriComplete ?? answer.verificationUri;
  for (const value of [answer.verificationUri, answer.verificationUriComplete]) {
    if (value !== undefined && webUrl(value) === undefined)
      throw refuse("a verification URI that is not an https URL", value);
  }
  if (!USER_CODE.test(answer.userCode))
    throw refuse("a user code that is not letters, digits and dashes", answer.userCode);
  return { url: webUrl(given)!, userCode: answer.userCode };
}
