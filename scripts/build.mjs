// Builds the production entry: one small ESM file for the warm path, with the parts
// only some runs need (yargs, STS client, keychain, prompts) split into chunks loaded
// on demand. Source stays modular in src/; dist/ is a build product. The new tree is
// built aside and swapped in, so a test run in progress never sees half a dist/.
import { build } from "esbuild";
import { readFileSync, renameSync, rmSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
const tmp = `${root}dist.tmp-${process.pid}`;
const old = `${root}dist.old-${process.pid}`;
try {
  await build({
    entryPoints: { awsx: `${root}src/cli/entry.ts` },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["keytar"],
    mainFields: ["module", "main"],
    chunkNames: "chunks/[name]-[hash]",
    banner: {
      js: "import { createRequire as __awsxCreateRequire } from 'node:module'; const require = __awsxCreateRequire(import.meta.url);",
    },
    define: { __AWSX_VERSION__: JSON.stringify(version) },
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
  });
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
