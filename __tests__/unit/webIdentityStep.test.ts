// The web identity step in-process: the token file is read through StepEffects.readFile and
// the call goes to a fake STS, so a missing, empty, short or changed token costs no file.
import { loadConfig } from "../../src/config/load.js";
import { credentialsFor } from "../../src/credentials/credentialsFor.js";
import { readWebIdentityToken, webIdentity } from "../../src/credentials/steps/webIdentity.js";
import type { SourceStep } from "../../src/plan/plan.js";
import type { AroundHop, Sts } from "../../src/types.js";
import { createLogger } from "../../src/util/log.js";
import { fakeEffects, fsError, stepContext } from "../helpers/stepEffects.js";

type WebIdentityStep = Extract<SourceStep, { kind: "webIdentity" }>;
const ARN = "arn:aws:iam::123456789012:role/ci";
const NOW = new Date("2030-01-01T00:00:00Z");
const STEP: WebIdentityStep = {
  kind: "webIdentity",
  profile: "ci",
  roleArn: ARN,
  tokenFile: "/run/token",
  from: "profile",
};
const bytes = (text: string) => new TextEncoder().encode(text);
const reading = (answer: () => Uint8Array) => fakeEffects({ readFile: async () => answer() });

describe("web identity token", () => {
  it("is the file's text, trimmed, read through the effects", async () => {
    const read: string[] = [];
    const effects = fakeEffects({
      readFile: async (path) => (read.push(path), bytes("  eyJtoken\n")),
    });
    await expect(readWebIdentityToken(STEP, effects)).resolves.toBe("eyJtoken");
    expect(read).toEqual(["/run/token"]);
  });

  it("reads bytes that are not UTF-8 as U+FFFD, as readFile(path, 'utf8') does", async () => {
    const effects = reading(() => new Uint8Array([0x61, 0xff, 0x62, 0x63]));
    await expect(readWebIdentityToken(STEP, effects)).resolves.toBe("a\ufffdbc");
  });

  it.each<[string, () => Uint8Array, RegExp]>([
    [
      "a file that is not there",
      () => {
        throw fsError("ENOENT");
      },
      /cannot read the web identity token file \/run\/token of profile "ci": ENOENT; check/,
    ],
    ["an empty file", () => bytes(" \n"), /of profile "ci": the file is empty; check/],
    ["a token of 3 characters", () => bytes("abc"), /has 3 characters; STS takes at least 4/],
  ])("fails on %s", async (_name, answer, message) => {
    await expect(readWebIdentityToken(STEP, reading(answer))).rejects.toMatchObject({
      code: "E_CREDENTIALS",
      message: expect.stringMatching(message),
    });
  });
});

describe("web identity step", () => {
  it("trades the token for a role session named after the clock", async () => {
    const sent: unknown[] = [];
    const sts = {
      assumeRoleWithWebIdentity: async (input: unknown) => {
        sent.push(input);
        return { accessKeyId: "ASIAWI", secretAccessKey: "s", sessionToken: "t" };
      },
    } as unknown as Sts;
    const ctx = stepContext(fakeEffects(), { sts: async () => sts, now: () => NOW });
    await expect(webIdentity(STEP, "eyJtoken", ctx)).resolves.toMatchObject({
      accessKeyId: "ASIAWI",
    });
    expect(sent).toEqual([
      { RoleArn: ARN, RoleSessionName: "awsx-1893456000", WebIdentityToken: "eyJtoken" },
    ]);
  });
});

describe("web identity through credentialsFor", () => {
  const config = loadConfig({ configFile: "/c", credentialsFile: "/k" }, (p) =>
    p === "/c" ? `[profile ci]\nrole_arn = ${ARN}\nweb_identity_token_file = /run/token\n` : "",
  );
  // The hop ids the cache is asked for: a new token is a new session.
  async function hopIdFor(token: string): Promise<string> {
    const ids: string[] = [];
    const around: AroundHop = async (hop, run) => (ids.push(hop.id), run());
    const sts = {
      assumeRoleWithWebIdentity: async () => ({ accessKeyId: "A", secretAccessKey: "s" }),
    } as unknown as Sts;
    await credentialsFor(
      "ci",
      { mfaSession: true, mfaSessionSeconds: 43200, processTimeoutMs: 5000 },
      {
        config,
        env: {},
        now: () => NOW,
        logger: createLogger({ write: () => {} }),
        sts: async () => sts,
        mfa: () => Promise.reject(new Error("no MFA")),
        around,
        effects: reading(() => bytes(token)),
      },
    );
    return ids[0]!;
  }

  it("keys the session on the token read through the effects", async () => {
    const first = await hopIdFor("token-one");
    expect(await hopIdFor("token-one")).toBe(first);
    expect(await hopIdFor("token-two")).not.toBe(first);
  });
});
