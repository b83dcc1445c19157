import { AwsxError } from "../errors.js";

// The options `awsx import` moves out of a credentials file section.
const KEY_OPTIONS = new Set(["aws_access_key_id", "aws_secret_access_key"]);

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isComment = (t: string): boolean => t.startsWith("#") || t.startsWith(";");
// configparser's SECTCRE on the stripped line: the text between "[" and the last "]".
const headerOf = (t: string): string | undefined => /^\[(.+)\]/.exec(t)?.[1];
const optionOf = (t: string): string | undefined =>
  /^([^=:]+?)\s*[=:]/.exec(t)?.[1]?.trim().toLowerCase();

// The credentials file's text without the key pair of [profile]: its two option lines (and
// any continuation lines of theirs) go, every other byte stays, the header included.
export function withoutKeyLines(text: string, profile: string): string {
  const lines = text.split(/(?<=\n)/);
  const keep: string[] = [];
  let section: string | undefined;
  let found = 0;
  let seen = false;
  // Indent of the option being dropped: deeper, non-blank lines continue its value.
  let dropping: number | undefined;
  for (const line of lines) {
    const t = line.trim();
    if (dropping !== undefined && t !== "" && indentOf(line) > dropping) continue;
    dropping = undefined;
    const header = t !== "" && !isComment(t) ? headerOf(t) : undefined;
    if (header !== undefined) {
      section = header;
      seen ||= header === profile;
    } else if (section === profile && t !== "" && !isComment(t)) {
      const option = optionOf(t);
      if (option !== undefined && KEY_OPTIONS.has(option)) {
        found++;
        dropping = indentOf(line);
        continue;
      }
    }
    keep.push(line);
  }
  if (!seen || found !== 2) {
    throw new AwsxError(
      "E_CONFIG",
      `could not find exactly one aws_access_key_id and one aws_secret_access_key in ` +
        `[${profile}] of the credentials file (found ${found}); move the keys by hand: ` +
        `\`awsx add ${profile}\`, then delete the two lines`,
      { profile },
    );
  }
  return keep.join("");
}
