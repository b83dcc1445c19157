import picomatch from "picomatch";
import { AwsxError } from "../../errors.js";
import { printable } from "../../util/printable.js";

// Where the names of `awsx exec --each` come from: each --each value (a name or a glob over
// the profile names), and lists of plain names (--each-from FILE, --each-sync SESSION).
export interface Selection {
  patterns: readonly string[];
  lists: ReadonlyArray<{ source: string; names: readonly string[] }>;
}

// More profiles than this need --max: a glob such as '*' over an organisation's sync can
// match hundreds, and each one runs the command with live credentials.
export const DEFAULT_MAX = 200;

const shown = (s: string) => JSON.stringify(printable(s, 100));
// '!' as a first character is a name, never "every profile but": a typo must not widen a run.
const OPTIONS = { dot: true, nonegate: true } as const;
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// The profiles a pattern names: itself when it is a profile's exact name (a name is never
// read as a pattern) or no glob at all, else the names it matches, sorted. `*` stays within
// one part of a name split at `/` (sso sync's account/role), `**` crosses them.
function expand(pattern: string, known: readonly string[]): string[] {
  if (known.includes(pattern) || !picomatch.scan(pattern).isGlob) return [pattern];
  const match = picomatch(pattern, OPTIONS);
  const found = known.filter((n) => match(n)).sort(byName);
  if (found.length === 0)
    throw new AwsxError(
      "E_USAGE",
      `--each ${shown(pattern)} matches no profile; see the names with awsx list`,
    );
  return found;
}

// The profiles to run in, each once, in the order given (a glob's matches sorted by name);
// a usage error for a glob or list that selects nothing, and for more than `max` profiles.
export function selectProfiles(sel: Selection, known: readonly string[], max: number): string[] {
  const chosen = new Set<string>();
  const sizes: Array<[string, number]> = [];
  for (const pattern of sel.patterns) {
    const names = expand(pattern, known);
    sizes.push([`--each ${shown(pattern)}`, names.length]);
    for (const n of names) chosen.add(n);
  }
  for (const { source, names } of sel.lists) {
    if (names.length === 0) throw new AwsxError("E_USAGE", `${source} names no profile`);
    sizes.push([source, names.length]);
    for (const n of names) chosen.add(n);
  }
  if (chosen.size > max) {
    const [what, n] = sizes.sort((a, b) => b[1] - a[1])[0]!;
    throw new AwsxError(
      "E_USAGE",
      `the selection holds ${chosen.size} profiles (${what}: ${n}), more than --max ${max}; ` +
        `narrow it, or pass --max ${chosen.size} to run them all`,
    );
  }
  return [...chosen];
}
