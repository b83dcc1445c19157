// Hop ids (the cache keys): what changes a session changes its id, secrets never do, and
// the hash is SHA-256 exactly as node:crypto computes it.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { hopIds, sha256Hex } from "../../src/credentials/hopIds.js";
import type { HopContext } from "../../src/credentials/stepDef.js";
import type { Plan } from "../../src/plan/plan.js";

const origin = { file: "/c", section: "profile x" };
const PLAN: Plan = {
  profile: "x",
  source: {
    kind: "static",
    profile: "foo",
    provider: "shared-credentials-file",
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "secret-one-FAKE",
    origin,
  },
  steps: [{ kind: "assumeRole", profile: "x", roleArn: "arn:aws:iam::1:role/x", origin }],
  notes: [],
};
const CTX: HopContext = { endpoint: "https://sts.us-east-1.amazonaws.com", region: "us-east-1" };
const with_ = (change: (p: any) => void): Plan => {
  const p = structuredClone(PLAN);
  change(p);
  return p;
};

describe("sha256Hex", () => {
  it("matches node:crypto on any string", () => {
    const reference = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 300 }),
        (s) => sha256Hex(s) === reference(s),
      ),
    );
    expect(sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});

describe("hopIds", () => {
  const [source, role] = hopIds(PLAN, CTX);

  it("is stable, one id per hop, each naming the route up to it", () => {
    expect(hopIds(PLAN, CTX)).toEqual([source, role]);
    expect(source).not.toBe(role);
  });

  it("ignores the secret key", () => {
    expect(
      hopIds(
        with_((p) => (p.source.secretAccessKey = "other-FAKE")),
        CTX,
      ),
    ).toEqual([source, role]);
  });

  it.each<[string, Plan, HopContext]>([
    ["another access key id", with_((p) => (p.source.accessKeyId = "AKIAOTHERKEYEXAMPLE0")), CTX],
    ["another region", PLAN, { ...CTX, region: "eu-west-1" }],
    ["another endpoint", PLAN, { ...CTX, endpoint: "http://127.0.0.1:5000" }],
  ])("changes every id with %s", (_name, plan, ctx) => {
    const [s, r] = hopIds(plan, ctx);
    expect(s).not.toBe(source);
    expect(r).not.toBe(role);
  });

  it.each<[string, (p: any) => void]>([
    ["role ARN", (p) => (p.steps[0].roleArn = "arn:aws:iam::1:role/y")],
    ["session name", (p) => (p.steps[0].sessionName = "me")],
    ["external id", (p) => (p.steps[0].externalId = "ext")],
    ["MFA serial", (p) => (p.steps[0].mfaSerial = "arn:aws:iam::1:mfa/me")],
    ["duration", (p) => (p.steps[0].durationSeconds = 900)],
  ])("a different %s changes the role's id, not the source's", (_name, change) => {
    const [s, r] = hopIds(with_(change), CTX);
    expect(s).toBe(source);
    expect(r).not.toBe(role);
  });
});
