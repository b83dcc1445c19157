import { PromptError } from "./promptError.js";
import { runCaptured } from "./runCaptured.js";

// The desktop dialogs awsx can ask an MFA code in (aws-vault's prompt drivers of the same
// names). Only zenity is tested for real (under Xvfb); kdialog and osascript by their argv.
export const DIALOGS = ["zenity", "kdialog", "osascript"] as const;
export type Dialog = (typeof DIALOGS)[number];

// The window title, which is also what a user (or xdotool) finds the dialog by.
export const DIALOG_TITLE = "awsx";

// zenity's --text goes through g_strcompress (backslash escapes) and a mnemonic label
// (an underscore marks the next letter): both doubled so the text shows as written.
const zenityText = (s: string): string => s.replace(/\\/g, "\\\\").replace(/_/g, "__");

// The argv of each dialog: a hidden single-line entry titled awsx, OK or Cancel. The
// question holds names from the user's config, so it is never code: osascript gets it as
// an argument of its run handler, not inside the script.
export function dialogArgv(dialog: Dialog, question: string, timeoutSeconds: number): string[] {
  switch (dialog) {
    case "zenity":
      return [
        "zenity",
        "--entry",
        "--hide-text",
        `--title=${DIALOG_TITLE}`,
        `--text=${zenityText(question)}`,
        `--timeout=${timeoutSeconds}`,
      ];
    case "kdialog":
      return ["kdialog", "--title", DIALOG_TITLE, "--password", question];
    case "osascript":
      return [
        "osascript",
        "-e",
        "on run argv",
        "-e",
        `display dialog (item 1 of argv) default answer "" with hidden answer ` +
          `with title "${DIALOG_TITLE}" buttons {"Cancel", "OK"} default button "OK"`,
        "-e",
        "return text returned of result",
        "-e",
        "end run",
        question,
      ];
  }
}

// What a dialog's exit means: 0 the answer on stdout; zenity and kdialog exit 1 for Cancel,
// Escape or the window closed, zenity 5 at its --timeout; osascript exits 1 with error -128
// for Cancel.
export function dialogOutcome(
  dialog: Dialog,
  result: { code: number | null; stdout: string; stderr: string; error?: string },
): string {
  if (result.error) {
    const what = result.error.startsWith("could not") ? result.error : `${dialog} ${result.error}`;
    throw new PromptError(what);
  }
  if (result.code === 0) return result.stdout.split("\n")[0]!.trim();
  const cancelled = result.code === 1 && (dialog !== "osascript" || /\(-128\)/.test(result.stderr));
  if (cancelled) throw new PromptError(`the ${dialog} dialog was cancelled`, { cancelled });
  if (dialog === "zenity" && result.code === 5) {
    throw new PromptError("the zenity dialog timed out (AWSX_PROMPT_TIMEOUT)");
  }
  const why = result.stderr.trim().split("\n")[0] ?? "";
  throw new PromptError(`${dialog} failed (exit ${result.code}${why ? `: ${why}` : ""})`);
}

// Ask in a desktop dialog and return what was typed (never logged). Its stdin is nothing:
// a dialog reads the display, and awsx's stdin may be a pipe of whoever started it.
export async function askDialog(
  dialog: Dialog,
  question: string,
  options: { env: Record<string, string | undefined>; timeoutMs: number },
): Promise<string> {
  const seconds = Math.max(1, Math.round(options.timeoutMs / 1000));
  const result = await runCaptured(dialogArgv(dialog, question, seconds), {
    env: options.env,
    // zenity closes itself at its --timeout, counted from its start (slow on a busy
    // desktop); the deadline, later, is for the others.
    timeoutMs: options.timeoutMs + 10_000,
    maxOutputBytes: 4096,
    stdin: "ignore",
    timeoutSetting: "AWSX_PROMPT_TIMEOUT",
  });
  return dialogOutcome(dialog, result);
}
