// The awsx command lines in the shell examples of README.md and docs/**/*.md: the
// ```sh/```bash/```fish/```yaml blocks line by line, ```console blocks by their `$ ` lines,
// ```ini blocks by their credential_process values. Shared by the parse test
// (__tests__/unit/docExamples.test.ts) and the run test (__tests__/integration/docExamplesRun).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Example {
  file: string;
  line: number;
  words: string;
  // In a ```console block, the line shown after the command (its first line of output).
  shown?: string;
}

export const markdown = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? markdown(path.join(dir, e.name))
      : e.name.endsWith(".md")
        ? [path.join(dir, e.name)]
        : [],
  );

// The shell lines of one file's code blocks, continuation lines joined.
type Line = { line: number; text: string; shown?: string };
function shellLines(file: string): Line[] {
  const out: Line[] = [];
  let last: Line | undefined;
  let lang: string | undefined;
  let pending: { line: number; text: string } | undefined;
  readFileSync(path.join(ROOT, file), "utf8")
    .split("\n")
    .forEach((raw, i) => {
      const fence = /^\s*```(\S*)/.exec(raw);
      if (fence) {
        lang = lang === undefined ? fence[1] || "" : undefined;
        return;
      }
      if (lang === undefined) return;
      if (lang === "console" && last && !raw.startsWith("$ ")) last.shown ??= raw;
      let text: string | undefined;
      if (["sh", "bash", "fish", "yaml"].includes(lang)) text = raw;
      else if (lang === "console") text = /^\$ (.*)/.exec(raw)?.[1] ?? (pending ? raw : undefined);
      else if (lang === "ini") text = /^\s*credential_process\s*=\s*(.*)/.exec(raw)?.[1];
      if (text === undefined) return;
      const joined = pending
        ? { line: pending.line, text: pending.text + text }
        : { line: i + 1, text };
      if (/\\$/.test(text)) pending = { ...joined, text: joined.text.slice(0, -1) };
      else {
        pending = undefined;
        last = joined;
        out.push(joined);
      }
    });
  return out;
}

// The words of each awsx command on a line: from `awsx` to the end of its simple command
// (an unquoted | ; & ) < > or `), or to the quote it was opened in.
export function awsxCommands(text: string): string[] {
  const found: string[] = [];
  const start = /(^|[\s;|&(`'"])(?:npx\s+)?awsx(?=\s|$|\))/g;
  for (let m = start.exec(text); m; m = start.exec(text)) {
    const opener = m[1] === "'" || m[1] === '"' ? m[1] : undefined;
    let i = m.index + m[0].length;
    let quote: string | undefined;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (quote) {
        if (c === quote) quote = undefined;
        else if (c === "\\" && quote === '"') i++;
        continue;
      }
      if (c === opener) break;
      if (c === "'" || c === '"') quote = c;
      else if (c === "\\") i++;
      else if ("|;&)<>`".includes(c)) break;
    }
    found.push(`awsx${text.slice(m.index + m[0].length, i)}`.trim());
  }
  return found;
}

// A line without its shell comment (an unquoted # at the start of a word).
export function uncommented(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "\\") i++;
    else if (c === "#" && /\s/.test(text[i - 1] ?? " ")) return text.slice(0, i);
  }
  return text;
}

export const EXAMPLES: Example[] = ["README.md", ...markdown("docs")].flatMap((file) =>
  shellLines(file).flatMap(({ line, text, shown }) =>
    awsxCommands(uncommented(text)).map((words) => ({ file, line, words, shown })),
  ),
);
