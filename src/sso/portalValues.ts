import { AwsxError } from "../errors.js";

// The values IAM Identity Center's portal answers to `awsx sso sync` (ListAccounts,
// ListAccountRoles), checked as they arrive: one function per kind. An account id and a role
// name are written into ~/.aws/config as they are, so each must be what AWS can hold, and
// never a line break, a "[section]", a "key =" or a marker line. A portal that answers
// anything else is broken or is not IAM Identity Center (AWS_ENDPOINT_URL_SSO, a proxy): the
// whole sync is refused, since a partial one would also drop the profiles of what it skips.

// Account ids are 12 digits, always.
const ACCOUNT_ID = /^[0-9]{12}$/;
// IAM's role name pattern and length (a permission set's name is stricter: 1-32 of these).
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// AWS allows 1-50 printable characters in an account name; awsx takes any text of up to 256
// characters without control characters or line breaks of any kind (C0, DEL, C1, U+2028,
// U+2029, lone surrogates). The name reaches the file only sanitized, inside a profile name.
const ACCOUNT_NAME = /^(?:[^\p{Cc}\p{Cs}\u2028\u2029]){1,256}$/u;
const SHOWN = 80;

// A value as a message shows it: JSON-quoted (so a line break or an escape sequence prints as
// \n, \u001b...), C1 controls and Unicode line breaks escaped too, and cut to SHOWN characters.
export function shown(value: unknown): string {
  if (typeof value !== "string") return value === undefined ? "nothing" : typeof value;
  const cut = value.length > SHOWN ? value.slice(0, SHOWN) : value;
  const quoted = JSON.stringify(cut).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return value.length > SHOWN ? `${quoted}... (${value.length} characters)` : quoted;
}

function refused(session: string, what: string, value: unknown, rule: string): AwsxError {
  return new AwsxError(
    "E_STS",
    `the SSO portal answered ${what} ${shown(value)} for sso-session "${session}", which is ` +
      `not ${rule}; nothing was written: check AWS_ENDPOINT_URL_SSO and sso_region`,
  );
}

// An account id from the portal: exactly 12 digits.
export function portalAccountId(value: unknown, session: string): string {
  if (typeof value === "string" && ACCOUNT_ID.test(value)) return value;
  throw refused(session, "an account id", value, "12 digits");
}

// A role (permission set) name from the portal: IAM's [\w+=,.@-], 1-64 characters.
export function portalRoleName(value: unknown, accountId: string, session: string): string {
  if (typeof value === "string" && ROLE_NAME.test(value)) return value;
  throw refused(
    session,
    `a role name of account ${accountId}`,
    value,
    "a role name (1-64 of A-Z a-z 0-9 _+=,.@-)",
  );
}

// An account's name from the portal (its id when the portal gives none): 1-256 characters, no
// control character or line break.
export function portalAccountName(value: unknown, accountId: string, session: string): string {
  if (value === undefined || value === null || value === "") return accountId;
  if (typeof value === "string" && ACCOUNT_NAME.test(value)) return value;
  throw refused(
    session,
    `the name of account ${accountId}`,
    value,
    "an account name (1-256 characters, no control character or line break)",
  );
}
