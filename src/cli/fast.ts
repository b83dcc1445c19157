import { splitCommandArgv } from "./argv.js";
import { camel, CREDENTIAL_OPTIONS, ENV_OPTIONS, EXEC_OPTIONS, GLOBAL_OPTIONS, VALUE_FLAGS, type OptionSpec } from "./options.js";

export type FastCommandName = "exec" | "env" | "credential-process";

export class FastUsageError extends Error {}

export interface FastCommand {
  command: FastCommandName;
  profile: string;
  flags: Record<string, unknown>;
  // exec: the child's argv (undefined: start the shell).
  childArgv?: string[];
}

const OPTIONS_OF: Record<FastCommandName, OptionSpec[]> = {
  exec: [...GLOBAL_OPTIONS, ...CREDENTIAL_OPTIONS, ...EXEC_OPTIONS],
  env: [...GLOBAL_OPTIONS, ...CREDENTIAL_OPTIONS, ...ENV_OPTIONS],
  "credential-process": [...GLOBAL_OPTIONS, ...CREDENTIAL_OPTIONS],
};

// The commands run thousands of times a day, parsed without loading yargs. Anything
// this does not fully understand (help, unknown or malformed flags, extra words)
// returns undefined, and yargs parses it, so help stays yargs'. An unknown flag or a
// missing profile is reported here: yargs would take `--bogus PROFILE` for a flag's value.
export function parseFast(argv: string[]): FastCommand | undefined {
  // yargs answers shell completion requests.
  if (argv.includes("--get-yargs-completions")) return undefined;
  const names = Object.keys(OPTIONS_OF) as FastCommandName[];
  const { awsx, command } = splitCommandArgv(argv, ["exec"], VALUE_FLAGS);
  const name = awsx.find((a, i) => names.includes(a as FastCommandName) && !VALUE_FLAGS.has(awsx[i - 1] ?? ""));
  if (!name) return undefined;
  const cmd = name as FastCommandName;
  const specs = OPTIONS_OF[cmd];
  const flags: Record<string, unknown> = {};
  for (const s of specs) if (s.default !== undefined) flags[camel(s.name)] = s.default;
  const positionals: string[] = [];
  for (let i = 0; i < awsx.length; i++) {
    const a = awsx[i]!;
    if (!a.startsWith("-") || a === "-") {
      positionals.push(a);
      continue;
    }
    let key: string;
    let value: string | undefined;
    let negated = false;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      key = eq < 0 ? a.slice(2) : a.slice(2, eq);
      value = eq < 0 ? undefined : a.slice(eq + 1);
    } else {
      if (a.length !== 2) return undefined;
      key = a.slice(1);
    }
    if (["help", "h", "version"].includes(key)) return undefined;
    let spec = specs.find((s) => s.name === key || s.alias === key);
    if (!spec && key.startsWith("no-")) {
      spec = specs.find((s) => s.name === key.slice(3) && s.type === "boolean");
      negated = true;
    }
    if (!spec) throw new FastUsageError(`unknown option ${a.split("=")[0]} for awsx ${cmd}; see awsx ${cmd} --help`);
    if (spec.type === "boolean") {
      if (value === undefined && (awsx[i + 1] === "true" || awsx[i + 1] === "false")) value = awsx[++i];
      if (value !== undefined && value !== "true" && value !== "false") return undefined;
      flags[camel(spec.name)] = (value ?? "true") === "true" ? !negated : negated;
      continue;
    }
    if (negated) return undefined;
    if (value === undefined) value = awsx[++i];
    if (value === undefined) return undefined;
    if (spec.choices && !spec.choices.includes(value)) return undefined;
    if (spec.type === "number") {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n)) return undefined;
      flags[camel(spec.name)] = n;
    } else flags[camel(spec.name)] = value;
  }
  // positionals: the command name, the profile, and (exec without "--") nothing else.
  if (positionals[0] !== cmd) return undefined;
  if (positionals.length === 1) throw new FastUsageError(`awsx ${cmd} needs a profile: awsx ${cmd} PROFILE${cmd === "exec" ? " [--] COMMAND [ARGS...]" : ""}`);
  if (positionals.length !== 2) return undefined;
  if (cmd !== "exec" && command !== undefined) return undefined;
  return { command: cmd, profile: positionals[1]!, flags, ...(cmd === "exec" ? { childArgv: command } : {}) };
}
