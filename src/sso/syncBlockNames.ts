import { AwsxError } from "../errors.js";
import { parseIni } from "../config/ini.js";
import { profileNameOf } from "../config/load.js";
import { findBlock } from "./syncBlock.js";

// The profiles of the block `awsx sso sync` wrote for a session (--each-sync), in file order.
export function syncBlockNames(text: string, session: string, file: string): string[] {
  const lines = text.split("\n");
  const found = findBlock(lines, session, file);
  if (!found)
    throw new AwsxError(
      "E_USAGE",
      `--each-sync ${JSON.stringify(session)}: ${file} has no block of awsx sso sync for ` +
        `sso-session "${session}"; run awsx sso sync --sso-session ${session} first`,
    );
  const ini = parseIni(lines.slice(found[0] + 1, found[1]).join("\n"));
  return [...ini.keys()].flatMap((h) => profileNameOf(h) ?? []);
}
