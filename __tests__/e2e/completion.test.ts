// `awsx completion` driven in real shells: bash's completion function called as readline
// would (COMP_WORDS/COMP_CWORD), zsh's with compadd caught, fish's through `complete -C`.
// Each asks the built awsx (`awsx __complete -- WORDS...`) found on PATH, as a user's
// shell does. Profile names full of shell syntax come back as they are and never run.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AWSX_BIN, runDetached } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { needsForTest } from "../helpers/requirements.js";

const withBash = await needsForTest("bash");
const withZsh = await needsForTest("zsh");
const withFish = await needsForTest("fish");

let home: TempHome;
let env: Record<string, string>;
let canary: string;
// Names a shell would run or expand if it evaluated what awsx prints.
let nasty: string[];

beforeAll(() => {
  home = makeHome();
  canary = path.join(home.dir, "pwned");
  nasty = [`$(touch ${canary})`, "*", "it's"];
  const keys = "aws_access_key_id = AKIAFAKECOMPLETION01\naws_secret_access_key = fake\n";
  writeFileSync(
    home.configFile,
    ["prod", "prod-eu", "target1"].map((n) => `[profile ${n}]\nregion = us-east-1\n`).join(""),
  );
  // The credentials file takes a section name verbatim.
  writeFileSync(home.credentialsFile, nasty.map((n) => `[${n}]\n${keys}`).join(""));
  const bin = path.join(home.dir, "bin");
  mkdirSync(bin);
  const shim = path.join(bin, "awsx");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${AWSX_BIN}" "$@"\n`);
  chmodSync(shim, 0o755);
  env = home.env({ PATH: `${bin}:${process.env.PATH}`, SHELL: "/bin/sh" });
});
afterAll(() => home?.cleanup());
afterEach(() => expect(existsSync(canary)).toBe(false));

async function lines(shell: string, script: string, words: string[]): Promise<string[]> {
  // fish reads the typed line from the environment (it would take `--debug` for its own).
  const [args, line] = shell === "fish" ? [[], { LINE: words.join(" ") }] : [[shell, ...words], {}];
  const r = await runDetached(shell, ["-c", script, ...args], { ...env, ...line }, 30_000);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  return r.stdout.split("\n").filter(Boolean);
}

// The words typed after `awsx` (the one being completed last), and what must be offered.
const CASES: Array<[string[], string[]]> = [
  [["e"], ["exec", "env", "explain", "export"]],
  [
    ["exec", "pr"],
    ["prod", "prod-eu"],
  ],
  [["--debug", "exec", "ta"], ["target1"]],
  [["exec", "--re"], ["--region"]],
  [["exec", "--backend", "k"], ["keychain"]],
  [["env", "prod", "--format", "p"], ["powershell"]],
  [
    ["completion", ""],
    ["bash", "zsh", "fish"],
  ],
  [["help", "cre"], ["credential-process"]],
];

const BASH = `source <(awsx completion bash)
complete -p awsx
COMP_WORDS=(awsx "$@"); COMP_CWORD=$#
_awsx_completions
printf '%s\\n' "\${COMPREPLY[@]}"`;

withBash("bash: the script registers its function and completes from the table", async () => {
  for (const [words, expected] of CASES) {
    const [registered, ...offered] = await lines("bash", BASH, words);
    expect(registered).toBe("complete -o default -F _awsx_completions awsx");
    expect({ words, offered }).toEqual({ words, offered: expected });
  }
  // Nothing from awsx inside exec's child command: bash's default (files) takes over.
  expect(await lines("bash", BASH, ["exec", "prod", "aws", ""])).toHaveLength(1);
});

withBash(
  "bash: profile names with shell syntax come back as they are, never evaluated",
  async () => {
    const offered = (await lines("bash", BASH, ["exec", ""])).slice(1);
    expect(offered).toEqual(["prod", "prod-eu", "target1", ...nasty]);
  },
);

