// The layers of src/ as docs/architecture.md draws them, checked: the table under its
// "## Layers" heading lists, top first, the folders and files of each layer. A file may import
// files of its own folder (or file) row entry freely and anything in the layers below its
// own; never a layer above, never a neighbour in its own layer. No file may reach itself
// through its imports (a cycle), type-only imports included: they tie the files together
// for a reader just as much. Every src file must sit in some layer and be named in the doc.
// The imports are read with the TypeScript compiler's own scanner (ts.preProcessFile).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SRC = path.join(ROOT, "src");
const DOC = "docs/architecture.md";

type Graph = Map<string, string[]>;

// The layer table: the backquoted names in the second column of the first table after
// "## Layers" (the rows under its |---| line), one array per row, top first.
function layerTable(markdown: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l.trim() === "## Layers");
  const rows: string[][] = [];
  let inRows = false;
  for (const line of start < 0 ? [] : lines.slice(start + 1)) {
    if (line.startsWith("## ") || (inRows && !line.startsWith("|"))) break;
    const cells = line.split("|").map((c) => c.trim());
    if (inRows) rows.push([...(cells[2] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    else if (line.startsWith("|") && /^:?-+:?$/.test(cells[1] ?? "")) inRows = true;
  }
  if (rows.length === 0 || rows.some((r) => r.length === 0))
    throw new Error(`${DOC}: no table under "## Layers", or a row that names nothing`);
  return rows;
}

// The row entry a file belongs to: the longest name that is the file or a folder above it.
function entryOf(file: string, layers: string[][]): { name: string; layer: number } | undefined {
  let best: { name: string; layer: number } | undefined;
  layers.forEach((row, layer) => {
    for (const name of row)
      if ((file === name || file.startsWith(`${name}/`)) && name.length > (best?.name.length ?? -1))
        best = { name, layer };
  });
  return best;
}

// Every import that breaks the table, in words that name the file, the import and the rule.
function layerViolations(graph: Graph, layers: string[][]): string[] {
  const found: string[] = [];
  const label = (e: { name: string; layer: number }) => `\`${e.name}\` (layer ${e.layer + 1})`;
  for (const [file, imports] of graph) {
    const from = entryOf(file, layers);
    if (!from) {
      found.push(`src/${file} is in no layer: add it (or its folder) to ${DOC}'s layer table`);
      continue;
    }
    for (const target of imports) {
      const to = entryOf(target, layers);
      if (!to || to.name === from.name || to.layer > from.layer) continue;
      const rule =
        to.layer === from.layer
          ? "a layer's entries do not import each other"
          : "imports point down the layers only";
      found.push(`src/${file} imports src/${target}: ${label(from)} -> ${label(to)}; ${rule}`);
    }
  }
  return found;
}

// Every cycle of the graph (one per strongly connected component), as a path that comes back
// to its start: Tarjan's algorithm.
function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = stack.splice(stack.indexOf(v));
    if (component.length > 1 || graph.get(v)?.includes(v))
      found.push(loopThrough(component, graph));
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

// One path inside a strongly connected component from its first file back to it.
function loopThrough(component: string[], graph: Graph): string[] {
  const inside = new Set(component);
  const start = component[0]!;
  const before = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = before.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (inside.has(w) && !before.has(w)) {
        before.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component, start];
}

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(path.join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [path.relative(SRC, path.join(dir, e.name)).split(path.sep).join("/")]
        : [],
  );

// A relative import ("./x.js", "../y/index.js") as the src file it names.
function resolveImport(file: string, spec: string): string | undefined {
  const base = path.join(SRC, path.dirname(file), spec.replace(/\.js$/, ""));
  const hit = [".ts", ".d.ts", "/index.ts"].map((s) => base + s).find((p) => existsSync(p));
  return hit && path.relative(SRC, hit).split(path.sep).join("/");
}

// src/'s import graph: every static import, export ... from, import() and require() of a
// file under src/ (packages and node: modules are outside the layers).
function srcGraph(): { graph: Graph; unresolved: string[] } {
  const graph: Graph = new Map();
  const unresolved: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(path.join(SRC, file), "utf8");
    const imports = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((i) => i.fileName)
      .filter((spec) => spec.startsWith("."));
    const targets: string[] = [];
    for (const spec of imports) {
      const target = resolveImport(file, spec);
      if (target) targets.push(target);
      else unresolved.push(`src/${file} imports ${spec}, which is no file under src/`);
    }
    graph.set(file, [...new Set(targets)]);
  }
  return { graph, unresolved };
}

// Named: its whole path, or its file name on a line of the doc that names a folder above it.
function namedIn(markdown: string, file: string): boolean {
  if (markdown.includes(`src/${file}`)) return true;
  const folders = path.dirname(file).split("/");
  const above = folders.map((_, i) => `src/${folders.slice(0, i + 1).join("/")}/`);
  return markdown
    .split("\n")
    .some((l) => l.includes(path.basename(file)) && above.some((f) => l.includes(f)));
}

const doc = readFileSync(path.join(ROOT, DOC), "utf8");
const { graph, unresolved } = srcGraph();

describe("src/'s imports follow docs/architecture.md's layer table", () => {
  // Read in each test, so a doc without the table fails these and leaves the checker's own.
  const layers = () => layerTable(doc);

  test("every relative import names a file under src/", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(unresolved).toEqual([]);
  });

  test("no file outside the layers, no import up or across them", () => {
    expect(layerViolations(graph, layers())).toEqual([]);
  });

  test("no import cycle", () => {
    expect(cycles(graph).map((c) => c.map((f) => `src/${f}`).join(" -> "))).toEqual([]);
  });

  test("every name in the table is a file or folder of src/", () => {
    const missing = layers()
      .flat()
      .filter((name) => !existsSync(path.join(SRC, name)));
    expect(missing).toEqual([]);
  });

  test("every src file is named in docs/architecture.md", () => {
    const unnamed = [...graph.keys()].filter((f) => !namedIn(doc, f)).map((f) => `src/${f}`);
    expect(unnamed).toEqual([]);
  });
});

