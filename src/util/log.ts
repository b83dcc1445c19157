import { closeSync, constants, fstatSync, openSync, writeSync } from "node:fs";
import { printable, visible } from "./printable.js";

// awsx's own stderr voice. Every line passes through redact(), which removes any
// secret awsx has seen this run (keys, tokens, MFA codes), so even --debug and
// error text from SDKs cannot print one, then visible(): no control character reaches the
// terminal as it is.
export interface Logger {
  debug(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  error(message: string): void;
  secret(value: string | undefined): void;
  // A proxy URL's user information (src/platform/proxyChoice.ts proxySecrets): redacted
  // wherever it appears, however short (3 characters or more).
  proxySecret(value: string | undefined): void;
  // A short secret (an MFA code): redacted only where it stands as a number of its own.
  code(value: string | undefined): void;
  redact(text: string): string;
  readonly debugEnabled: boolean;
}

export interface LoggerOptions {
  debug?: boolean;
  quiet?: boolean;
  write?: (line: string) => void;
  // AWSX_LOG_FILE: every line, debug included, is also appended there (redacted like
  // stderr), whatever --debug and --quiet say for the terminal.
  logFile?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = new Set<string>();
  const toStderr = options.write ?? ((line: string) => void process.stderr.write(line));
  let fd: number | undefined;
  let refused = !options.logFile;
  const toFile = (line: string) => {
    if (refused) return;
    try {
      fd ??= openLogFile(options.logFile!);
      writeSync(fd, `[${process.pid}] ${line}`);
    } catch (e) {
      // A log file that cannot be written must not break the command: say so once.
      refused = true;
      toStderr(`awsx: warning: not logging to AWSX_LOG_FILE: ${(e as Error).message}\n`);
    }
  };
  const codes = new Set<string>();
  const redact = (text: string): string => {
    let out = text;
    for (const s of secrets) if (s) out = out.split(s).join("[redacted]");
    for (const c of codes)
      out = out.replace(new RegExp(`(?<![0-9A-Za-z])${c}(?![0-9A-Za-z])`, "g"), "[redacted]");
    return out;
  };
  // ONE_LINE: an error is one `awsx: …` line even when it quotes a value with a line break
  // (a config value continued on an indented line, a command name, a helper's output):
  // printable writes the break out as \x0a. Other lines keep their newlines and tabs.
  const emit = (prefix: string, message: string, show: boolean, oneLine = false) => {
    // A debug line nobody asked for costs nothing: its Unicode-class regexp alone made V8
    // build ICU sets on every warm run.
    if (!show && refused) return;
    const text = redact(message);
    const line = `${prefix}${oneLine ? printable(text) : visible(text)}\n`;
    if (show) toStderr(line);
    toFile(line);
  };
  return {
    debugEnabled: Boolean(options.debug),
    debug: (m) => emit("awsx[debug]: ", m, Boolean(options.debug)),
    info: (m) => emit("awsx: ", m, !options.quiet),
    warn: (m) => emit("awsx: warning: ", m, !options.quiet),
    error: (m) => emit("awsx: ", m, true, true),
    secret: (v) => {
      // Short values (an MFA code) would also match inside account ids and ARNs: those are
      // kept out of every message by construction instead.
      if (v && v.length >= 16) secrets.add(v);
    },
    proxySecret: (v) => {
      if (v && v.length >= 3) secrets.add(v);
    },
    code: (v) => {
      if (v && /^\d{4,10}$/.test(v)) codes.add(v);
    },
    redact,
  };
}

// Opened for appending without following a symlink, and used only when it is a regular file
// of this user's: a log file someone else owns or points elsewhere could be read by them, or
// could make awsx write into a file of theirs. O_NONBLOCK: opening a FIFO for writing would
// otherwise wait for a reader forever (with none, the open fails with ENXIO); it changes
// nothing for a regular file.
export function openLogFile(path: string): number {
  const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = constants;
  const flags = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK;
  let fd: number;
  try {
    fd = openSync(path, flags, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw new Error(`${path} is a symbolic link`);
    if (code === "ENXIO") throw new Error(`${path} is not a regular file`); // FIFO, socket
    throw new Error(`${path}: ${code}`);
  }
  const st = fstatSync(fd);
  const uid = process.getuid?.();
  if (!st.isFile() || (uid !== undefined && st.uid !== uid)) {
    closeSync(fd);
    throw new Error(`${path} is not a regular file of this user's`);
  }
  return fd;
}
