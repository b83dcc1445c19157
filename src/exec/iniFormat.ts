import { AwsxError } from "../errors.js";
import type { Credentials } from "../types.js";

// What a line of an INI file cannot carry: a line break would start a new line (a new key
// or section), a NUL ends the string for C readers, and blanks at either end are stripped.
const UNSAFE = /[\r\n\0]|^\s|\s$/;

// aws-vault's `export --format ini`: one [profile NAME] section with the keys, the session
// token, the expiry (aws_credential_expiration) and the region, laid out as aws-vault's INI
// library writes it (the = signs aligned, a blank line after the section). A value that a
// reader would split or trim is refused, never written.
export function formatIni(profile: string, creds: Credentials, region?: string): string {
  const keys: Array<[string, string | undefined]> = [
    ["aws_access_key_id", creds.accessKeyId],
    ["aws_secret_access_key", creds.secretAccessKey],
    ["aws_session_token", creds.sessionToken],
    ["aws_credential_expiration", creds.expiration?.toISOString().replace(/\.\d{3}Z$/, "Z")],
    ["region", region],
  ];
  const set = keys.filter((k): k is [string, string] => Boolean(k[1]));
  if (/[\r\n\0\]]/.test(profile) || set.some(([, v]) => UNSAFE.test(v))) {
    throw new AwsxError(
      "E_USAGE",
      `a value for profile ${JSON.stringify(profile)} cannot be written on one INI line; ` +
        "use --format env or export-env",
    );
  }
  const width = Math.max(...set.map(([k]) => k.length));
  const lines = set.map(([k, v]) => `${k.padEnd(width)} = ${v}`);
  return `[profile ${profile}]\n${lines.join("\n")}\n\n`;
}
