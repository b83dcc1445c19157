// Builds one RegExp from pieces written as regex literals, so an expected message longer
// than a line stays a regex literal (same escapes) split over lines. Every piece carries
// the same flags.
export function joinRegExp(...parts: RegExp[]): RegExp {
  const flags = parts[0]?.flags ?? "";
  if (parts.some((p) => p.flags !== flags)) throw new Error("joinRegExp: pieces differ in flags");
  return new RegExp(parts.map((p) => p.source).join(""), flags);
}
