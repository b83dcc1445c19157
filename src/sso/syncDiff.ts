import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";

// `awsx sso sync --dry-run`'s output: the change to the config file as a unified diff (the
// `diff -u` form patch(1) applies, 3 lines of context), nothing when there is none. The
// `diff` package writes it; a file name with a control or non-ASCII character is C-quoted in
// the header, as git and GNU patch read it.
export function syncDiff(before: string, after: string, configFile: string): string {
  if (before === after) return "";
  return createTwoFilesPatch(
    configFile,
    `${configFile} (awsx sso sync)`,
    before,
    after,
    undefined,
    undefined,
    { context: 3, headerOptions: FILE_HEADERS_ONLY },
  );
}
