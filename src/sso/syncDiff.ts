import { createTwoFilesPatch, FILE_HEADERS_ONLY, formatPatch } from "diff";

// How many line edits the diff library may look for before it gives up. Its search costs
// about the square of the edits: measured on a 3,000-profile config with every role renamed
// (~6,000 edits), no limit took 12 s, this one gives up after 0.25 s; a sync that changes a
// few hundred lines stays under it.
const MAX_EDITS = 1000;

// `awsx sso sync --dry-run`'s output: the change to the config file as a unified diff (the
// `diff -u` form patch(1) applies, 3 lines of context), nothing when there is none. The
// `diff` package writes it; a file name with a control or non-ASCII character is C-quoted in
// the header, as git and GNU patch read it. Past MAX_EDITS the change is one hunk: every
// line between the first and the last that differ, removed and added.
export function syncDiff(before: string, after: string, file: string, maxEdits = MAX_EDITS) {
  if (before === after) return "";
  const newName = `${file} (awsx sso sync)`;
  const options = { context: 3, headerOptions: FILE_HEADERS_ONLY, maxEditLength: maxEdits };
  const fine = createTwoFilesPatch(file, newName, before, after, undefined, undefined, options);
  if (fine !== undefined) return fine;
  return formatPatch(
    {
      oldFileName: file,
      newFileName: newName,
      oldHeader: undefined,
      newHeader: undefined,
      hunks: [wholeHunk(lines(before), lines(after))],
    },
    FILE_HEADERS_ONLY,
  );
}

// A text's lines, each with its "\n" (the last one may have none).
const lines = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

// One hunk from the first differing line to the last, with 3 lines of context around it.
function wholeHunk(a: string[], b: string[]) {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  const room = Math.min(a.length, b.length) - head;
  while (tail < room && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const from = Math.max(0, head - 3);
  const after = a.slice(a.length - tail, a.length - tail + 3);
  const hunk = [
    ...a.slice(from, head).map((l) => ` ${l}`),
    ...a.slice(head, a.length - tail).map((l) => `-${l}`),
    ...b.slice(head, b.length - tail).map((l) => `+${l}`),
    ...after.map((l) => ` ${l}`),
  ];
  const context = head - from + after.length;
  return {
    oldStart: from + 1,
    oldLines: context + a.length - tail - head,
    newStart: from + 1,
    newLines: context + b.length - tail - head,
    // As the library writes hunk lines: without their "\n", a line that had none marked.
    lines: hunk.flatMap((l) => (l.endsWith("\n") ? [l.slice(0, -1)] : [l, NO_EOL])),
  };
}

const NO_EOL = "\\ No newline at end of file";
