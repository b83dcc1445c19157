import { AwsxError } from "../errors.js";
import type { Credentials } from "../types.js";

// C0 and C1 controls and DEL: no key id, secret or session token AWS issues holds one.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

// Keys a service answered (STS, the SSO portal), checked where they arrive: a value with a
// control character would reach the terminal raw when `awsx env` prints it, as escape
// sequences (retitle the window, write the clipboard) or line breaks. The message names the
// field, never the value (a secret).
export function serviceKeys(creds: Credentials, service: string): Credentials {
  const fields: Array<[string, string | undefined]> = [
    ["an access key id", creds.accessKeyId],
    ["a secret access key", creds.secretAccessKey],
    ["a session token", creds.sessionToken],
  ];
  const bad = fields.find(([, v]) => v !== undefined && CONTROL.test(v));
  if (bad)
    throw new AwsxError(
      "E_STS",
      `${service} answered ${bad[0]} that holds a control character, which AWS never ` +
        "issues; nothing was used: check the endpoint (AWS_ENDPOINT_URL_*) and any proxy",
    );
  return creds;
}
