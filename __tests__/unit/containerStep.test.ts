// credential_source = EcsContainer in-process: the endpoint, the token file and the pauses
// between attempts are fakes (StepEffects), so retries and bad answers take no time.
import { credentialSource } from "../../src/credentials/steps/credentialSource.js";
import type { MetadataAnswer } from "../../src/platform/metadataRequest.js";
import type { SourceStep } from "../../src/plan/plan.js";
import type { Env } from "../../src/types.js";
import { fakeEffects, fsError, scriptedEndpoint, stepContext } from "../helpers/stepEffects.js";

const NOW = new Date("2030-01-01T00:00:00Z");
const STEP: Extract<SourceStep, { kind: "credentialSource" }> = {
  kind: "credentialSource",
  profile: "r",
  source: "EcsContainer",
  origin: { file: "/c", section: "profile r" },
};
const RELATIVE = { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/creds" };
const keys = (minutes = 60, extra: object = {}) =>
  JSON.stringify({
    AccessKeyId: "AKIDECS",
    SecretAccessKey: "s",
    Token: "t",
    Expiration: new Date(NOW.getTime() + minutes * 60_000).toISOString(),
    ...extra,
  });
const ok = (text: string): MetadataAnswer => ({ status: 200, text });

// The step against an endpoint answering `answers` in turn, with `files` readable.
function run(env: Env, answers: MetadataAnswer[], files: Record<string, string> = {}) {
  const endpoint = scriptedEndpoint(answers);
  const slept: number[] = [];
  const read: string[] = [];
  const effects = fakeEffects({
    metadataRequest: endpoint.request,
    sleep: async (ms) => void slept.push(ms),
    readFile: async (path) => {
      read.push(path);
      if (files[path] === undefined) throw fsError("ENOENT");
      return new TextEncoder().encode(files[path]);
    },
  });
  const result = credentialSource(STEP, stepContext(effects, { env, now: () => NOW }));
  return { sent: endpoint.sent, slept, read, result };
}

describe("container credentials step", () => {
  it("GETs the relative URI on 169.254.170.2 once, with 2 s to answer", async () => {
    const { sent, slept, result } = run(RELATIVE, [ok(keys())]);
    await expect(result).resolves.toMatchObject({ accessKeyId: "AKIDECS", sessionToken: "t" });
    expect(sent).toEqual([
      {
        url: "http://169.254.170.2/v2/creds",
        method: "GET",
        headers: { Accept: "application/json" },
        timeoutMs: 2000,
      },
    ]);
    expect(slept).toEqual([]);
  });

  it("retries a failed or non-JSON answer 1 s apart, 3 attempts in all", async () => {
    const answers = [{ failed: "ECONNRESET" }, ok("<html>"), ok(keys())];
    const { sent, slept, result } = run(RELATIVE, answers);
    await expect(result).resolves.toMatchObject({ accessKeyId: "AKIDECS" });
    expect(sent).toHaveLength(3);
    expect(slept).toEqual([1000, 1000]);
  });

  it.each<[string, MetadataAnswer, RegExp]>([
    ["an HTTP error", { status: 500, text: "" }, /answered HTTP 500$/],
    ["answers that are not JSON", ok("<html>"), /HTTP 200 with something that is not JSON$/],
    [
      "no connection",
      { failed: "connect timeout", timedOut: "connect" },
      /cannot reach the container credentials endpoint: connect timeout$/,
    ],
  ])("gives up after 3 attempts on %s", async (_name, answer, message) => {
    const { sent, result } = run(RELATIVE, [answer]);
    await expect(result).rejects.toThrow(message);
    await expect(result).rejects.toThrow(/^No credentials found in credential_source EcsContainer/);
    expect(sent).toHaveLength(3);
  });

  it.each<[string, string, RegExp]>([
    ["without Token", keys(60, { Token: undefined }), /lacks one of AccessKeyId/],
    ["with an Expiration that is no date", keys(60, { Expiration: "soon" }), /is not a date/],
    ["with a numeric key", keys(60, { AccessKeyId: 7 }), /are not strings/],
  ])("fails at once on keys %s", async (_name, text, message) => {
    const { sent, result } = run(RELATIVE, [ok(text)]);
    await expect(result).rejects.toThrow(message);
    expect(sent).toHaveLength(1);
  });

  it("fetches once more for keys within 15 minutes of expiry", async () => {
    const { sent, result } = run(RELATIVE, [ok(keys(5)), ok(keys(60, { Token: "fresh" }))]);
    await expect(result).resolves.toMatchObject({ sessionToken: "fresh" });
    expect(sent).toHaveLength(2);
  });

  it("sends the token file's text as Authorization, newlines translated first", async () => {
    const env = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9/creds",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "ignored: the file wins",
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/run/token",
    };
    const { sent, read, result } = run(env, [ok(keys())], { "/run/token": "Bearer abc" });
    await expect(result).resolves.toMatchObject({ accessKeyId: "AKIDECS" });
    expect(read).toEqual(["/run/token"]);
    expect(sent[0]).toMatchObject({
      url: "http://127.0.0.1:9/creds",
      headers: { Accept: "application/json", Authorization: "Bearer abc" },
    });
  });

  it.each<[string, Env, Record<string, string>, RegExp]>([
    ["no endpoint variable", {}, {}, /neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/],
    [
      "a token file that is not there",
      { ...RELATIVE, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/run/none" },
      {},
      /cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: ENOENT/,
    ],
    [
      "a token file ending in a newline (CRLF)",
      { ...RELATIVE, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/run/token" },
      { "/run/token": "abc\r\n" },
      /holds a line break/,
    ],
    [
      "a full URI to a host botocore does not allow",
      { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://example.com/creds" },
      {},
      /must use https, a loopback address .*not "example.com"/,
    ],
  ])("fails before any request on %s", async (_name, env, files, message) => {
    const { sent, result } = run(env, [ok(keys())], files);
    await expect(result).rejects.toThrow(message);
    expect(sent).toEqual([]);
  });
});
