import { closeSync, openSync, writeSync } from "node:fs";
import { PromptError } from "./promptError.js";
import { runCaptured } from "./runCaptured.js";

// Which OATH account and which YubiKey to ask (aws-vault's ykman driver: the account is
// the mfa_serial unless named; the device only when several keys are plugged in).
export interface YkmanTarget {
  account: string;
  device?: string;
}

// `ykman [--device SERIAL] oath accounts code --single -- ACCOUNT` (ykman 4 and 5), as
// aws-vault runs it but for the `--`: the account is an mfa_serial or AWSX_YKMAN_ACCOUNT, and
// one starting with "-" would otherwise be read by click as an option (`--help`, `-p X`).
// The device follows its option, and click takes the next word as its value whatever it is.
export function ykmanArgv(target: YkmanTarget): string[] {
  const device = target.device ? ["--device", target.device] : [];
  return ["ykman", ...device, "oath", "accounts", "code", "--single", "--", target.account];
}

const TOUCH = /^Touch your YubiKey/;
// What ykman says to the user while it works: the touch, and its OATH password prompt (click
// writes that to stderr, then reads the terminal).
const NOTICE = /^(Touch your YubiKey|Enter the password)/;

// ykman 5 prints a failure as one line on stderr, `ERROR: <message>` (its logger) or
// `Error: <message>` (click's), and exits 1: the known ones get awsx's words and a fix.
export function ykmanFailure(stderr: string, code: number | null, target: YkmanTarget): never {
  const lines = stderr.split("\n").map((l) => l.trim());
  const line =
    lines.find((l) => /^(ERROR|Error):/.test(l)) ??
    lines.filter((l) => l !== "" && !TOUCH.test(l)).at(-1) ??
    "";
  const message = line.replace(/^(ERROR|Error):\s*/, "");
  const quoted = JSON.stringify(target.account);
  const known: Array<[RegExp, string, string]> = [
    [/No YubiKey detected/i, "ykman found no YubiKey", "plug it in"],
    [
      /No matching account/i,
      `ykman found no OATH account matching ${quoted} on the YubiKey`,
      "set AWSX_YKMAN_ACCOUNT to its name as `ykman oath accounts list` shows it",
    ],
    [
      /Multiple matches/i,
      `several OATH accounts on the YubiKey match ${quoted}`,
      "set AWSX_YKMAN_ACCOUNT to the full name of one",
    ],
    [
      /Multiple YubiKeys/i,
      "several YubiKeys are plugged in",
      "set AWSX_YKMAN_DEVICE to the serial of one (`ykman list --serials`)",
    ],
    [/Touch account timed out/i, "the YubiKey was not touched in time", "try again"],
    [
      /^Aborted!?$/,
      "ykman wants the OATH password and cannot ask for it",
      "run `ykman oath access remember` once",
    ],
    [
      /Wrong password/i,
      "the YubiKey refused the OATH password",
      "run `ykman oath access remember` again",
    ],
  ];
  const hit = known.find(([re]) => re.test(message));
  if (hit) throw new PromptError(hit[1], { fix: `${hit[2]}, or pass --mfa-token CODE` });
  throw new PromptError(`ykman failed (exit ${code}${message ? `: ${message}` : ""})`);
}

// The code ykman printed: its stdout is the code alone on one line.
export function ykmanOutput(stdout: string): string {
  const code = stdout.trim();
  // Never echo what it printed: it may be a code in an unexpected shape.
  if (!/^\d{6,10}$/.test(code)) throw new PromptError("ykman printed no code");
  return code;
}

// Get the current code from the YubiKey. ykman's stdin is the terminal when there is one
// (for an OATH password), else nothing; its notices go where the user is: the terminal,
// else `notice` (awsx's stderr), as a caller such as the AWS CLI captures awsx's stderr.
export async function ykmanCode(
  target: YkmanTarget,
  options: {
    env: Record<string, string | undefined>;
    timeoutMs: number;
    notice: (line: string) => void;
  },
): Promise<string> {
  let tty: number | undefined;
  try {
    tty = openSync("/dev/tty", "r+");
  } catch {
    // no terminal: ykman gets no stdin
  }
  try {
    const result = await runCaptured(ykmanArgv(target), {
      env: options.env,
      timeoutMs: options.timeoutMs,
      maxOutputBytes: 4096,
      stdin: tty ?? "ignore",
      timeoutSetting: "AWSX_PROMPT_TIMEOUT",
      onStderr: (text) => {
        for (const l of text.split("\n").map((x) => x.trim())) {
          if (!NOTICE.test(l)) continue;
          if (tty === undefined) options.notice(l);
          else writeSync(tty, `awsx: ykman: ${l}\n`);
        }
      },
    });
    if (result.error?.startsWith("could not start")) {
      const fix = "install yubikey-manager (ykman), or pass --mfa-token CODE";
      throw new PromptError(result.error, { fix });
    }
    if (result.error) throw new PromptError(`ykman ${result.error}`);
    if (result.code !== 0) ykmanFailure(result.stderr, result.code, target);
    return ykmanOutput(result.stdout);
  } finally {
    if (tty !== undefined) closeSync(tty);
  }
}
