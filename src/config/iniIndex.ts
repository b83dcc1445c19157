import { type IniSection, isPySpace, parseIni } from "./ini.js";

// A config file read the fast way: one pass over the text that finds where each section is
// and proves that parseIni would accept the file, then each section parsed only when asked.
// An `sso sync` config has thousands of sections and a run reads two or three of them;
// parsing them all cost a warm run ~200 ms at 10,000 (docs/performance.md, the config at scale).
export interface IniIndex {
  // The section headers, in file order, and each header's number in that order.
  headers: string[];
  numbers: Pick<ReadonlyMap<string, number>, "get">;
  // Where section i's lines start in `text` (its header line) is starts[i]; where they end,
  // starts[i + 1] or the text's end.
  starts: number[];
  text: string;
  // The numbers of the headers other than a plain "profile NAME" (load.ts unplainOf), when
  // the index was stored with them (src/platform/configIndexCache.ts).
  unplain?: number[];
}

// A code unit that Python's str.strip() removes (ASCII tested here, the rest by ini.ts).
const space = (c: number): boolean =>
  c <= 32
    ? c === 32 || (c >= 9 && c <= 13) || c >= 28
    : c > 127 && isPySpace(String.fromCharCode(c));

// Characters str.splitlines() breaks at inside one line of the file: a nested value holding
// one is left to parseIni.
const LINE_BREAKS = /[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]/u;

// One line of a nested value, as botocore's _parse_nested reads it: "key = value". A line
// holding a line break of str.splitlines() is split there by botocore: left to parseIni.
const nestedLineOk = (line: string): boolean => line.includes("=") && !LINE_BREAKS.test(line);

// Up to PLAIN_LINES lines of a section as `aws configure` and `sso sync` write them, then the
// next header or the end of the file: blank lines, "#" or ";" comments, and "key = value" from
// the line's start, its key holding no delimiter or space (so parseIni splits the line at its
// first "="), and not written again further down the section (a repeated key is an error;
// the keys are ASCII, so /i compares them as parseIni does, lower-cased). The bound keeps the
// search for a repeated key linear in the file's size (each line is looked at from at most
// PLAIN_LINES lines above it); a longer section is read line by line.
const PLAIN_LINES = 64;
const PLAIN_BODY = new RegExp(
  String.raw`(?:(?:([\w.-]+) *=(?!(?:[^\n]*\n(?!\[)){0,${PLAIN_LINES - 1}}?\1 *=)[^\r\n]*` +
    String.raw`|[#;][^\r\n]*|[ \t]*)\n){0,${PLAIN_LINES}}(?=\[[^\r\n]+\]|$)`,
  "iy",
);

// The index of a file whose every line parseIni reads without error, or undefined: then the
// file has an error, a [DEFAULT] section (its keys go into every section) or a nested value
// with a line break of its own, and the caller parses it whole with parseIni, which gives
// the exact result or error. The line rules are parseIni's (ini.ts), step for step.
export function indexIni(text: string): IniIndex | undefined {
  const headers: string[] = [];
  const numbers = new Map<string, number>();
  const starts: number[] = [];
  let keys: string[] = []; // the open section's, lower-cased as parseIni compares them
  let option = false; // an option is open: more-indented lines continue it
  let nested = false; // and its first line was empty: its continuation lines are "x = y"
  let indentLevel = 0;
  let cr = text.indexOf("\r");
  const crlf = cr >= 0;
  for (let pos = 0; pos < text.length; ) {
    // The line is [pos, end); \r\n, \r and \n end it, as Python's universal newlines.
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    if (cr >= 0 && cr < pos) cr = text.indexOf("\r", pos);
    if (cr >= 0 && cr < end) end = cr;
    const line = pos;
    pos = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    // [a, b): the line stripped.
    let a = line;
    let b = end;
    while (a < b && space(text.charCodeAt(a))) a++;
    while (b > a && space(text.charCodeAt(b - 1))) b--;
    const first = text.charCodeAt(a);
    if (a === b || first === 35 || first === 59) continue; // blank, or a "#" or ";" comment
    const indent = a - line;
    if (starts.length > 0 && option && indent > indentLevel) {
      // A continuation line: a nested value's must be "key = value".
      if (nested && !nestedLineOk(text.slice(a, b))) return undefined;
      continue;
    }
    indentLevel = indent;
    const close = first === 91 ? text.lastIndexOf("]", b - 1) : -1;
    if (close > a + 1) {
      // "[name]" (the last "]" on the line; text after it is ignored).
      const name = text.slice(a + 1, close);
      if (name === "DEFAULT" || numbers.has(name)) return undefined;
      numbers.set(name, headers.length);
      headers.push(name);
      starts.push(line);
      keys = [];
      option = false;
      // Most sections hold only lines as `aws configure` and `sso sync` write them: those
      // are passed in one step when no key repeats (docs/performance.md measures it).
      PLAIN_BODY.lastIndex = pos;
      if (indent === 0 && !crlf && PLAIN_BODY.test(text)) pos = PLAIN_BODY.lastIndex;
      continue;
    }
    // "key = value" or "key: value", split at the first "=" or ":".
    let d = a;
    while (d < b && text.charCodeAt(d) !== 61 && text.charCodeAt(d) !== 58) d++;
    let k = d;
    while (k > a && space(text.charCodeAt(k - 1))) k--;
    if (starts.length === 0 || d === b || k === a) return undefined;
    const key = text.slice(a, k).toLowerCase();
    if (keys.includes(key)) return undefined;
    keys.push(key);
    option = true;
    let v = d + 1;
    while (v < b && space(text.charCodeAt(v))) v++;
    nested = v === b;
  }
  return { headers, numbers, starts, text };
}

// An index that does not fit its text: only an index read back from awsx's cache can be one.
export class IndexMismatch extends Error {}

// Section i of an indexed file, as parseIni(whole file) would give it: the section's own
// lines parsed alone (the file has no [DEFAULT], so no other line adds to it). Its start and
// the next section's must be their headers' lines: an index read back from awsx's cache
// (src/platform/configIndexCache.ts) is checked here for the sections a run reads.
export function sectionOf(index: IniIndex, i: number): IniSection | undefined {
  const { starts, headers, text } = index;
  const start = starts[i]!;
  const next = starts[i + 1];
  const fits =
    headerAt(text, start, headers[i]!) &&
    (next === undefined || (next > start && headerAt(text, next, headers[i + 1]!)));
  if (!fits) throw new IndexMismatch(`section ${i + 1} is not where its index says`);
  return parseIni(text.slice(start, next ?? text.length)).get(headers[i]!);
}

// Whether a line of the text starts at `at` and is the header "[name]" after an indent.
function headerAt(text: string, at: number, name: string): boolean {
  if (!Number.isInteger(at) || at < 0 || typeof name !== "string") return false;
  if (at > 0 && text.charCodeAt(at - 1) !== 10 && text.charCodeAt(at - 1) !== 13) return false;
  let p = at;
  while (p < text.length && text.charCodeAt(p) !== 91)
    if (!space(text.charCodeAt(p++))) return false;
  return text.startsWith(name, p + 1) && text.charCodeAt(p + 1 + name.length) === 93;
}
