import { EXIT_CODES, isAwsxError } from "../errors.js";
import type { Logger } from "../util/log.js";

const stackOf = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e));

// One `awsx: …` line and the documented exit code; a stack only under --debug.
export function reportError(e: unknown, logger: Logger): number {
  if (isAwsxError(e)) {
    logger.error(e.message);
    if (e.cause) logger.debug(`cause: ${stackOf(e.cause)}`);
    return e.exitCode;
  }
  logger.error(
    `internal error: ${(e as Error)?.message ?? String(e)}` +
      `${logger.debugEnabled ? "" : " (run with --debug for details)"}`,
  );
  logger.debug(stackOf(e));
  return EXIT_CODES.E_INTERNAL;
}
