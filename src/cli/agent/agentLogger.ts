import { closeSync, writeSync } from "node:fs";
import { createLogger, type Logger, openLogFile } from "../../util/log.js";

// The logger of one request in the agent: what the direct path would write to stderr is
// kept for the client to write, and every line (debug included) goes to AWSX_LOG_FILE under
// the client's pid, as the direct path's logger writes it (src/util/log.ts).
export function agentLogger(quiet: boolean): {
  logger: Logger;
  stderr: () => string;
  flush: (logFile: string | undefined, pid: number) => void;
} {
  let shownText = "";
  let allText = "";
  const shown = createLogger({
    quiet,
    write: (l) => {
      shownText += l;
    },
  });
  const all = createLogger({
    debug: true,
    write: (l) => {
      allText += l;
    },
  });
  const both =
    (k: "debug" | "warn" | "info" | "error" | "secret" | "proxySecret" | "code") =>
    (m: string | undefined) => {
      (shown[k] as (m: string | undefined) => void)(m);
      (all[k] as (m: string | undefined) => void)(m);
    };
  const logger: Logger = {
    debugEnabled: false,
    debug: both("debug"),
    warn: both("warn"),
    info: both("info"),
    error: both("error"),
    secret: both("secret"),
    proxySecret: both("proxySecret"),
    code: both("code"),
    redact: shown.redact,
  };
  const flush = (logFile: string | undefined, pid: number) => {
    if (!logFile || !allText) return;
    let fd: number;
    try {
      fd = openLogFile(logFile);
    } catch (e) {
      const why = `awsx: warning: not logging to AWSX_LOG_FILE: ${(e as Error).message}\n`;
      shownText = why + shownText;
      return;
    }
    try {
      for (const line of allText.split(/(?<=\n)/)) writeSync(fd, `[${pid}] ${line}`);
    } finally {
      closeSync(fd);
    }
  };
  return { logger, stderr: () => shownText, flush };
}
