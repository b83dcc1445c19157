// Builds the production entry. The warm path (exec/env/credential-process served from
// the cache) is one CommonJS file: one read and one compile, and CommonJS starts faster
// than an ES module (docs/performance.md). What only some runs need is bundled apart and
// required on demand (LAZY below). Source stays modular ESM in src/; dist/ is a build
// product, built aside and swapped in so a test run in progress never sees half a dist/.
// esbuild writes the bundles as they are: nothing here edits their text.
import { build } from "esbuild";
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
const tmp = `${root}dist.tmp-${process.pid}`;
const old = `${root}dist.old-${process.pid}`;

// Modules loaded with import() that become files of their own, dist/<out>.cjs.
const LAZY = [
  // The AWS SDK's STS client (~580 KB): only runs that call STS load it.
  { entry: "src/platform/sts.ts", out: "lazy-sts" },
  // The SDK's SSO OIDC client (sign-in, token refresh) and SSO portal client (role
  // credentials, listings, logout): only SSO runs that miss the cache load them.
  { entry: "src/platform/ssoOidc.ts", out: "lazy-sso-oidc" },
  { entry: "src/platform/ssoPortal.ts", out: "lazy-sso-portal" },
  // The loopback listener of the browser sign-in.
  { entry: "src/platform/callbackServer.ts", out: "lazy-sso-callback" },
  // The AWS SDK's IAM client: only `awsx rotate` loads it.
  { entry: "src/platform/iam.ts", out: "lazy-iam" },
  // The profile picker (@inquirer/search and its parts, ~47 KB): only exec, env and login
  // with no profile on a terminal load it.
  { entry: "src/platform/profilePicker.ts", out: "lazy-picker" },
  // proper-lockfile: only a run that fetches (a cache miss) takes a lock.
  { entry: "src/platform/properLockfile.ts", out: "lazy-lockfile" },
  // Telling the agent (docs/agent.md) to forget what it holds: clear, remove, rotate, sso...
  { entry: "src/cli/tellAgent.ts", out: "lazy-agentTell" },
  // The runs of the commands people use now and then: src/cli/commands/X.run.ts is the run of
  // the command whose spec is X.ts beside it, bundled apart as dist/lazy-X.cjs (the spec, which
  // the parser and help need, stays in the warm bundle): 78 KB less, with proper-lockfile, to
  // load on every exec. A new X.run.ts is a lazy bundle without a line here.
  ...readdirSync(`${root}src/cli/commands`)
    .filter((f) => f.endsWith(".run.ts"))
    .map((f) => ({ entry: `src/cli/commands/${f}`, out: `lazy-${f.slice(0, -".run.ts".length)}` })),
];

// Built-in modules the warm path does not use, yet modules in the warm bundle import (the file
// store, SSO token files, helpers run as children, ...): in dist/awsx.cjs each becomes a module
// of stand-ins that require the real one at their first call, so a warm `exec` never loads it
// (`node:crypto` alone costs ~7 ms). Functions only: an import of anything else (a class to
// extend, a constant, a default import) fails the build, which is the sign to leave that
// module off this list. __tests__/e2e/warmPath.test.ts checks a warm exec loads none of them.
const LAZY_BUILTINS = [
  "node:crypto",
  "node:fs/promises",
  "node:child_process",
  "node:timers/promises",
];
// The same for the agent's client (dist/agent-client.cjs, run before every `awsx exec`): the
// socket only when there is an agent to ask, the terminal check only with a character device
// on stdio, the agent's start only when there is none.
const CLIENT_LAZY_BUILTINS = ["node:net", "node:tty", "node:child_process"];

const lazyBuiltinsPlugin = (list) => ({
  name: "awsx-lazy-builtins",
  setup(b) {
    const filter = new RegExp(`^(${list.join("|")})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === "lazy-builtin"
        ? { path: args.path, external: true }
        : { path: args.path, namespace: "lazy-builtin" },
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, async (args) => {
      const real = await import(args.path);
      const names = Object.keys(real).filter(
        (k) => k !== "default" && typeof real[k] === "function",
      );
      const stand = names.map((k) => `export function ${k}(...a) { return load().${k}(...a); }`);
      const load = `let m;\nconst load = () => (m ??= require(${JSON.stringify(args.path)}));`;
      return { contents: `${load}\n${stand.join("\n")}\n`, loader: "js" };
    });
  },
});
const lazyBuiltinsOf = { awsx: LAZY_BUILTINS, "agent-client": CLIENT_LAZY_BUILTINS };

// An import() of a LAZY module becomes external, pointing to its built file; with
// dynamic-import unsupported (below) esbuild itself emits require("./<out>.cjs") for it.
const lazyPlugin = (self) => ({
  name: "awsx-lazy",
  setup(b) {
    b.onResolve({ filter: /\.js$/ }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      const source = resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts");
      const lazy = LAZY.find((l) => resolve(root, l.entry) === source && l.out !== self);
      return lazy ? { path: `./${lazy.out}.cjs`, external: true } : undefined;
    });
  },
});

const common = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node22",
  // import() of a CommonJS file would start Node's ESM loader: require() instead, for the
  // lazy files and the built-in modules alike.
  supported: { "dynamic-import": false },
  // A native binary per platform, installed as a runtime dependency.
  external: ["@napi-rs/keyring"],
  mainFields: ["module", "main"],
  // awsx's own import.meta.url use (createRequire) takes a path as well as a URL.
  define: { __AWSX_VERSION__: JSON.stringify(version), "import.meta.url": "__filename" },
  // Smaller text compiles faster; names are kept so --debug stacks stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
};

const bundle = (entry, out, extra = {}) =>
  build({
    ...common,
    ...extra,
    define: { ...common.define, ...extra.define },
    entryPoints: [`${root}${entry}`],
    outfile: `${tmp}/${out}.cjs`,
    plugins: [
      lazyPlugin(out),
      ...(lazyBuiltinsOf[out] ? [lazyBuiltinsPlugin(lazyBuiltinsOf[out])] : []),
    ],
  });

try {
  await Promise.all([
    bundle("src/cli/main.ts", "awsx"),
    // The agent's process (docs/agent.md), started by its client.
    bundle("src/cli/agent/main.ts", "agent"),
    // The agent's client, required by bin/awsx.js for `awsx exec` before dist/awsx.cjs: what a
    // warm run through the agent loads (the direct path's execve, src/exec/replaceProcess.ts,
    // and little else).
    bundle("src/cli/agentClient/viaAgent.ts", "agent-client"),
    ...LAZY.map(({ entry, out, ...extra }) => bundle(entry, out, extra)),
  ]);
  writeFileSync(`${tmp}/package.json`, `${JSON.stringify({ type: "commonjs" })}\n`);
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
