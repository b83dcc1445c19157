import { AwsxError } from "../errors.js";
import { parseIni } from "../config/ini.js";
import { profileNameOf } from "../config/load.js";

// One account and role the signed-in user can reach.
export interface SyncPair {
  accountId: string;
  accountName: string;
  roleName: string;
}

// A profile `awsx sso sync` writes.
export interface SyncProfile extends SyncPair {
  name: string;
}

// granted's default naming: the account's name, a slash, the role's (permission set's) name.
export const DEFAULT_TEMPLATE = "{account_name}/{role_name}";
const FIELDS = ["account_name", "account_id", "role_name", "session"] as const;
// What a profile name may hold: no whitespace, '#', ';', '[' or ']' (the config file's
// syntax), no quotes (botocore splits the header shell-style).
const NAME_OK = /^[A-Za-z0-9_.@+=,:/-]+$/;

// A value as it goes into a name: runs of other characters (spaces) become one '-'.
const sanitize = (v: string): string =>
  v.replace(/[^A-Za-z0-9_.@+=,-]+/g, "-").replace(/^-+|-+$/g, "") || "-";

// The profile name of a pair: the template's {account_name}, {account_id}, {role_name}
// and {session} replaced by the sanitized values.
export function profileName(template: string, pair: SyncPair, session: string): string {
  const values: Record<(typeof FIELDS)[number], string> = {
    account_name: pair.accountName,
    account_id: pair.accountId,
    role_name: pair.roleName,
    session,
  };
  const name = template.replace(/\{([a-z_]+)\}/g, (m, field: string) => {
    if (!(FIELDS as readonly string[]).includes(field))
      throw badTemplate(template, `unknown field ${m}; use ${FIELDS.map((f) => `{${f}}`)}`);
    return sanitize(values[field as (typeof FIELDS)[number]]);
  });
  if (!NAME_OK.test(name) || name === "default")
    throw badTemplate(template, `it gives the profile name ${JSON.stringify(name)}`);
  return name;
}

const badTemplate = (template: string, why: string) =>
  new AwsxError("E_USAGE", `--template ${JSON.stringify(template)} cannot be used: ${why}`);

// Names for every pair, sorted by name; two pairs may not share one.
export function nameProfiles(pairs: SyncPair[], template: string, session: string) {
  const byName = new Map<string, SyncProfile>();
  for (const pair of pairs) {
    const name = profileName(template, pair, session);
    const other = byName.get(name);
    if (other)
      throw badTemplate(
        template,
        `${other.accountId}/${other.roleName} and ${pair.accountId}/${pair.roleName} ` +
          `would both be "${name}"; add {account_id}`,
      );
    byName.set(name, { ...pair, name });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// The marker lines around the block of one sso-session.
export const markers = (session: string) => ({
  begin: `# BEGIN awsx sso sync ${session}`,
  end: `# END awsx sso sync ${session}`,
});

// The block's lines: the markers, a note, then one profile per pair.
export function renderBlock(session: string, profiles: SyncProfile[], region?: string) {
  const { begin, end } = markers(session);
  const lines = [
    begin,
    `# Written by \`awsx sso sync --sso-session ${session}\`: edits between these markers`,
    "# are replaced on the next sync; put your own profiles outside them.",
  ];
  for (const p of profiles) {
    lines.push(
      "",
      `[profile ${p.name}]`,
      `sso_session = ${session}`,
      `sso_account_id = ${p.accountId}`,
      `sso_role_name = ${p.roleName}`,
    );
    if (region) lines.push(`region = ${region}`);
  }
  lines.push(end);
  return lines;
}

// A marker line of any session, once trimmed.
export const ANY_MARKER = /^# (BEGIN|END) awsx sso sync /;
const trimmed = (l: string) => l.trim();
const markerError = (file: string, what: string) =>
  new AwsxError(
    "E_CONFIG",
    `${file} has ${what}; awsx sso sync will not guess where its block is: keep one BEGIN and ` +
      "one END line around it (or remove the block), then run awsx sso sync again",
  );

// Where the block is: the lines from BEGIN to END, or undefined when the file has neither
// marker. Anything but exactly one BEGIN, then one END, with no marker of any session between
// them, is refused: a block edited by hand (or by an older awsx that wrote a portal's line
// breaks) could otherwise keep lines outside what the next sync replaces.
export function findBlock(
  lines: string[],
  session: string,
  file = "the config file",
): [number, number] | undefined {
  const { begin, end } = markers(session);
  const where = (m: string) => lines.flatMap((l, i) => (trimmed(l) === m ? [i] : []));
  const [begins, ends] = [where(begin), where(end)];
  if (begins.length === 0 && ends.length === 0) return undefined;
  for (const [m, at] of [[begin, begins] as const, [end, ends] as const])
    if (at.length > 1) throw markerError(file, `"${m}" ${lineList(at)}`);
  const [b, e] = [begins[0], ends[0]];
  if (b === undefined) throw markerError(file, `"${end}" (line ${e! + 1}) without "${begin}"`);
  if (e === undefined) throw markerError(file, `"${begin}" (line ${b + 1}) without "${end}"`);
  if (e < b) throw markerError(file, `"${end}" (line ${e + 1}) before "${begin}"`);
  const inner = lines.findIndex((l, i) => i > b && i < e && ANY_MARKER.test(trimmed(l)));
  if (inner >= 0)
    throw markerError(
      file,
      `another sync marker inside the block of "${session}" (line ${inner + 1})`,
    );
  return [b, e];
}

const lineList = (at: number[]) =>
  at.length === 2
    ? `twice (lines ${at[0]! + 1} and ${at[1]! + 1})`
    : `${at.length} times (lines ${at.map((i) => i + 1).join(", ")})`;

// The file's text with the block replaced in place, or appended after a blank line. Every
// byte outside the block stays as it was; the block takes the file's line ending.
export function mergeBlock(text: string, session: string, block: string[], file?: string): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split("\n");
  const found = findBlock(lines, session, file);
  const blockText = block.map((l) => `${l}${eol}`).join("");
  if (found) {
    const [b, e] = found;
    const before = lines
      .slice(0, b)
      .map((l) => `${l}\n`)
      .join("");
    const rest = lines.slice(e + 1).join("\n");
    return before + blockText + rest;
  }
  if (text === "") return blockText;
  const sep = text.endsWith("\n") ? "" : eol;
  const blank = /\n\s*\n$/.test(text + sep) ? "" : eol;
  return text + sep + blank + blockText;
}

// The profile names the user wrote outside the block (which sync never overwrites).
export function userProfileNames(text: string, session: string, file?: string): Set<string> {
  const lines = text.split("\n");
  const found = findBlock(lines, session, file);
  const outside = found ? [...lines.slice(0, found[0]), ...lines.slice(found[1] + 1)] : lines;
  const names = new Set<string>();
  let ini: ReturnType<typeof parseIni>;
  try {
    ini = parseIni(outside.join("\n"));
  } catch {
    return names;
  }
  for (const header of ini.keys()) {
    const name = header === "default" ? "default" : profileNameOf(header);
    if (name) names.add(name);
  }
  return names;
}
