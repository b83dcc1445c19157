import { type IniFile, parseIni } from "../config/ini.js";
import { profileNameOf } from "../config/load.js";
import { AwsxError } from "../errors.js";
import { shown } from "./portalValues.js";
import { ANY_MARKER, findBlock, markers, type SyncProfile } from "./syncBlock.js";

// Before `awsx sso sync` writes, it reads what it would write back with awsx's own INI parser
// (configparser's rules): the block alone, then the whole file. Anything but exactly the
// sections, keys and values it meant refuses the write, whatever let it through: the portal's
// values are checked where they arrive (portalValues.ts), this is the writer's own check.

// The sections a block means: header -> keys and values.
export type MeantSections = Map<string, Record<string, string>>;

// What a line break is to any reader of the file: configparser's (\n, \r) and str.splitlines'
// (\v, \f, \x1c-\x1e, \x85, U+2028, U+2029: nested values are split on them).
const BREAK = /[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/u;

const notAsMeant = (session: string, file: string, why: string) =>
  new AwsxError(
    "E_CONFIG",
    `the profiles awsx sso sync would write for sso-session "${session}" do not read back ` +
      `as written (${why}); nothing was written to ${file}`,
  );

// The sections, keys and values a block of these profiles means.
export function meantSections(session: string, profiles: SyncProfile[], region?: string) {
  const meant: MeantSections = new Map();
  for (const p of profiles)
    meant.set(`profile ${p.name}`, {
      sso_session: session,
      sso_account_id: p.accountId,
      sso_role_name: p.roleName,
      ...(region ? { region } : {}),
    });
  return meant;
}

// Why a parsed file's sections are not the meant ones (with `extra` keys in each, the file's
// [DEFAULT] section), or undefined when they are.
function mismatch(ini: IniFile, meant: MeantSections, extra: Record<string, string>) {
  for (const [header, keys] of meant) {
    const got = ini.get(header);
    if (!got) return `no [${header}]`;
    const want: Record<string, string> = { ...extra, ...keys };
    const names = new Set([...Object.keys(got), ...Object.keys(want)]);
    const bad = [...names].find((k) => got[k] !== want[k]);
    if (bad !== undefined) {
      const key = /^[\w.-]+$/.test(bad) ? bad : shown(bad);
      return `[${header}] ${key} reads ${shown(got[bad])}`;
    }
    if (profileNameOf(header) !== header.slice("profile ".length))
      return `[${header}] names another profile`;
  }
  return undefined;
}

function parsed(text: string, session: string, file: string): IniFile {
  try {
    return parseIni(text);
  } catch (e) {
    throw notAsMeant(session, file, `${(e as Error).message}`);
  }
}

// The block's lines, read back alone: one marker line at each end and none between, no line
// break inside a line, exactly the meant sections.
export function checkBlock(block: string[], session: string, meant: MeantSections, file: string) {
  const { begin, end } = markers(session);
  const broken = block.findIndex((l) => BREAK.test(l));
  if (broken >= 0) throw notAsMeant(session, file, `line ${broken + 1} holds a line break`);
  const inner = block.slice(1, -1).some((l) => ANY_MARKER.test(l.trim()));
  if (block[0] !== begin || block.at(-1) !== end || inner)
    throw notAsMeant(session, file, "a marker line out of place");
  const ini = parsed(block.join("\n"), session, file);
  const why = mismatch(ini, meant, {});
  if (why) throw notAsMeant(session, file, why);
  if (ini.size !== meant.size) throw notAsMeant(session, file, "a section it did not mean");
}

// The keys a [DEFAULT] section gives every section of the file (configparser's defaults).
function defaultsOf(text: string): Record<string, string> {
  const probe = "\u0000awsx sso sync probe";
  try {
    const section = parseIni(`${text}\n[${probe}]\n`).get(probe) ?? {};
    const strings: Record<string, string> = {};
    for (const [k, v] of Object.entries(section)) if (typeof v === "string") strings[k] = v;
    return strings;
  } catch {
    return {};
  }
}

// The file after the merge: the block found again, whole, and its sections read in the file as
// alone, so no line of the user's after it continues or adds to its last profile.
export function checkMerged(
  after: string,
  session: string,
  block: string[],
  meant: MeantSections,
  file: string,
) {
  const lines = after.split("\n");
  const found = findBlock(lines, session, file);
  const again = found && lines.slice(found[0], found[1] + 1).map((l) => l.replace(/\r$/, ""));
  if (!again || again.join("\n") !== block.join("\n"))
    throw notAsMeant(session, file, "the block is not found whole in the file");
  const why = mismatch(parsed(after, session, file), meant, defaultsOf(after));
  if (why)
    throw notAsMeant(
      session,
      file,
      `${why} in the file: a line after "${markers(session).end}" may continue or add to ` +
        "the block's last profile; put your lines under a [section] header",
    );
}
