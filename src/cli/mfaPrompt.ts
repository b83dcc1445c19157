import { accessSync, closeSync, constants, openSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { Dialog } from "../platform/askDialog.js";
import { PromptError } from "../platform/promptError.js";
import type { Env } from "../types.js";
import { type CredentialFlags, type Deps, promptOff } from "./deps.js";
import type { PromptDriver } from "./settings.js";

// Asks for the code of one MFA device; the answer is a secret (never logged).
export type AskCode = (question: string, serial: string) => Promise<string>;

const CI_REASON = "CI is set, so awsx never prompts";
const NO_WAY_FIX =
  "pass --mfa-token CODE, set AWSX_MFA_TOKEN, or use --prompt ykman with a YubiKey";

// What the automatic choice looks at, handed in so it can be tested on any machine.
export interface PromptFacts {
  hasTerminal: () => boolean;
  platform: NodeJS.Platform;
  env: Env;
  onPath: (command: string) => boolean;
}

// The automatic choice: the terminal when there is one; else a desktop dialog when there
// is a desktop (macOS always; Linux with DISPLAY or WAYLAND_DISPLAY and zenity or kdialog
// installed); else none, and why.
export function autoDriver(f: PromptFacts): { driver: "terminal" | Dialog } | { none: string } {
  if (f.hasTerminal()) return { driver: "terminal" };
  if (f.platform === "darwin") return { driver: "osascript" };
  if (f.platform === "win32") return { none: "there is no terminal to ask on" };
  if (!f.env.DISPLAY && !f.env.WAYLAND_DISPLAY) {
    return { none: "there is no terminal nor desktop (DISPLAY, WAYLAND_DISPLAY) to ask on" };
  }
  const dialog = (["zenity", "kdialog"] as const).find((d) => f.onPath(d));
  if (dialog) return { driver: dialog };
  return { none: "there is no terminal, and neither zenity nor kdialog to ask on the desktop" };
}

// How this run asks for an MFA code (--prompt, else AWSX_PROMPT, else auto), or why it
// may not. CI turns off the automatic choice only: a driver named on purpose is used.
export function mfaPromptFor(
  flags: CredentialFlags,
  deps: Deps,
): { ask: AskCode } | { ask?: undefined; reason: string } {
  if (promptOff(flags)) return { reason: flags.noPromptReason ?? "--no-prompt forbids asking" };
  const driver: PromptDriver = flags.prompt || deps.settings.prompt || "auto";
  if (driver !== "auto") return { ask: driverAsk(driver, deps) };
  if (deps.settings.ci) return { reason: CI_REASON };
  if (deps.prompt) return { ask: deps.prompt };
  return {
    ask: (question, serial) => {
      const chosen = autoDriver(machineFacts(deps.env));
      if ("none" in chosen) throw new PromptError(chosen.none, { fix: NO_WAY_FIX });
      deps.logger.debug(`MFA code: asking with ${chosen.driver} (--prompt auto)`);
      return driverAsk(chosen.driver, deps)(question, serial);
    },
  };
}

function driverAsk(driver: Exclude<PromptDriver, "auto">, deps: Deps): AskCode {
  const { env, settings, logger } = deps;
  const timeoutMs = settings.promptTimeoutMs;
  switch (driver) {
    case "terminal":
      return deps.prompt ?? (async (q) => (await import("../platform/prompt.js")).promptHidden(q));
    case "ykman":
      return async (_q, serial) => {
        const target = { account: settings.ykmanAccount ?? serial, device: settings.ykmanDevice };
        logger.debug(
          `MFA code: asking ykman for the OATH account ${JSON.stringify(target.account)}`,
        );
        const notice = (line: string) => logger.info(`ykman: ${line}`);
        return (await import("../platform/ykmanCode.js")).ykmanCode(target, {
          env,
          timeoutMs,
          notice,
        });
      };
    default:
      return async (q) => {
        logger.debug(`MFA code: asking in a ${driver} dialog`);
        return (await import("../platform/askDialog.js")).askDialog(driver, q, { env, timeoutMs });
      };
  }
}

// The facts of this machine, read when a code is needed (not for runs served from cache).
function machineFacts(env: Env): PromptFacts {
  return { hasTerminal, platform: process.platform, env, onPath: (c) => onPath(c, env) };
}

function hasTerminal(): boolean {
  try {
    closeSync(openSync("/dev/tty", "r+"));
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string, env: Env): boolean {
  return (env.PATH ?? "")
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => {
      const file = join(dir, command);
      try {
        accessSync(file, constants.X_OK);
        return statSync(file).isFile();
      } catch {
        return false;
      }
    });
}
