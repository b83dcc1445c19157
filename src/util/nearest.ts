// Optimal string alignment distance (an edit, or two letters swapped, costs 1).
function distance(a: string, b: string): number {
  const width = b.length + 1;
  const d: number[] = [];
  const at = (i: number, j: number): number => d[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) {
    for (let j = 0; j <= b.length; j++) {
      let best = Math.max(i, j);
      if (i > 0 && j > 0) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          best = Math.min(best, at(i - 2, j - 2) + 1);
        }
      }
      d[i * width + j] = best;
    }
  }
  return at(a.length, b.length);
}

// The name the user most likely meant: a prefix of it, or at most two edits away
// (one for short words), else undefined.
export function nearest(word: string, names: Iterable<string>): string | undefined {
  const all = [...names];
  if (word.length >= 3) {
    const prefixed = all.filter((n) => n.startsWith(word));
    if (prefixed.length === 1) return prefixed[0];
  }
  const limit = word.length <= 3 ? 1 : 2;
  let best: { name: string; d: number } | undefined;
  for (const name of all) {
    const d = distance(word, name);
    if (d <= limit && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}
