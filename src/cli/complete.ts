import type { CommandSpec } from "./command.js";
import { GLOBAL_OPTIONS, type OptionSpec } from "./options.js";
import type { Table } from "./parse.js";
import { scan, specOf } from "./scan.js";

const optionNames = (specs: readonly OptionSpec[]): string[] =>
  specs.map((o) => (o.negatable ? `--no-${o.name}` : `--${o.name}`));

const commandNames = (commands: readonly CommandSpec[]): string[] =>
  commands.filter((c) => !c.hidden).map((c) => c.name);

// A control character (a tab, an escape sequence, C1) in a name: the scripts read one
// candidate a line, fish splits a candidate at a tab, and a terminal would act on the rest.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

// What may stand in the last of `words` (the words typed after awsx, the one being
// completed last), from the command table: commands, the options of the command being
// typed, an option's choices, profile names; never a name with a control character. Empty
// where awsx has nothing to offer (the child command of exec: the shell completes files there).
export function candidates(
  words: readonly string[],
  table: Table,
  profiles: () => string[],
): string[] {
  const current = words.at(-1) ?? "";
  const before = words.slice(0, -1);
  const s = scan(before, table.specs, table.options);
  const starting = (list: readonly string[]) =>
    list.filter((c) => c.startsWith(current) && !CONTROL.test(c));
  const last = s.tokens.at(-1);
  if (last?.kind === "option" && last.value === undefined) {
    const found = specOf(last, table.specs);
    if (found && found.spec.type !== "boolean")
      return starting(found.spec.complete === "profile" ? profiles() : (found.spec.choices ?? []));
  }
  if (s.terminator < before.length) return [];
  const word = s.positionals[0];
  if (!word) {
    return starting(
      current.startsWith("-") ? optionNames(GLOBAL_OPTIONS) : commandNames(table.commands),
    );
  }
  const command = table.commands.find((c) => c.name === word.value);
  if (!command) return [];
  const given = s.positionals.filter((p) => p.index > word.index).length;
  if (command.rest && given > command.args.length) return [];
  if (current.startsWith("-"))
    return starting(optionNames([...GLOBAL_OPTIONS, ...command.options]));
  const arg = command.args[given];
  if (arg?.complete === "profile") return starting(profiles());
  if (arg?.complete === "command") return starting(commandNames(table.commands));
  return starting(arg?.choices ?? []);
}
