import { AwsxError } from "../../errors.js";

// A name list (--each-from) bigger than this is not a list of profiles.
export const NAME_LIST_MAX_BYTES = 1 << 20;

// The names of a --each-from file: one a line, spaces around it trimmed; blank lines and
// lines starting with # skipped. Each is a name as written, never a pattern.
export function parseNameList(bytes: Buffer, source: string): string[] {
  if (bytes.length > NAME_LIST_MAX_BYTES)
    throw new AwsxError("E_USAGE", `${source} is over 1 MiB: not a list of profile names`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new AwsxError("E_USAGE", `${source} is not UTF-8 text; write one profile name a line`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}
