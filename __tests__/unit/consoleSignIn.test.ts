// The console federation exchange in-process (src/login/consoleSignIn.ts): STS and the
// federation endpoint are fakes, so every answer, refusal and failure is checked without a
// server, and no secret reaches a log line.
import { consoleSignInUrl, type SignInRequest } from "../../src/login/consoleSignIn.js";
import type { Credentials } from "../../src/types.js";
import { createLogger } from "../../src/util/log.js";

const ENDPOINT = "https://signin.aws.amazon.com/federation";
const SESSION: Credentials = {
  accessKeyId: "ASIAROLE",
  secretAccessKey: "role-secret-FAKE",
  sessionToken: "role-token-FAKE",
};
const LONG_TERM: Credentials = { accessKeyId: "AKIAUSER", secretAccessKey: "user-secret-FAKE" };
const FEDERATED: Credentials = {
  accessKeyId: "ASIAFED",
  secretAccessKey: "fed-secret-FAKE-0123456789",
  sessionToken: "fed-token-FAKE-0123456789",
};
const request = (over: Partial<SignInRequest> = {}): SignInRequest => ({
  profile: "dev user",
  credentials: SESSION,
  endpoint: ENDPOINT,
  destination: "https://console.aws.amazon.com/",
  stsEndpoint: "https://sts.amazonaws.com",
  ...over,
});

// Fakes that keep what was asked; `answer` is the federation endpoint's (or its failure).
function exchange(answer: () => Promise<{ status: number; text: string }>) {
  const gets: URL[] = [];
  const federation: unknown[] = [];
  const lines: string[] = [];
  const logger = createLogger({ write: (l) => void lines.push(l), debug: true });
  const sts = async () => ({
    getFederationToken: async (creds: Credentials, input: unknown) => {
      federation.push({ creds, input });
      return FEDERATED;
    },
  });
  const get = (url: string) => (gets.push(new URL(url)), answer());
  const effects = { sts, get, logger };
  return { gets, federation, lines, logger, effects };
}
const signin = (token: string) => async () => ({
  status: 200,
  text: JSON.stringify({ SigninToken: token }),
});

describe("console sign-in exchange", () => {
  it("trades a role session for a SigninToken and a login URL, without STS", async () => {
    const x = exchange(signin("SIGNIN-FAKE-TOKEN"));
    const url = new URL(await consoleSignInUrl(request({ sessionSeconds: 900 }), x.effects));
    expect(x.federation).toEqual([]);
    const sent = x.gets[0]!.searchParams;
    expect(sent.get("Action")).toBe("getSigninToken");
    expect(sent.get("SessionDuration")).toBe("900");
    expect(JSON.parse(sent.get("Session")!)).toEqual({
      sessionId: "ASIAROLE",
      sessionKey: "role-secret-FAKE",
      sessionToken: "role-token-FAKE",
    });
    expect(url.searchParams.get("Action")).toBe("login");
    expect(url.searchParams.get("SigninToken")).toBe("SIGNIN-FAKE-TOKEN");
    expect(x.logger.redact("SIGNIN-FAKE-TOKEN")).not.toContain("SIGNIN-FAKE-TOKEN");
  });

  it("gets a federation session for long-term keys first, named after the profile", async () => {
    const x = exchange(signin("SIGNIN-FAKE-TOKEN"));
    await consoleSignInUrl(request({ credentials: LONG_TERM, federationSeconds: 7200 }), x.effects);
    expect(x.federation).toEqual([
      {
        creds: LONG_TERM,
        input: {
          Name: "awsx-dev-user",
          Policy: expect.stringContaining('"Action":"*"'),
          DurationSeconds: 7200,
        },
      },
    ]);
    expect(JSON.parse(x.gets[0]!.searchParams.get("Session")!).sessionId).toBe("ASIAFED");
    expect(x.gets[0]!.searchParams.has("SessionDuration")).toBe(false);
    expect(x.lines.join("")).toMatch(/GetFederationToken awsx-dev-user for the console/);
    expect(x.logger.redact("fed-token-FAKE-0123456789 fed-secret-FAKE-0123456789")).not.toMatch(
      /fed-/,
    );
  });

  it("says a refused GetFederationToken as awsx's STS error", async () => {
    const x = exchange(signin("unused"));
    x.effects.sts = async () => ({
      getFederationToken: async () => {
        throw Object.assign(new Error("Cannot call GetFederationToken with session"), {
          name: "AccessDenied",
          $metadata: { httpStatusCode: 403 },
        });
      },
    });
    const error = consoleSignInUrl(request({ credentials: LONG_TERM }), x.effects);
    await expect(error).rejects.toMatchObject({ profile: "dev user" });
    await expect(error).rejects.toThrow(/GetFederationToken for profile "dev user"/);
    expect(x.gets).toEqual([]);
  });

  it.each<[string, () => Promise<{ status: number; text: string }>, string, RegExp]>([
    [
      "an HTTP error",
      async () => ({ status: 400, text: "bad" }),
      "E_STS",
      /answered HTTP 400 for profile "dev user"; check the credentials and --duration$/,
    ],
    [
      "an answer without SigninToken",
      async () => ({ status: 200, text: "<html>" }),
      "E_STS",
      /answered without a SigninToken \(profile "dev user"\)$/,
    ],
    [
      "no connection",
      () => Promise.reject(Object.assign(new Error("connect"), { code: "ECONNREFUSED" })),
      "E_NETWORK",
      /^cannot reach the federation endpoint .* for profile "dev user": ECONNREFUSED$/,
    ],
  ])("fails on %s, naming the endpoint and profile", async (_name, answer, code, message) => {
    const error = consoleSignInUrl(request(), exchange(answer).effects);
    await expect(error).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it("says an endpoint that is no URL as one it cannot reach", async () => {
    const x = exchange(signin("unused"));
    const error = consoleSignInUrl(request({ endpoint: "not a url" }), x.effects);
    await expect(error).rejects.toMatchObject({ code: "E_NETWORK" });
    expect(x.gets).toEqual([]);
  });
});
