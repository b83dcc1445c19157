import type { MetadataAnswer } from "../platform/metadataRequest.js";
import type { CaptureOptions, Captured } from "../platform/runCaptured.js";

// The effects a step has besides STS, the MFA code and SSO (which come in as their own deps),
// handed in as the JS SDK's providers take theirs: tests run every step in-process with fakes
// that time out, fail or answer badly; src/cli/deps.ts builds the real ones.
export interface StepEffects {
  // Run a helper within a deadline and a size cap (credential_process).
  runHelper(argv: string[], options: CaptureOptions): Promise<Captured>;
  // One request to a metadata endpoint (instance metadata, the container endpoint).
  metadataRequest(
    url: string,
    method: "GET" | "PUT",
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<MetadataAnswer>;
  // A file's bytes (the web identity token, the container's authorization token file).
  readFile(path: string): Promise<Uint8Array>;
  // The pause between attempts (the container endpoint's retries).
  sleep(ms: number): Promise<void>;
}
