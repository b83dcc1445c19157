// Python's int(str), as botocore applies it to duration_seconds and the metadata settings.
// Whitespace: ASCII's six, plus non-ASCII str.isspace() characters (int() maps those to a
// space first, so \x1c-\x1f, which str.isspace() also accepts, stay invalid).
const SPACE = /^[ \t\n\x0b\x0c\r\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/u;
const SPACE_END = /[ \t\n\x0b\x0c\r\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/u;
// A sign, then decimal digits of any script (Unicode Nd) with single underscores between them.
const BODY = /^[+-]?\p{Nd}+(?:_\p{Nd}+)*$/u;
const DIGIT = /\p{Nd}/u;

// A decimal digit's value: Nd digits come in runs of ten from 0 to 9 (a Unicode stability
// rule), so count back to the start of the run.
function digitValue(cp: number): number {
  let start = cp;
  while (start > 0 && DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

// The number Python's int(text) gives, or undefined where it raises ValueError.
export function pythonInt(text: string): number | undefined {
  const body = text.replace(SPACE, "").replace(SPACE_END, "");
  if (!BODY.test(body)) return undefined;
  let ascii = "";
  for (const ch of body) {
    const cp = ch.codePointAt(0)!;
    if (ch === "_") continue;
    ascii += cp < 128 ? ch : String(digitValue(cp));
  }
  return Number(ascii) + 0; // + 0: int("-0") is 0
}
