import type { Command } from "../command.js";

const SHELLS = ["bash", "zsh", "fish"] as const;
type Shell = (typeof SHELLS)[number];

// Each script hands the words typed after `awsx` (the current one last) to
// `awsx __complete --` and offers the lines it prints; nothing of the answer is ever
// evaluated by the shell (a profile may be named `$(rm -rf ~)`), and what is inserted into
// the command line is quoted: the line runs when the user presses Enter.
const SCRIPTS: Record<Shell, string> = {
  // compgen -W would expand the words: they are read line by line instead (bash 3.2 has
  // no mapfile). bash inserts COMPREPLY as it is, so each candidate is quoted with %q
  // (-o filenames would quote too, but shows a name with a / by its last part only).
  // -o default: files when awsx has nothing (exec's command and its args).
  bash: `###-begin-awsx-completions-###
# awsx completion for bash: awsx completion bash >> ~/.bashrc
_awsx_completions() {
  local line
  COMPREPLY=()
  while IFS= read -r line; do
    printf -v line %q "$line"
    COMPREPLY+=("$line")
  done < <(awsx __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
}
complete -o default -F _awsx_completions awsx
###-end-awsx-completions-###
`,
  // compadd (without -Q) and fish quote what they insert themselves.
  zsh: `###-begin-awsx-completions-###
# awsx completion for zsh: awsx completion zsh >> ~/.zshrc
_awsx() {
  local out
  out=$(awsx __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)
  if [[ -n $out ]]; then
    compadd -- "\${(@f)out}"
  else
    _default
  fi
}
(( $+functions[compdef] )) || { autoload -Uz compinit && compinit; }
compdef _awsx awsx
###-end-awsx-completions-###
`,
  fish: `# awsx completion for fish: awsx completion fish > ~/.config/fish/completions/awsx.fish
function __awsx_complete
    set -l words (commandline -opc)
    set -e words[1]
    awsx __complete -- $words (commandline -ct) 2>/dev/null
end
complete -c awsx -f -a '(__awsx_complete)'
`,
};

// The shell the user runs, when they did not name one.
const shellOf = (env: Record<string, string | undefined>): Shell => {
  const name = (env.SHELL ?? "").split("/").pop() as Shell;
  return SHELLS.includes(name) ? name : "bash";
};

// awsx completion [bash|zsh|fish].
export const completion: Command = {
  name: "completion",
  summary: "Print a bash, zsh or fish completion script (commands, options, profile names)",
  usage: "[bash|zsh|fish]",
  options: [],
  args: [
    {
      name: "shell",
      required: false,
      choices: SHELLS,
      describe: "The shell (default: the one $SHELL names, else bash)",
    },
  ],
  examples: [
    ["awsx completion bash >> ~/.bashrc", ""],
    ["awsx completion zsh >> ~/.zshrc", ""],
    ["awsx completion fish > ~/.config/fish/completions/awsx.fish", ""],
  ],
  run: async (input, deps) => {
    deps.out(SCRIPTS[(input.shell as Shell | undefined) ?? shellOf(deps.env)]);
    return 0;
  },
};
