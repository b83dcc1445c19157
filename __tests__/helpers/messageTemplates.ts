// Every message awsx can print, read from src/ with the TypeScript parser: the text of each
// AwsxError, usage error, PromptError and logger line, with each ${...} rendered as «expr».
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const SRC = fileURLToPath(new URL("../../src", import.meta.url));

export interface MessageTemplate {
  file: string;
  line: number;
  // How the message is made: AwsxError, usageError, PromptError, logger.info, ...
  kind: string;
  text: string;
}

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(path.join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [path.join(dir, e.name)]
        : [],
  );

// The text of a message expression: literals as they are, anything else as «source».
function render(node: ts.Expression, sf: ts.SourceFile): string {
  if (ts.isParenthesizedExpression(node)) return render(node.expression, sf);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    return (
      node.head.text +
      node.templateSpans.map((s) => `«${s.expression.getText(sf)}»${s.literal.text}`).join("")
    );
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return render(node.left, sf) + render(node.right, sf);
  }
  return `«${node.getText(sf)}»`;
}

const LOGGER = /^(?:\w+\.)*logger\.(info|warn|error)$/;

// Which argument of a call or `new` holds the message, and what to call it.
function messageOf(node: ts.Node, sf: ts.SourceFile): [string, ts.Expression] | undefined {
  if (ts.isNewExpression(node)) {
    const name = node.expression.getText(sf);
    const args = node.arguments ?? [];
    if (name === "AwsxError" && args[1]) return [name, args[1]];
    if (name === "PromptError" && args[0]) return [name, args[0]];
  }
  if (ts.isCallExpression(node)) {
    const name = node.expression.getText(sf);
    if (name === "usageError" && node.arguments[0]) return [name, node.arguments[0]];
    const log = LOGGER.exec(name);
    if (log && node.arguments[0]) return [`logger.${log[1]}`, node.arguments[0]];
  }
  return undefined;
}

// All of them, in file order.
export function messageTemplates(): MessageTemplate[] {
  const out: MessageTemplate[] = [];
  for (const file of files(SRC)) {
    const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      const found = messageOf(node, sf);
      if (found) {
        const [kind, expr] = found;
        const line = sf.getLineAndCharacterOfPosition(expr.getStart(sf)).line + 1;
        out.push({ file: path.relative(SRC, file), line, kind, text: render(expr, sf) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}
