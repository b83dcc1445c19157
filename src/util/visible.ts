// Text for a terminal, with every control character but newline and tab written as \xHH.
// Names, ARNs and messages come from config files, helpers and servers: raw, an escape
// sequence in one could move the cursor, rewrite lines, retitle the window or set the
// clipboard (OSC 52), and a carriage return could hide the rest of the line.
export const visible = (text: string): string =>
  text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, hex);

const hex = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
