import { AwsxError } from "../errors.js";
import type { Credentials } from "../types.js";

// Anything but printable ASCII: controls (C0, DEL, C1), Unicode line breaks and the
// bidirectional controls. No key id, secret or session token AWS issues holds one.
const UNPRINTABLE = /[^\x20-\x7e]/;

// Keys a service answered (STS, the SSO portal), checked where they arrive: any other
// character would reach the terminal raw when `awsx env` prints it, as escape sequences
// (retitle the window, write the clipboard), line breaks or reordered text. The message
// names the field, never the value (a secret).
export function serviceKeys(creds: Credentials, service: string): Credentials {
  const fields: Array<[string, string | undefined]> = [
    ["an access key id", creds.accessKeyId],
    ["a secret access key", creds.secretAccessKey],
    ["a session token", creds.sessionToken],
  ];
  const bad = fields.find(([, v]) => v !== undefined && UNPRINTABLE.test(v));
  if (bad)
    throw new AwsxError(
      "E_STS",
      `${service} answered ${bad[0]} that is not printable ASCII, which AWS never ` +
        "issues; nothing was used: check the endpoint (AWS_ENDPOINT_URL_*) and any proxy",
    );
  return creds;
}
