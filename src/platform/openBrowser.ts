import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { shlexSplit } from "../util/shlex.js";
import { helperEnv } from "./helperEnv.js";

// How long the hand-over page stays for a browser that is slow to start.
const KEEP_PAGE_SECONDS = 60;

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// A page of ours that sends the browser on to `url`, for an opener that must not see the URL
// on its command line, which every local user can read in /proc: mode 0600, in a folder only
// we can enter. remove() deletes the folder.
function handOverPage(url: string): { href: string; dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "awsx-signin-"));
  const page = join(dir, "signin.html");
  const target = escapeHtml(url);
  const html =
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
    `<meta http-equiv="refresh" content="0;url=${target}"><a href="${target}">Continue</a>\n`;
  writeFileSync(page, html, { mode: 0o600, flag: "wx" });
  return {
    href: pathToFileURL(page).href,
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// Open a URL that is itself a credential (a console sign-in URL) in the default browser
// without putting it on any command line: the opener gets a hand-over page, and a detached
// `sh` removes it a minute later. False: no opener to run.
export function openSecretUrl(
  url: string,
  env: Record<string, string | undefined>,
): Promise<boolean> {
  // Not `cmd /c start`: cmd.exe would end the command at the URL's first '&' and run the
  // rest of it (the SigninToken included) as more commands.
  if (process.platform === "win32") return run(...windowsOpener(url), env);
  const page = handOverPage(url);
  const opener = process.platform === "darwin" ? "open" : "xdg-open";
  return run(opener, [page.href], env).then((opened) => {
    if (!opened) page.remove();
    else run("sh", ["-c", `sleep ${KEEP_PAGE_SECONDS}; rm -rf -- "$1"`, "sh", page.dir], env);
    return opened;
  });
}

// Open a URL only this user may learn (the sign-in's single-use start page) with the opener
// openUrl picks, through a hand-over page; the caller removes the page once the browser has
// been there or the wait is over (the page is worthless once awsx has exited). Windows: the
// URL itself, on the command line.
export async function openPrivateUrl(
  url: string,
  env: Record<string, string | undefined>,
): Promise<{ opened: boolean; remove: () => void }> {
  if (process.platform === "win32") return { opened: await openUrl(url, env), remove: () => {} };
  let page: ReturnType<typeof handOverPage>;
  try {
    page = handOverPage(url);
  } catch {
    return { opened: false, remove: () => {} }; // no private folder (TMPDIR): print the URL
  }
  const opened = await openUrl(page.href, env);
  if (!opened) page.remove();
  return { opened, remove: page.remove };
}

// Windows' opener for a URL: no shell reads it.
const windowsOpener = (url: string): [string, string[]] => [
  "rundll32",
  ["url.dll,FileProtocolHandler", url],
];

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

const onPath = (cmd: string, env: Record<string, string | undefined>): boolean =>
  (env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || ".", cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

// Whether a browser can be opened at all: BROWSER is set, or macOS/Windows, or a graphical
// session (DISPLAY or WAYLAND_DISPLAY) with xdg-open. Else a sign-in falls back to a flow
// the user finishes on another device.
export function browserAvailable(env: Record<string, string | undefined>): boolean {
  if (env.BROWSER) return true;
  if (process.platform === "darwin" || process.platform === "win32") return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY) && onPath("xdg-open", env);
}

// Open a URL that is no secret (an SSO sign-in page) in the user's browser: BROWSER first,
// as Python's webbrowser (and so the AWS CLI) reads it (the first of its PATH-separated
// commands; "%s" in it stands for the URL, else the URL is its last argument), then the
// platform's opener. A URL starting with "-" would be read as an option (a Chromium launcher
// runs the command of --renderer-cmd-prefix=...): refused, as anything but an absolute URL.
// False: nothing could be started.
export function openUrl(url: string, env: Record<string, string | undefined>): Promise<boolean> {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return Promise.resolve(false);
  const chosen = env.BROWSER?.split(delimiter).find((c) => c.trim() !== "");
  if (chosen) {
    let argv: string[];
    try {
      argv = chosen.includes("%s")
        ? shlexSplit(chosen).map((a) => a.replace(/%s/g, () => url))
        : [chosen, url];
    } catch {
      return Promise.resolve(false);
    }
    const [cmd, ...args] = argv;
    return cmd ? run(cmd, args, env) : Promise.resolve(false);
  }
  if (process.platform === "win32") return run(...windowsOpener(url), env);
  return run(process.platform === "darwin" ? "open" : "xdg-open", [url], env);
}
