import { EXIT_CODES, isAwsxError } from "../errors.js";
import type { Logger } from "../util/log.js";
import { printable } from "../util/printable.js";

// A cause's text may hold a server's words (an SDK error's message): each line printable.
const stackOf = (e: unknown): string =>
  (e instanceof Error ? (e.stack ?? e.message) : String(e))
    .split("\n")
    .map((line) => printable(line))
    .join("\n");

// One `awsx: …` line (the logger's error keeps it one line) and the documented exit code; a
// stack only under --debug.
export function reportError(e: unknown, logger: Logger): number {
  if (isAwsxError(e)) {
    logger.error(e.message);
    if (e.cause) logger.debug(`cause: ${stackOf(e.cause)}`);
    return e.exitCode;
  }
  logger.error(
    `internal error: ${printable((e as Error)?.message ?? String(e))}` +
      `${logger.debugEnabled ? "" : " (run with --debug for details)"}`,
  );
  logger.debug(stackOf(e));
  return EXIT_CODES.E_INTERNAL;
}
