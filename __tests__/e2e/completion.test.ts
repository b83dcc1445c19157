// `awsx completion` driven in real shells: bash's completion function called as readline
// would (COMP_WORDS/COMP_CWORD), zsh's with compadd caught, fish's through `complete -C`.
// Each asks the built awsx (`awsx __complete -- WORDS...`) found on PATH, as a user's
// shell does. Profile names full of shell syntax come back as they are and never run.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AWSX_BIN, runDetached } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { onPtySteps } from "../helpers/pty.js";
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
  // Names with a control character are never offered (a tab, a terminal escape).
  const control = ["ta\tb", "esc\x1b[2Jx"];
  writeFileSync(
    home.credentialsFile,
    [...nasty, ...control].map((n) => `[${n}]\n${keys}`).join(""),
  );
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
  "bash: profile names with shell syntax come back quoted for the line (%q), never evaluated",
  async () => {
    const offered = (await lines("bash", BASH, ["exec", ""])).slice(1);
    const quoted = [`\\$\\(touch\\ ${canary}\\)`, "\\*", "it\\'s"];
    expect(offered).toEqual(["prod", "prod-eu", "target1", ...quoted]);
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

// TAB in a real interactive shell on a pseudo-terminal, then the line run as it stands (with
// `printf` put in front, so what the shell would pass to awsx is printed, not run): the
// completed profile name must reach the command as one word, unchanged, and nothing in it
// may run. bash inserts what the script offers as it is; zsh and fish quote themselves.
describe("TAB, then Enter: the inserted profile name is quoted", () => {
  // Each starts with a letter no other has, so TAB has one candidate.
  const NAMES = [
    "x$(touch canary)",
    "b`touch canary`",
    "m;touch canary",
    `q'uote "d" $HOME`,
    "s p*?[a]",
    "g{a,b}",
  ];
  let pty: TempHome;
  let ptyEnv: Record<string, string>;
  beforeAll(() => {
    const keys = "aws_access_key_id = AKIAFAKECOMPLETION02\naws_secret_access_key = fake\n";
    pty = makeHome({ credentials: NAMES.map((n) => `[${n}]\n${keys}`).join("") });
    const bin = path.join(pty.dir, "bin");
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, "awsx"),
      `#!/bin/sh\nexec "${process.execPath}" "${AWSX_BIN}" "$@"\n`,
      { mode: 0o755 },
    );
    writeFileSync(
      path.join(pty.dir, "bashrc"),
      'PS1="> "\nsource <(awsx completion bash)\necho RE""ADY\n',
    );
    writeFileSync(
      path.join(pty.dir, ".zshrc"),
      'PS1="> "\nautoload -Uz compinit; compinit -u -D\neval "$(awsx completion zsh)"\n' +
        'echo RE""ADY\n',
    );
    mkdirSync(path.join(pty.dir, ".config", "fish"), { recursive: true });
    // Without this folder an interactive fish starts fish_update_completions in the background,
    // which may still be writing there when the home is removed.
    mkdirSync(path.join(pty.dir, ".local", "fish", "generated_completions"), { recursive: true });
    writeFileSync(
      path.join(pty.dir, ".config", "fish", "config.fish"),
      'awsx completion fish | source\necho RE""ADY\n',
    );
    ptyEnv = pty.env({
      PATH: `${bin}:${process.env.PATH}`,
      SHELL: "/bin/sh",
      ZDOTDIR: pty.dir,
      XDG_CONFIG_HOME: path.join(pty.dir, ".config"),
      XDG_DATA_HOME: path.join(pty.dir, ".local"),
      TERM: "dumb",
      OUT: path.join(pty.dir, "out"),
    });
  });
  afterAll(() => pty?.cleanup());
  afterEach(() => {
    const ran = existsSync(path.join(pty.dir, "canary"));
    rmSync(path.join(pty.dir, "canary"), { force: true });
    rmSync(path.join(pty.dir, "out"), { force: true });
    expect(ran).toBe(false);
  });

  // For each name: its first letter, TAB, then Ctrl-A `printf '%s\n' ` Ctrl-E `>> $OUT`.
  const steps = NAMES.map((name, i) => ({
    after: i === 0 ? "READY" : `DONE${i - 1}`,
    type: `awsx exec ${name[0]}\t\x01printf "%s\\n" \x05 >> "$OUT"; echo DO""NE${i}\n`,
  }));
  const SHELLS: Array<[jest.It, string, string]> = [
    [withBash, "bash", "bash --rcfile bashrc --noprofile -i"],
    [withZsh, "zsh", "zsh -i"],
    [withFish, "fish", "fish -i"],
  ];

  for (const [test, shell, command] of SHELLS)
    test(`${shell}: each name is inserted quoted, and nothing of it runs`, async () => {
      const all = [...steps, { after: `DONE${NAMES.length - 1}`, type: "exit\n" }];
      const r = await onPtySteps(command, ptyEnv, all, { cwd: pty.dir, timeoutMs: 40_000 });
      const out = path.join(pty.dir, "out");
      const printed = existsSync(out) ? readFileSync(out, "utf8") : `(nothing) ${r.terminal}`;
      expect(printed).toBe(NAMES.map((n) => `awsx\nexec\n${n}\n`).join(""));
    });
});
