// An INI reader that behaves like Python's configparser.RawConfigParser, which
// the AWS CLI uses. @smithy/shared-ini-file-loader's parseIni differs from it on
// points users hit (inline "#" kept as value text, ":" as a delimiter, key case,
// continuation lines, duplicate sections and malformed lines being errors), so
// awsx cannot use it to read the files and still read them as `aws` does.

type IniValue = string | Record<string, string>;
export type IniSection = Record<string, IniValue>;
export type IniFile = Map<string, IniSection>;

export class IniParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

// Python's str.isspace() set: what str.strip() removes and \S does not match.
const PY_SPACE =
  /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
export const isPySpace = (c: string): boolean => PY_SPACE.test(c);

function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isPySpace(s[a]!)) a++;
  while (b > a && isPySpace(s[b - 1]!)) b--;
  return s.slice(a, b);
}

function firstNonSpace(line: string): number {
  for (let i = 0; i < line.length; i++) if (!isPySpace(line[i]!)) return i;
  return -1;
}

const SECTION = /^\[(.+)\]/su;

// A value's lines with their line numbers, so errors can name a line without quoting it.
type Lines = Array<{ text: string; line: number }>;

interface Pending {
  section: Record<string, Lines>;
  name: string;
}

// Parse text into sections of lower-cased keys. `[DEFAULT]` keys apply to every
// section, as configparser's defaults do. Values that start with a newline are
// botocore's nested sub-sections ("s3 =\n  addressing_style = path").
export function parseIni(text: string): IniFile {
  const raw = new Map<string, Record<string, Lines>>();
  const defaults: Record<string, Lines> = {};
  const seen = new Set<string>();
  let current: Record<string, Lines> | undefined;
  let sectionName = "";
  let option: Pending | undefined;
  let indentLevel = 0;
  let firstError: IniParseError | undefined;

  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, index) => {
    const lineno = index + 1;
    const stripped = pyStrip(line);
    const isComment = stripped.startsWith("#") || stripped.startsWith(";");
    const value = isComment ? "" : stripped;
    if (!value) {
      if (!isComment && option) option.section[option.name]!.push({ text: "", line: lineno });
      return;
    }
    const indent = Math.max(firstNonSpace(line), 0);
    if (current && option && indent > indentLevel) {
      option.section[option.name]!.push({ text: value, line: lineno });
      return;
    }
    indentLevel = indent;
    const header = SECTION.exec(value);
    if (header) {
      sectionName = header[1]!;
      if (sectionName === "DEFAULT") {
        current = defaults;
      } else if (raw.has(sectionName)) {
        if (seen.has(sectionName))
          throw new IniParseError(
            `section "${sectionName}" appears twice (line ${lineno})`,
            lineno,
          );
        current = raw.get(sectionName);
      } else {
        current = {};
        raw.set(sectionName, current);
      }
      seen.add(sectionName);
      option = undefined;
      return;
    }
    if (!current)
      throw new IniParseError(`line ${lineno} comes before any [section] header`, lineno);
    // configparser's option pattern: everything up to the first "=" or ":" is the key.
    const delimiter = value.search(/[=:]/);
    if (delimiter < 0) {
      firstError ??= new IniParseError(
        `line ${lineno} is neither "[section]" nor "key = value"`,
        lineno,
      );
      return;
    }
    const name = pyStrip(value.slice(0, delimiter)).toLowerCase();
    if (!name) firstError ??= new IniParseError(`line ${lineno} has a value but no key`, lineno);
    const key = `${sectionName}\u0000${name}`;
    if (seen.has(key))
      throw new IniParseError(
        `key "${name}" appears twice in [${sectionName}] (line ${lineno})`,
        lineno,
      );
    seen.add(key);
    current[name] = [{ text: pyStrip(value.slice(delimiter + 1)), line: lineno }];
    option = { section: current, name };
  });
  if (firstError) throw firstError;

  const result: IniFile = new Map();
  for (const [name, section] of raw) {
    const merged: IniSection = {};
    for (const [k, v] of Object.entries({ ...defaults, ...section })) {
      const joined = trimPyEnd(v.map((l) => l.text).join("\n"));
      merged[k] = joined.startsWith("\n") ? parseNested(v) : joined;
    }
    result.set(name, merged);
  }
  return result;
}

function trimPyEnd(s: string): string {
  let b = s.length;
  while (b > 0 && isPySpace(s[b - 1]!)) b--;
  return s.slice(0, b);
}

// A value on the lines after its key ("s3 =\n  addressing_style = path"). An error names the
// line, never its text: that text may be a secret put on the wrong line.
function parseNested(value: Lines): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { text, line } of value) {
    for (const part of text.split(/\r\n|\r|\n|\x0b|\x0c|\x1c|\x1d|\x1e|\x85|\u2028|\u2029/u)) {
      const l = pyStrip(part);
      if (!l) continue;
      const eq = l.indexOf("=");
      if (eq < 0) {
        throw new IniParseError(
          `line ${line} is in a nested value (the lines after "key =") but has no "="`,
          line,
        );
      }
      out[pyStrip(l.slice(0, eq))] = pyStrip(l.slice(eq + 1));
    }
  }
  return out;
}
