// What an AWS service said in a failed answer, for a one-line message: the OAuth
// error_description or the SDK error's message, its first line without control characters or
// bidirectional overrides (an escape sequence from whatever answers at the endpoint never
// reaches the terminal), at most 200 characters; undefined when it said nothing (the SDK's
// "UnknownError"). The logger's redactor still runs over it when it is printed.
export function serviceMessage(e: unknown): string | undefined {
  const err = e as { error_description?: unknown; message?: unknown };
  const raw = [err?.error_description, err?.message].find(
    (m): m is string => typeof m === "string" && m.trim() !== "" && m !== "UnknownError",
  );
  if (raw === undefined) return undefined;
  const line = raw
    .split(/\r?\n/)[0]!
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "")
    .trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

// An SDK error's name, or its HTTP status when the SDK could not tell (it names those
// "Unknown": an answer without an error type).
export function serviceErrorName(e: unknown): string {
  const err = e as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = err?.$metadata?.httpStatusCode;
  if (typeof err?.name === "string" && err.name !== "Unknown" && err.name !== "Error")
    return err.name;
  return status === undefined ? "an error" : `HTTP ${status}`;
}
