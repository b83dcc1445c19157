import { AwsxError } from "../errors.js";
import { AWSX_SECRETS, ENV_SET_VARIABLES, REMOVED_VARIABLES } from "./childEnv.js";

export const ENV_FORMATS = ["sh", "fish", "powershell", "dotenv", "json"] as const;
export type EnvFormat = (typeof ENV_FORMATS)[number];

// POSIX single quotes keep every byte but NUL; a quote is closed, escaped, reopened.
const shQuote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
// fish: inside single quotes only \\ and \' are special.
const fishQuote = (v: string): string => `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
// PowerShell single-quoted strings double an embedded quote (any of its quote characters).
const psQuote = (v: string): string =>
  `'${v.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
// A dotenv value every common reader takes literally: python-dotenv, docker compose
// (compose-go), Node's --env-file and `set -a; . ./.env` in sh. Single quotes when the value
// has no ' and no \ (python-dotenv and compose read \' and \\ inside them); else double
// quotes when it also has none of " $ ` (sh runs $(...) and `...`, compose expands $X).
// python-dotenv expands ${X} inside any quotes and has no escape for it, and turns a CR into
// LF in a file: no quoting carries those, so such a value is refused, never half-quoted.
function dotenvQuote(name: string, v: string, profile: string | undefined): string {
  if (!/\$\{|\r/.test(v)) {
    if (!/[\\']/.test(v)) return `'${v}'`;
    if (!/[\\"$`]/.test(v)) return `"${v}"`;
  }
  const of = profile === undefined ? "" : ` (profile ${JSON.stringify(profile)})`;
  throw new AwsxError(
    "E_USAGE",
    `${name}${of} cannot be written to a dotenv file that every reader takes as it is ` +
      "(it holds ${, a carriage return, a backslash, or a single quote together with a double " +
      "quote, a dollar sign or a backtick); use --format json or sh",
  );
}

const profileOf = (vars: Array<[string, string]>) => vars.find(([k]) => k === "AWSX_PROFILE")?.[1];

// The text `eval "$(awsx env P)"` (or its fish/PowerShell/dotenv/JSON equivalent) runs:
// unset what the exec contract removes (but the user's own AWSX_* settings), then set the
// new variables.
export function formatEnv(vars: Array<[string, string]>, format: EnvFormat): string {
  for (const [, v] of vars)
    if (v.includes("\0"))
      throw new AwsxError(
        "E_INTERNAL",
        "a variable value contains a NUL byte and cannot be exported",
      );
  const set = new Set(vars.map(([k]) => k));
  const keep = new Set<string>(AWSX_SECRETS);
  const unset = REMOVED_VARIABLES.filter((k) => !set.has(k) && !keep.has(k));
  switch (format) {
    case "sh":
      return `${[
        ...unset.map((k) => `unset ${k};`),
        ...vars.map(([k, v]) => `export ${k}=${shQuote(v)};`),
      ].join("\n")}\n`;
    case "fish":
      // `set -e` of an unset variable leaves status 4, which `set -gx` carries on: end on
      // `true` so `awsx env P -f fish | source; and cmd` runs cmd.
      return `${[
        ...unset.map((k) => `set -e ${k};`),
        ...vars.map(([k, v]) => `set -gx ${k} ${fishQuote(v)};`),
        "true;",
      ].join("\n")}\n`;
    case "powershell":
      return `${[
        ...unset.map((k) => `Remove-Item Env:${k} -ErrorAction SilentlyContinue`),
        ...vars.map(([k, v]) => `$Env:${k} = ${psQuote(v)}`),
      ].join("\n")}\n`;
    case "dotenv":
      return `${vars.map(([k, v]) => `${k}=${dotenvQuote(k, v, profileOf(vars))}`).join("\n")}\n`;
    case "json":
      return `${JSON.stringify(Object.fromEntries(vars), null, 2)}\n`;
  }
}

// `awsx env --unset`: remove every variable `awsx env` may have set, in a shell syntax.
export function formatUnset(format: EnvFormat): string {
  const names = [...ENV_SET_VARIABLES];
  switch (format) {
    case "sh":
      return `${names.map((k) => `unset ${k};`).join("\n")}\n`;
    case "fish":
      return `${[...names.map((k) => `set -e ${k};`), "true;"].join("\n")}\n`;
    case "powershell": {
      const removals = names.map((k) => `Remove-Item Env:${k} -ErrorAction SilentlyContinue`);
      return `${removals.join("\n")}\n`;
    }
    case "dotenv":
    case "json":
      throw new AwsxError(
        "E_USAGE",
        `--unset prints shell code; a ${format} file has nothing to unset: delete the file, ` +
          "or use --format sh, fish or powershell",
      );
  }
}
