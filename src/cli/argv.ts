// Split `awsx ... exec [options] PROFILE [--] COMMAND ARGS...` before yargs sees it:
// yargs would otherwise read the child's own flags (`aws s3 ls --recursive`) as awsx's.
// Options that take a value must be listed so their value is not taken for PROFILE.
export interface SplitArgv {
  awsx: string[];
  command: string[] | undefined;
}

const BOOLEAN_WORDS = new Set(["true", "false"]);

export function splitCommandArgv(argv: string[], commands: string[], valueOptions: ReadonlySet<string>): SplitArgv {
  const at = argv.findIndex((a, i) => commands.includes(a) && !isValueOf(argv, i, valueOptions));
  if (at < 0) return { awsx: argv, command: undefined };
  let profileSeen = false;
  for (let i = at + 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") return { awsx: argv.slice(0, i), command: argv.slice(i + 1) };
    if (a.startsWith("-") && a !== "-") {
      // yargs also reads `--cache false` as a boolean with its value.
      if (!a.includes("=") && (valueOptions.has(a) || BOOLEAN_WORDS.has(argv[i + 1] ?? ""))) i++;
      continue;
    }
    if (!profileSeen) {
      profileSeen = true;
      continue;
    }
    return { awsx: argv.slice(0, i), command: argv.slice(i) };
  }
  return { awsx: argv, command: undefined };
}

function isValueOf(argv: string[], i: number, valueOptions: ReadonlySet<string>): boolean {
  const prev = argv[i - 1];
  return prev !== undefined && !prev.includes("=") && valueOptions.has(prev);
}
