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
const dotenvQuote = (v: string): string =>
  `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r")}"`;

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
      return `${vars.map(([k, v]) => `${k}=${dotenvQuote(v)}`).join("\n")}\n`;
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
    case "powershell":
      return `${names.map((k) => `Remove-Item Env:${k} -ErrorAction SilentlyContinue`).join("\n")}\n`;
    case "dotenv":
    case "json":
      throw new AwsxError(
        "E_USAGE",
        `--unset prints shell code; a ${format} file has nothing to unset: delete the file, ` +
          "or use --format sh, fish or powershell",
      );
  }
}
