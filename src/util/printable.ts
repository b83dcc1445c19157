// Characters a terminal acts on instead of showing: C0 and C1 controls (escape sequences that
// move the cursor, retitle the window, write to the clipboard), DEL, the line and paragraph
// separators, and the Unicode bidirectional controls that reorder what is shown.
const UNPRINTABLE = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/gu;
// The same, but newline and tab, for text that is laid out in lines (messages, tables).
const UNPRINTABLE_IN_LINES = /[^\P{Cc}\n\t]|[\p{Bidi_Control}\u2028\u2029]/gu;

const escaped = (c: string): string => {
  const n = c.codePointAt(0)!;
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u${n.toString(16)}`;
};

// A string from outside (an SSO portal's or OIDC service's answer, a browser's callback) made
// safe to print on a terminal: every control character written out as \xNN or \uNNNN, and
// cut to `max` characters when given (never a message that may hold a secret: the redactor
// must see it whole).
export function printable(text: string, max = Number.POSITIVE_INFINITY): string {
  const chars = text.length > max ? Array.from(text) : [];
  const cut = chars.length > max ? `${chars.slice(0, max).join("")}...` : text;
  return cut.replace(UNPRINTABLE, escaped);
}

// Text for a terminal that keeps its newlines and tabs (every log line, prompts, tables):
// names, ARNs and messages come from config files, helpers and servers, and raw, an escape
// sequence in one could rewrite lines or set the clipboard (OSC 52), and a carriage return
// could hide the rest of the line.
export const visible = (text: string): string => text.replace(UNPRINTABLE_IN_LINES, escaped);
