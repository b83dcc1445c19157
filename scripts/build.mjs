// Builds the production entry. The warm path (exec/env/credential-process served from
// the cache) is one CommonJS file: Node 20 loads CJS much faster than ESM, and one file
// means one read and one compile. What only some runs need is bundled apart and
// required on demand: the STS client.
// Source stays modular ESM in src/; dist/ is a build product, built aside and swapped
// in so a test run in progress never sees half a dist/.
import { build } from "esbuild";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
const tmp = `${root}dist.tmp-${process.pid}`;
const old = `${root}dist.old-${process.pid}`;

// Modules loaded with import() that become their own files.
const LAZY = [
  { source: /[\\/]platform[\\/]sts\.js$/, entry: "src/platform/sts.ts", out: "lazy-sts" },
];

const lazyPlugin = (self) => ({
  name: "awsx-lazy",
  setup(b) {
    b.onResolve({ filter: /\.js$/ }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      const full = resolve(args.resolveDir, args.path);
      const lazy = LAZY.find((l) => l.source.test(full) && l.out !== self);
      return lazy ? { path: `./${lazy.out}.cjs`, external: true } : undefined;
    });
  },
});

const common = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external: ["keytar"],
  mainFields: ["module", "main"],
  define: { __AWSX_VERSION__: JSON.stringify(version) },
  // Smaller text compiles faster; names are kept so --debug stacks stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
};

// import.meta.url, which CommonJS lacks: awsx's own use (createRequire) takes a path, so
// the bundles get __filename for free.
const metaUrl = { define: { ...common.define, "import.meta.url": "__filename" } };

try {
  await Promise.all([
    build({ ...common, ...metaUrl, entryPoints: [`${root}src/cli/entry.ts`], outfile: `${tmp}/awsx.cjs`, plugins: [lazyPlugin("awsx")] }),
    ...LAZY.map((l) => build({ ...common, ...metaUrl, entryPoints: [`${root}${l.entry}`], outfile: `${tmp}/${l.out}.cjs`, plugins: [lazyPlugin(l.out)] })),
  ]);
  // import() would start Node's ESM loader for CommonJS files, and bin/awsx.js runs the
  // bundles as vm.Scripts, where import() has no loader at all. So the lazy parts load
  // through bin/awsx.js's code-cached loader (plain require without it) and built-in
  // modules through require; no import() is left.
  for (const name of ["awsx", ...LAZY.map((l) => l.out)]) {
    const file = `${tmp}/${name}.cjs`;
    let text = readFileSync(file, "utf8");
    const strict = text.startsWith('"use strict";') ? '"use strict";' : "";
    text = text
      .slice(strict.length)
      .replace(/\bimport\("(\.\/lazy-[a-z]+\.cjs)"\)/g, '__awsx_lazy("$1")')
      .replace(/\bimport\("(node:[a-z_/0-9]+)"\)/g, 'Promise.resolve().then(() => require("$1"))');
    const left = /\bimport\((?!\))/.exec(text);
    if (left) throw new Error(`${name}.cjs still has an import() at ${text.slice(left.index, left.index + 60)}`);
    // The folder is taken before any bundled code runs: yargs' ESM shim assigns a
    // top-level `var __dirname` of its own (the bundle's file path) in the same scope.
    const loader =
      'const __awsx_dir = __dirname, __awsx_lazy = (f) => Promise.resolve().then(() => (globalThis.__awsxLoadBundle || require)(require("node:path").join(__awsx_dir, f)));\n';
    writeFileSync(file, strict + loader + text);
  }
  writeFileSync(`${tmp}/package.json`, JSON.stringify({ type: "commonjs" }) + "\n");
  try {
    renameSync(`${root}dist`, old);
  } catch {
    // first build
  }
  renameSync(tmp, `${root}dist`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}
