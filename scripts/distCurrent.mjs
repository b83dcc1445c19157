// Whether dist/ was built after every input of the build changed: the demo (and anyone)
// can then skip `node scripts/build.mjs`. Inputs: src/**, package.json, scripts/build.mjs.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const OUTPUTS = ["awsx.cjs", "lazy-sts.cjs"];

function newestUnder(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestUnder(p) : statSync(p).mtimeMs);
  }
  return newest;
}

// { current: boolean, why: string } for the checkout at root.
export function distCurrent(root) {
  const outputs = OUTPUTS.map((f) => path.join(root, "dist", f));
  const missing = outputs.find((f) => !existsSync(f));
  if (missing) return { current: false, why: `${path.relative(root, missing)} is missing` };
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const inputs = Math.max(
    newestUnder(path.join(root, "src")),
    ...["package.json", path.join("scripts", "build.mjs")].map(
      (f) => statSync(path.join(root, f)).mtimeMs,
    ),
  );
  return inputs > built
    ? { current: false, why: "a source file changed after the last build" }
    : { current: true, why: "dist/ is newer than every source file" };
}
