import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { helperEnv } from "./helperEnv.js";

// How long the hand-over page stays for a browser that is slow to start.
const KEEP_PAGE_SECONDS = 60;

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// Open a URL that is itself a credential (a console sign-in URL) in the default browser
// without putting it on any command line, which every local user can read in /proc: the
// opener gets a page of ours (mode 0600, in a folder only we can enter) that redirects to
// it, and a detached `sh` removes that folder a minute later. False: no opener to run.
export function openSecretUrl(
  url: string,
  env: Record<string, string | undefined>,
): Promise<boolean> {
  if (process.platform === "win32") return run("cmd", ["/c", "start", '""', url], env);
  const dir = mkdtempSync(join(tmpdir(), "awsx-signin-"));
  const page = join(dir, "signin.html");
  const target = escapeHtml(url);
  const html =
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
    `<meta http-equiv="refresh" content="0;url=${target}"><a href="${target}">AWS console</a>\n`;
  writeFileSync(page, html, { mode: 0o600, flag: "wx" });
  const opener = process.platform === "darwin" ? "open" : "xdg-open";
  return run(opener, [pathToFileURL(page).href], env).then((opened) => {
    if (!opened) rmSync(dir, { recursive: true, force: true });
    else run("sh", ["-c", `sleep ${KEEP_PAGE_SECONDS}; rm -rf -- "$1"`, "sh", dir], env);
    return opened;
  });
}

function run(cmd: string, args: string[], env: Record<string, string | undefined>) {
  return new Promise<boolean>((resolve) => {
    const child = spawn(cmd, args, { stdio: "ignore", detached: true, env: helperEnv(env) });
    child.on("error", () => resolve(false));
    child.on("spawn", () => {
      child.unref();
      resolve(true);
    });
  });
}
