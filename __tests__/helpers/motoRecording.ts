// Parses moto's recorder log (JSON lines, body often base64) into AWS API calls.
import { parseSigV4Credential } from "./sigv4.js";

// One AWS API call seen by moto.
export interface RecordedCall {
  action: string;
  /**
   * Query/form parameters (Action and Version included); for JSON
   * protocols, top-level scalar fields.
   */
  params: Record<string, string>;
  /** Signing service from the Authorization header, e.g. "sts" or "iam". */
  service?: string;
  /** Access key id that signed the request (undefined for unsigned calls). */
  accessKeyId?: string;
  method: string;
  url: string;
}

interface RecorderEntry {
  headers?: Record<string, string>;
  method?: string;
  url?: string;
  body?: string | null;
  body_encoded?: boolean;
}

// Turns the raw recording text into calls, skipping moto's own /moto-api/ requests.
export function parseRecording(text: string): RecordedCall[] {
  const calls: RecordedCall[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as RecorderEntry;
    const url = e.url ?? "";
    const u = new URL(url, "http://127.0.0.1");
    if (u.pathname.startsWith("/moto-api/")) continue;
    const headers = Object.fromEntries(
      Object.entries(e.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const body = e.body
      ? e.body_encoded
        ? Buffer.from(e.body, "base64").toString("utf8")
        : e.body
      : "";
    const params: Record<string, string> = Object.fromEntries(u.searchParams);
    let action = params.Action ?? "";
    const target = headers["x-amz-target"];
    if (target) {
      action = target.split(".").pop() ?? target;
      try {
        for (const [k, v] of Object.entries(JSON.parse(body || "{}") as Record<string, unknown>)) {
          if (v === null || typeof v !== "object") params[k] = String(v);
        }
      } catch {
        /* non-JSON body: keep query params only */
      }
    } else if (
      (headers["content-type"] ?? "").includes("x-www-form-urlencoded") ||
      body.startsWith("Action=")
    ) {
      for (const [k, v] of new URLSearchParams(body)) params[k] = v;
      action = params.Action ?? action;
    }
    calls.push({
      action,
      params,
      ...parseSigV4Credential(headers.authorization),
      method: e.method ?? "",
      url,
    });
  }
  return calls;
}
