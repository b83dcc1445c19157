// POSIX shell-style splitting as Python's shlex.split does it: botocore uses it
// for section headers ("profile 'a b'") and for credential_process commands.
const WHITESPACE = " \t\r\n";

export class ShlexError extends Error {}

export function shlexSplit(input: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (
        c === "\\" &&
        i + 1 < input.length &&
        (input[i + 1] === '"' || input[i + 1] === "\\")
      )
        word += input[++i];
      else if (c === "\\" && i + 1 >= input.length) throw new ShlexError("No closing quotation");
      else word += c;
      continue;
    }
    if (WHITESPACE.includes(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'" || c === '"') quote = c;
    else if (c === "\\") {
      if (i + 1 >= input.length) throw new ShlexError("No escaped character");
      word += input[++i];
    } else word += c;
  }
  if (quote) throw new ShlexError("No closing quotation");
  if (inWord) words.push(word);
  return words;
}
