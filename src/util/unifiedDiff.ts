// A unified diff of two texts, line by line, with 3 lines of context (what `diff -u`
// prints; empty when they are equal). Common head and tail lines are cut first; the rest
// is matched by longest common subsequence, or replaced whole when it is too large for that.
const CONTEXT = 3;
const MAX_CELLS = 4_000_000;

type Op = [" " | "-" | "+", string];

// The diff of a to b, labelled with the two file names.
export function unifiedDiff(a: string, b: string, fromLabel: string, toLabel: string): string {
  if (a === b) return "";
  const x = splitLines(a);
  const y = splitLines(b);
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (
    tail < x.length - head &&
    tail < y.length - head &&
    x[x.length - 1 - tail] === y[y.length - 1 - tail]
  )
    tail++;
  const ops: Op[] = [
    ...x.slice(0, head).map((l): Op => [" ", l]),
    ...middle(x.slice(head, x.length - tail), y.slice(head, y.length - tail)),
    ...x.slice(x.length - tail).map((l): Op => [" ", l]),
  ];
  return `--- ${fromLabel}\n+++ ${toLabel}\n${hunks(ops).join("")}`;
}

// Lines without their newline; a last line without one is marked as diff marks it.
function splitLines(s: string): string[] {
  if (s === "") return [];
  const lines = s.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  else lines[lines.length - 1] += "\n\\ No newline at end of file";
  return lines;
}

function middle(x: string[], y: string[]): Op[] {
  if (x.length * y.length > MAX_CELLS)
    return [...x.map((l): Op => ["-", l]), ...y.map((l): Op => ["+", l])];
  // lcs[i][j]: the longest common subsequence of x[i..] and y[j..].
  const lcs = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i]![j] =
        x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      ops.push([" ", x[i++]!]);
      j++;
    } else if (i < x.length && (j >= y.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Removals before additions, as diff -u shows a changed line.
      ops.push(["-", x[i++]!]);
    } else {
      ops.push(["+", y[j++]!]);
    }
  }
  return ops;
}

// The changed runs with their context, as @@ -start,count +start,count @@ hunks.
function hunks(ops: Op[]): string[] {
  const out: string[] = [];
  const changed = ops.map((o, k) => (o[0] !== " " ? k : -1)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k]! - CONTEXT);
    let last = changed[k]!;
    while (k + 1 < changed.length && changed[k + 1]! - last <= 2 * CONTEXT) last = changed[++k]!;
    const end = Math.min(ops.length, last + CONTEXT + 1);
    k++;
    let aLine = 1;
    let bLine = 1;
    for (const [t] of ops.slice(0, start)) {
      if (t !== "+") aLine++;
      if (t !== "-") bLine++;
    }
    const body = ops.slice(start, end);
    const aCount = body.filter(([t]) => t !== "+").length;
    const bCount = body.filter(([t]) => t !== "-").length;
    const at = (line: number, count: number) => `${count === 0 ? line - 1 : line},${count}`;
    out.push(`@@ -${at(aLine, aCount)} +${at(bLine, bCount)} @@\n`);
    for (const [t, l] of body) out.push(`${t}${l}\n`);
  }
  return out;
}
