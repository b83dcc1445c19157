import { printable } from "../util/printable.js";

// What an AWS service said in a failed answer, for a one-line message: the OAuth
// error_description or the SDK error's message, its first line, at most 200 characters, with
// control characters and bidirectional overrides written out (printable: an escape sequence
// from whatever answers at the endpoint never reaches the terminal); undefined when it said
// nothing (the SDK's "UnknownError"). The logger's redactor still runs over it when printed.
export function serviceMessage(e: unknown): string | undefined {
  const err = e as { error_description?: unknown; message?: unknown };
  const raw = [err?.error_description, err?.message].find(
    (m): m is string => typeof m === "string" && m.trim() !== "" && m !== "UnknownError",
  );
  if (raw === undefined) return undefined;
  const line = raw.split(/\r?\n/)[0]!.trim();
  return printable(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}

// An SDK error's name, or its HTTP status when the SDK could not tell (it names those
// "Unknown": an answer without an error type).
export function serviceErrorName(e: unknown): string {
  const err = e as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = err?.$metadata?.httpStatusCode;
  if (typeof err?.name === "string" && err.name !== "Unknown" && err.name !== "Error")
    return printable(err.name, 100);
  return status === undefined ? "an error" : `HTTP ${status}`;
}
