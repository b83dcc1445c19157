// credential_source = Ec2InstanceMetadata in-process: the metadata service is a script of
// answers (StepEffects.metadataRequest), so IMDSv2, IMDSv1 fallback, retries and bad answers
// are checked request for request without a network.
import { metadataSettings } from "../../src/credentials/metadataSettings.js";
import { credentialSource } from "../../src/credentials/steps/credentialSource.js";
import type { MetadataAnswer } from "../../src/platform/metadataRequest.js";
import type { SourceStep } from "../../src/plan/plan.js";
import type { Env } from "../../src/types.js";
import { fakeEffects, scriptedEndpoint, stepContext } from "../helpers/stepEffects.js";

const STEP: Extract<SourceStep, { kind: "credentialSource" }> = {
  kind: "credentialSource",
  profile: "r",
  source: "Ec2InstanceMetadata",
  origin: { file: "/c", section: "profile r" },
};
const BASE = "http://169.254.169.254/";
const ROLES = `${BASE}latest/meta-data/iam/security-credentials/`;
const KEYS = JSON.stringify({
  AccessKeyId: "AKIDIMDS",
  SecretAccessKey: "s",
  Token: "t",
  Expiration: "2099-01-01T00:00:00Z",
});
const ok = (text: string): MetadataAnswer => ({ status: 200, text });

function run(answers: MetadataAnswer[], env: Env = {}) {
  const endpoint = scriptedEndpoint(answers);
  const metadata = metadataSettings({ name: "r", values: {} }, env);
  const ctx = stepContext(fakeEffects({ metadataRequest: endpoint.request }), { env, metadata });
  const sent = endpoint.sent;
  return {
    sent,
    calls: () => sent.map((s) => `${s.method} ${s.url}`),
    result: credentialSource(STEP, ctx),
  };
}

describe("instance metadata step", () => {
  it("gets an IMDSv2 token, the role, then its keys, each with the token", async () => {
    const { sent, calls, result } = run([ok("TOKEN"), ok("my-role"), ok(KEYS)]);
    await expect(result).resolves.toMatchObject({ accessKeyId: "AKIDIMDS", sessionToken: "t" });
    expect(calls()).toEqual([`PUT ${BASE}latest/api/token`, `GET ${ROLES}`, `GET ${ROLES}my-role`]);
    expect(sent[0]!.headers).toEqual({ "x-aws-ec2-metadata-token-ttl-seconds": "21600" });
    expect(sent[1]!.headers).toEqual({ "x-aws-ec2-metadata-token": "TOKEN" });
    expect(sent.map((s) => s.timeoutMs)).toEqual([1000, 1000, 1000]);
  });

  it("goes on without a token (IMDSv1) after a read timeout; the PUT is not retried", async () => {
    const env = { AWS_METADATA_SERVICE_NUM_ATTEMPTS: "3" };
    const answers = [{ failed: "read timeout", timedOut: "read" as const }, ok("r"), ok(KEYS)];
    const { sent, calls, result } = run(answers, env);
    await expect(result).resolves.toMatchObject({ accessKeyId: "AKIDIMDS" });
    expect(calls()[0]).toBe(`PUT ${BASE}latest/api/token`);
    expect(calls().slice(1)).toEqual([`GET ${ROLES}`, `GET ${ROLES}r`]);
    expect(sent[1]!.headers).toEqual({});
  });

  it("retries a token PUT whose connect timed out, up to the attempts", async () => {
    const env = { AWS_METADATA_SERVICE_NUM_ATTEMPTS: "2" };
    const timeout = { failed: "connect timeout", timedOut: "connect" as const };
    const { calls, result } = run([timeout, timeout, ok("r"), ok(KEYS)], env);
    await expect(result).resolves.toMatchObject({ accessKeyId: "AKIDIMDS" });
    expect(calls().filter((c) => c.startsWith("PUT"))).toHaveLength(2);
  });

  it("percent-encodes the role as urllib3 does, tabs and line breaks dropped", async () => {
    const { calls, result } = run([ok("T"), ok("a b\t/é"), ok(KEYS)]);
    await result;
    expect(calls()[2]).toBe(`GET ${ROLES}a%20b/%C3%A9`);
  });

  it("retries an empty role list, then names what it last got", async () => {
    const env = { AWS_METADATA_SERVICE_NUM_ATTEMPTS: "2" };
    const { calls, result } = run([ok("T"), { status: 404, text: "" }], env);
    await expect(result).rejects.toThrow(
      `the instance metadata service at ${BASE} gave no ` +
        "latest/meta-data/iam/security-credentials/: HTTP 404",
    );
    expect(calls()).toHaveLength(3);
  });

  it("retries keys that are not JSON", async () => {
    const env = { AWS_METADATA_SERVICE_NUM_ATTEMPTS: "2" };
    const { calls, result } = run([ok("T"), ok("r"), ok("{"), ok(KEYS)], env);
    await expect(result).resolves.toMatchObject({ accessKeyId: "AKIDIMDS" });
    expect(calls()).toHaveLength(4);
  });

  it.each<[string, MetadataAnswer[], Env, RegExp]>([
    ["a refused token request (HTTP 400)", [{ status: 400, text: "" }], {}, /refused \(HTTP 400\)/],
    [
      "no token with IMDSv1 disabled",
      [{ status: 404, text: "" }],
      { AWS_EC2_METADATA_V1_DISABLED: "true" },
      /no IMDSv2 token .* IMDSv1 is disabled/,
    ],
    [
      "keys without Token",
      [ok("T"), ok("r"), ok(JSON.stringify({ AccessKeyId: "a", SecretAccessKey: "s" }))],
      {},
      /the answer for role r lacks one of AccessKeyId/,
    ],
    [
      "an Expiration without a zone",
      [ok("T"), ok("r"), ok(KEYS.replace("00:00:00Z", "00:00:00"))],
      {},
      /Expiration is not a date/,
    ],
  ])("fails on %s", async (_name, answers, env, message) => {
    await expect(run(answers, env).result).rejects.toThrow(message);
  });

  it.each<[string, Env, RegExp]>([
    ["disabled", { AWS_EC2_METADATA_DISABLED: "true" }, /AWS_EC2_METADATA_DISABLED is true/],
    ["given no time", { AWS_METADATA_SERVICE_TIMEOUT: "0" }, /must be at least 1 second, not 0/],
  ])("sends nothing when %s", async (_name, env, message) => {
    const { sent, result } = run([ok("T")], env);
    await expect(result).rejects.toThrow(message);
    expect(sent).toEqual([]);
  });
});
