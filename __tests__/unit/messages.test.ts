// Every message template of src/ (AwsxError, usage errors, prompt errors, logger lines) read
// as a user reads it: printed after one `awsx: ` prefix, so none may start with its own
// "awsx:" or "awsx <verb>" (a command named, `awsx exec ...`, is fine); no literal
// "undefined"/"null"/"[object Object]"; no doubled word; brackets and quotes that close; one
// line. The templates come from the source, so a new message is checked without a list.
import { COMMANDS } from "../../src/cli/commands/index.js";
import { type MessageTemplate, messageTemplates } from "../helpers/messageTemplates.js";

const TEMPLATES = messageTemplates();
const COMMAND_NAMES = new Set([...COMMANDS.map((c) => c.name), "help"]);

// The literal words of a template, each ${...} as one neutral word.
const words = (t: MessageTemplate) => t.text.replace(/«[^«»]*»/g, "X");

const problems = (t: MessageTemplate): string[] => {
  const text = words(t);
  const out: string[] = [];
  const first = /^awsx(:|\s+(\S+))/.exec(text);
  const named = first?.[2]?.replace(/[`'"]/g, "");
  if (first && (first[1] === ":" || (named !== "X" && !COMMAND_NAMES.has(named ?? "")))) {
    out.push("a second awsx prefix: the logger already prints `awsx: `");
  }
  if (/\b(undefined|null|NaN)\b|\[object Object\]/.test(text)) out.push("a literal undefined");
  const doubled = /\b([A-Za-z]+)\s+\1\b/i.exec(text);
  if (doubled && doubled[1] !== "X") out.push(`the word "${doubled[1]}" twice`);
  if (text.includes("\n") && !t.text.includes("printf")) out.push("more than one line");
  const count = (c: string) => text.split(c).length - 1;
  if (count("(") !== count(")")) out.push("unbalanced ( )");
  if (count("[") !== count("]")) out.push("unbalanced [ ]");
  if (count("`") % 2) out.push("an unclosed `");
  if (count('"') % 2) out.push('an unclosed "');
  if (/\s[;:,]|;;|\s$/.test(text)) out.push("a blank before punctuation, or at the end");
  return out;
};

describe("message templates", () => {
  it("finds the messages (a parser that finds none checks nothing)", () => {
    expect(TEMPLATES.length).toBeGreaterThan(100);
    const kinds = new Set(TEMPLATES.map((t) => t.kind));
    for (const k of ["AwsxError", "usageError", "PromptError", "logger.info", "logger.warn"]) {
      expect(kinds).toContain(k);
    }
  });

  it("each reads right after one `awsx: ` prefix", () => {
    const bad = TEMPLATES.map((t) => ({
      at: `${t.file}:${t.line}`,
      text: t.text,
      problems: problems(t),
    })).filter((b) => b.problems.length > 0);
    expect(bad).toEqual([]);
  });

  it("the checks catch what they are for", () => {
    const t = (text: string): MessageTemplate => ({ file: "x.ts", line: 1, kind: "k", text });
    expect(problems(t("awsx cannot ask here"))).toHaveLength(1);
    expect(problems(t("awsx: already"))).toHaveLength(1);
    expect(problems(t("awsx exec needs a profile: awsx exec PROFILE"))).toEqual([]);
    expect(problems(t("the the code"))).toHaveLength(1);
    expect(problems(t("profile «p» is undefined"))).toHaveLength(1);
    expect(problems(t("(profile «p»"))).toHaveLength(1);
    expect(problems(t("«a» «b»"))).toEqual([]);
  });
});
