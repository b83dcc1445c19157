import { visible } from "../util/printable.js";

// Rows as aligned columns (two spaces apart, the last column not padded): awsx list's
// sections, and any other listing. Every row has the header's length. Cells are made
// visible() first: they hold profile names and labels from the files and the cache.
export function alignedTable(raw: readonly (readonly string[])[]): string[] {
  const rows = raw.map((r) => r.map(visible));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

// One part of `awsx list`: a title, then aligned rows under a header (more kinds of cached
// things, SSO tokens or stored keys, are more sections).
export interface ListSection {
  title?: string;
  header: string[];
  rows: string[][];
  // Shown instead of the table when there is no row.
  empty?: string;
}

// The sections one after another, a blank line apart; a titled section's table is indented.
export function renderSections(sections: ListSection[]): string {
  const lines: string[] = [];
  for (const s of sections) {
    if (lines.length) lines.push("");
    if (s.title) lines.push(s.title);
    if (s.rows.length === 0 && s.empty) lines.push(`  ${s.empty}`);
    else lines.push(...alignedTable([s.header, ...s.rows]).map((l) => (s.title ? `  ${l}` : l)));
  }
  return `${lines.join("\n")}\n`;
}
