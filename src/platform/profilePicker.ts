import { emitKeypressEvents } from "node:readline";
import search from "@inquirer/search";
import { printable } from "../util/printable.js";
import { PromptError } from "./promptError.js";

// The names whose text holds what was typed, ignoring case (as granted's picker filters),
// in the order given; nothing typed: all of them.
export function matchingNames(names: readonly string[], typed: string | undefined): string[] {
  const term = (typed ?? "").trim().toLowerCase();
  return term ? names.filter((n) => n.toLowerCase().includes(term)) : [...names];
}

const plain = (text: string) => text;
// awsx never prints colour (README): the library's theme without its styles; the cursor
// (❯) marks the line Enter picks.
const PLAIN = {
  prefix: { idle: "?", done: "✔" },
  spinner: { interval: 80, frames: ["-", "\\", "|", "/"] },
  style: {
    answer: plain,
    message: plain,
    error: (text: string) => `> ${text}`,
    help: plain,
    highlight: plain,
    description: plain,
    disabled: (text: string) => `- ${text}`,
    searchTerm: plain,
    keysHelpTip: (keys: [string, string][]) =>
      [...keys, ["esc", "cancel"]].map(([k, what]) => `${k} ${what}`).join(" • "),
  },
};

// A searchable list of profile names on the terminal (@inquirer/search, bundled apart in
// dist/lazy-picker.cjs: only a run that opens the picker loads it). Keys come from stdin, the
// list is drawn on stderr (stdout may be read by `eval`). The chosen name, or a PromptError:
// interrupted for Ctrl-C, cancelled for Esc.
export async function pickName(question: string, names: readonly string[]): Promise<string> {
  const input = process.stdin;
  const esc = new AbortController();
  // A lone Esc (readline tells it from an arrow key's escape sequence) cancels.
  const onKey = (_: string, key?: { name?: string }) => {
    if (key?.name === "escape") esc.abort();
  };
  emitKeypressEvents(input);
  input.on("keypress", onKey);
  try {
    return await search<string>(
      {
        message: question,
        // Names come from config files: shown with control characters written out.
        source: async (typed) =>
          matchingNames(names, typed).map((n) => ({ value: n, name: printable(n) })),
        pageSize: Math.max(5, Math.min(15, (process.stderr.rows ?? 24) - 5)),
        theme: PLAIN,
      },
      { input, output: process.stderr, signal: esc.signal },
    );
  } catch (e) {
    const name = (e as Error).name;
    if (name === "ExitPromptError") {
      throw new PromptError("interrupted at the profile picker", { interrupted: true });
    }
    if (name === "AbortPromptError") {
      throw new PromptError("cancelled at the profile picker (Esc)", { cancelled: true });
    }
    throw e;
  } finally {
    input.off("keypress", onKey);
  }
}