describe("the checker itself", () => {
  const layers = [["cli"], ["credentials", "cache"], ["plan"], ["util", "errors.ts"]];
  const g = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges));

  test("an import down the layers, or within an entry, passes", () => {
    const ok = g({
      "cli/a.ts": ["cli/b.ts", "credentials/c.ts", "util/log.ts"],
      "credentials/c.ts": ["credentials/steps/d.ts", "plan/p.ts", "errors.ts"],
    });
    expect(layerViolations(ok, layers)).toEqual([]);
  });

  test("an import up the layers fails, naming the file, the import and the rule", () => {
    expect(layerViolations(g({ "plan/p.ts": ["cli/deps.ts"] }), layers)).toEqual([
      "src/plan/p.ts imports src/cli/deps.ts: `plan` (layer 3) -> `cli` (layer 1); " +
        "imports point down the layers only",
    ]);
  });

  test("an import across one layer fails", () => {
    expect(layerViolations(g({ "cache/x.ts": ["credentials/y.ts"] }), layers)).toEqual([
      "src/cache/x.ts imports src/credentials/y.ts: `cache` (layer 2) -> `credentials` " +
        "(layer 2); a layer's entries do not import each other",
    ]);
  });

  test("a file in no layer fails", () => {
    expect(layerViolations(g({ "agent/a.ts": [] }), layers)).toEqual([
      `src/agent/a.ts is in no layer: add it (or its folder) to ${DOC}'s layer table`,
    ]);
  });

  test("the longest entry wins: a file row above its folder's row", () => {
    const split = [["cli/entry.ts"], ["cli"]];
    expect(entryOf("cli/entry.ts", split)).toEqual({ name: "cli/entry.ts", layer: 0 });
    expect(entryOf("cli/entryPoint.ts", split)).toEqual({ name: "cli", layer: 1 });
    expect(layerViolations(g({ "cli/parse.ts": ["cli/entry.ts"] }), split)).toHaveLength(1);
  });

  test("a cycle is found and shown as a path back to its start", () => {
    const loop = g({
      "a.ts": ["b.ts"],
      "b.ts": ["c.ts", "d.ts"],
      "c.ts": ["a.ts"],
      "d.ts": [],
    });
    expect(cycles(loop)).toEqual([["a.ts", "b.ts", "c.ts", "a.ts"]]);
    expect(cycles(g({ "a.ts": ["a.ts"] }))).toEqual([["a.ts", "a.ts"]]);
    expect(cycles(g({ "a.ts": ["b.ts"], "b.ts": [] }))).toEqual([]);
  });

  test("the doc's table is read row by row, top first", () => {
    const md = [
      "## Layers",
      "",
      "| Layer | Holds | Why |",
      "|---|---|---|",
      "| 1 | `cli/entry.ts` | the entry |",
      "| 2 | `a`, `b/c` | two |",
      "",
      "| x | `not` | another table |",
    ].join("\n");
    expect(layerTable(md)).toEqual([["cli/entry.ts"], ["a", "b/c"]]);
    expect(() => layerTable("# nothing")).toThrow(/no table/);
  });
});
