// Builds the production entry: one ESM bundle for the warm path, with the parts
// only some runs need (STS client, keychain, prompts) split into chunks that are
// loaded on demand. Source stays modular in src/; dist/ is a build product.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { awsx: "src/cli/entry.ts" },
  outdir: "dist",
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