// compdef is stubbed so the script does not run compinit; compadd prints what it is given.
const ZSH = `compdef() { print -r -- "compdef $*"; }
eval "$(awsx completion zsh)"
compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@"; }
_default() { print -r -- "(default)"; }
words=(awsx "$@"); CURRENT=$(( $# + 1 ))
_awsx`;

withZsh("zsh: the script registers _awsx and completes from the table", async () => {
  for (const [words, expected] of CASES) {
    const [registered, ...offered] = await lines("zsh", ZSH, words);
    expect(registered).toBe("compdef _awsx awsx");
    expect({ words, offered }).toEqual({ words, offered: expected });
  }
  expect((await lines("zsh", ZSH, ["exec", "prod", "aws", ""])).slice(1)).toEqual(["(default)"]);
  expect((await lines("zsh", ZSH, ["exec", ""])).slice(1)).toEqual([
    "prod",
    "prod-eu",
    "target1",
    ...nasty,
  ]);
});

withZsh("zsh: without compinit loaded, the script loads it and registers _awsx", async () => {
  const script = `eval "$(awsx completion zsh)"; print -r -- $_comps[awsx]`;
  const r = await runDetached("zsh", ["-f", "-c", script], { ...env, ZDOTDIR: home.dir }, 30_000);
  expect({ code: r.code, stdout: r.stdout.trim() }).toEqual({ code: 0, stdout: "_awsx" });
});

// A real interactive zsh in a pseudo-terminal (zsh/zpty): compinit, the script, the line
// typed with a TAB, then the completed line written to a file (print drops the trailing space).
const ZPTY = `zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z 'PS1="> "; autoload -Uz compinit; compinit -u -D'
zpty -w z 'eval "$(awsx completion zsh)"; print RE""ADY'
zpty -r z out '*READY*' || exit 3
zpty -w -n z "$LINE"$'\t'
sleep 1
zpty -w -n z $'\x01print -r -- \x05 >| "$OUT"; print DO""NE\n'
zpty -r z out '*DONE*' || exit 4
zpty -d z
cat -- "$OUT"`;

withZsh("zsh: TAB in an interactive zsh completes a profile and a choice", async () => {
  const rows: Array<[string, string]> = [
    ["awsx exec ta", "awsx exec target1"],
    ["awsx env prod --format po", "awsx env prod --format powershell"],
    ["awsx cred", "awsx credential-process"],
  ];
  for (const [typed, completed] of rows) {
    const out = path.join(home.dir, "zpty-line");
    const r = await runDetached(
      "zsh",
      ["-f", "-c", ZPTY],
      { ...env, LINE: typed, OUT: out },
      30_000,
    );
    expect({ typed, code: r.code, line: r.stdout }).toEqual({
      typed,
      code: 0,
      line: `${completed}\n`,
    });
  }
});

// fish's own completion engine: `complete -C LINE` prints what TAB would offer.
const FISH = `awsx completion fish | source
complete -C "awsx $LINE"`;

withFish("fish: complete -C offers the table's candidates", async () => {
  for (const [words, expected] of CASES) {
    const offered = (await lines("fish", FISH, words)).map((l) => l.split("\t")[0]);
    expect({ words, offered: offered.sort() }).toEqual({ words, offered: [...expected].sort() });
  }
  const names = (await lines("fish", FISH, ["exec", ""])).map((l) => l.split("\t")[0]);
  expect(names.sort()).toEqual(["prod", "prod-eu", "target1", ...nasty].sort());
});

withBash(
  "bash: profiles whose keys only awsx stores are offered too (the stored-keys index)",
  async () => {
    // The index `awsx add` keeps in the cache folder: names only, one per line.
    const cacheDir = path.join(home.dir, "stored-cache");
    mkdirSync(cacheDir, { mode: 0o700 });
    writeFileSync(path.join(cacheDir, "stored-keys"), "prod\nstored-only\n", { mode: 0o600 });
    const r = await runDetached(
      "bash",
      ["-c", BASH, "bash", "exec", "st"],
      { ...env, AWSX_CACHE_DIR: cacheDir },
      30_000,
    );
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout.split("\n").filter(Boolean).slice(1)).toEqual(["stored-only"]);
  },
);
