// Fake effects for the credential steps (src/credentials/stepEffects.ts): each one a test
// does not give fails loudly, so a test shows every effect its step has.
import { metadataSettings } from "../../src/credentials/metadataSettings.js";
import type { StepContext } from "../../src/credentials/stepContext.js";
import type { StepEffects } from "../../src/credentials/stepEffects.js";
import { createLogger } from "../../src/util/log.js";
import type { MetadataAnswer } from "../../src/platform/metadataRequest.js";

export function fakeEffects(given: Partial<StepEffects> = {}): StepEffects {
  const unexpected = (what: string) => () => Promise.reject(new Error(`unexpected ${what}`));
  return {
    runHelper: unexpected("helper run"),
    metadataRequest: unexpected("metadata request"),
    readFile: unexpected("file read"),
    sleep: unexpected("sleep"),
    ...given,
  };
}

// A file an ENOENT-style error says is not there, as node:fs throws it.
export const fsError = (code: string): Error => Object.assign(new Error(`${code}: fake`), { code });

interface SentMetadata {
  url: string;
  method: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

// A metadata endpoint that answers from a script, one answer per request in order (the last
// one repeats), and records what was sent.
export function scriptedEndpoint(answers: MetadataAnswer[]) {
  const sent: SentMetadata[] = [];
  const request: StepEffects["metadataRequest"] = async (url, method, headers, timeoutMs) => {
    sent.push({ url, method, headers, timeoutMs });
    return answers[Math.min(sent.length - 1, answers.length - 1)]!;
  };
  return { sent, request };
}

// A step context with the given effects and clock, no STS, no MFA code, default metadata
// settings; `over` replaces any part (env, processTimeoutMs, sts...).
export function stepContext(
  effects: StepEffects,
  over: Partial<StepContext> = {},
): StepContext & { debug: string[] } {
  const debug: string[] = [];
  const env = over.env ?? {};
  return {
    sts: () => Promise.reject(new Error("unexpected STS client")),
    endpointLabel: "https://sts.us-east-1.amazonaws.com",
    mfa: () => Promise.reject(new Error("unexpected MFA prompt")),
    env,
    now: () => new Date("2030-01-01T00:00:00Z"),
    logger: createLogger({ write: (line) => void debug.push(line), debug: true }),
    processTimeoutMs: 5000,
    metadata: metadataSettings({ name: "p", values: {} }, env),
    effects,
    ...over,
    debug,
  };
}
