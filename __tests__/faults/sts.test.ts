// Fault injection: the BUILT CLI against a fake STS on loopback that refuses, hangs, fails
// with 5xx or throttling, refuses the call (AccessDenied, ExpiredToken, InvalidClientTokenId,
// ValidationError) or answers malformed XML. Every failure is one `awsx:` line naming the
// profile and the role, a documented exit code (docs/exit-codes.md), no stack trace, and
// the session cache exactly as it was before the run.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import {
  refuseConnectionsUrl,
  startFakeSts,
  type FakeSts,
  type StsBehavior,
} from "../helpers/fakeSts.js";
import { expectOneError, runAwsx, type AwsxRun as Run } from "../helpers/awsx.js";
import { makeHome, writePrintCreds, type TempHome } from "../helpers/home.js";

const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/fault-role`;
const OTHER_ROLE = `arn:aws:iam::${ACCOUNT}:role/other-role`;
const PASS = "fault-injection passphrase (test only)";
// Per-attempt timeout for the hang case; the SDK makes 3 attempts (src/cli/context.ts maxAttempts).
const STS_TIMEOUT_S = 2;
const ATTEMPTS = 3;

// Every file and folder under dir, relative path -> sha256 of its bytes ("dir" for folders).
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const rel = path.relative(dir, p);
      if (statSync(p).isDirectory()) {
        out[`${rel}/`] = "dir";
        walk(p);
      } else out[rel] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

const entries = (snap: Record<string, string>) =>
  Object.keys(snap).filter((k) => /^sessions\/[0-9a-f]{64}\.enc$/.test(k));

// Exactly one stderr line `awsx: ...` naming the profile and the role, nothing on stdout, no stack.
const expectOneLine = (r: Run, code: number, ...needles: Array<string | RegExp>): string =>
  expectOneError(r, code, 'profile "target"', ROLE, ...needles);

describe("STS faults through the built CLI", () => {
  let sts: FakeSts;
  let home: TempHome;
  let cacheDir: string;
  let closedUrl: string;
  let printCreds: string;

  const env = (url: string, extra: Record<string, string | undefined> = {}) =>
    home.env({
      AWS_ENDPOINT_URL_STS: url,
      AWSX_CACHE_DIR: cacheDir,
      AWSX_FILE_PASSPHRASE: PASS,
      ...extra,
    });

  beforeAll(async () => {
    // ValidationError comes from the fake's own check: a role whose MaxSessionDuration is 1 h.
    sts = await startFakeSts({ maxSessionDuration: 3600 });
    closedUrl = await refuseConnectionsUrl();
    home = makeHome({
      config: [
        `[profile target]\nrole_arn = ${ROLE}\nsource_profile = src\nregion = us-east-1\n`,
        `[profile other]\nrole_arn = ${OTHER_ROLE}\nsource_profile = src\nregion = us-east-1\n`,
      ].join("\n"),
      credentials:
        "[src]\naws_access_key_id = AKIAFAKEFAULTTEST001\n" +
        "aws_secret_access_key = fakeFaultInjectionSecret0000000000000001\n",
    });
    cacheDir = path.join(home.dir, "awsx-cache");
    printCreds = writePrintCreds(home.dir);
    // Seed the cache with a session for ANOTHER profile: failures must leave it alone.
    const seed = await runAwsx(["exec", "--backend", "file", "other", "--", "true"], env(sts.url));
    expect({ code: seed.code, stderr: seed.stderr }).toEqual({ code: 0, stderr: "" });
    expect(sts.count("AssumeRole")).toBe(1);
    expect(entries(snapshot(cacheDir))).toHaveLength(1);
  });
  afterAll(async () => {
    await sts?.close();
    home?.cleanup();
  });
  beforeEach(() => {
    sts.behave(undefined);
    sts.reset();
  });

  // Run `awsx exec --backend file target -- true` against url with behaviour b; the cache
  // folder (names and bytes) must be the same afterwards, with no entry for target.
  async function failing(
    b: StsBehavior | undefined,
    url = sts.url,
    extra: Record<string, string> = {},
    flags: string[] = [],
  ): Promise<Run> {
    sts.behave(b);
    sts.reset();
    const before = snapshot(cacheDir);
    expect(entries(before)).toHaveLength(1);
    const r = await runAwsx(
      ["exec", "--backend", "file", ...flags, "target", "--", "true"],
      env(url, extra),
    );
    expect(snapshot(cacheDir)).toEqual(before);
    return r;
  }

  test("connection refused: 69, says ECONNREFUSED and the endpoint", async () => {
    const r = await failing(undefined, closedUrl);
    const line = expectOneLine(r, 69, "ECONNREFUSED", closedUrl);
    expect(line).toMatch(/^awsx: cannot reach STS at /);
  });

  test(`STS never answers: with ` +
    `AWSX_STS_TIMEOUT=${STS_TIMEOUT_S}, 69 after ${ATTEMPTS} attempts, ` +
    `within ${ATTEMPTS}×timeout + 5 s`, async () => {
    const r = await failing({ hang: true }, sts.url, { AWSX_STS_TIMEOUT: String(STS_TIMEOUT_S) });
    expectOneLine(r, 69, /ETIMEDOUT|timed out/, sts.url);
    expect(sts.count("AssumeRole")).toBe(ATTEMPTS);
    // Each attempt waits the full timeout, so the run cannot be shorter than that...
    expect(r.ms).toBeGreaterThanOrEqual(ATTEMPTS * STS_TIMEOUT_S * 1000 - 250);
    // ...and no fourth wait: the attempts are counted above; this is only a hang guard
    // (timeout × attempts plus the SDK's backoff and a start on a busy machine).
    expect(r.ms).toBeLessThan(ATTEMPTS * STS_TIMEOUT_S * 1000 + 20_000);
    process.stderr.write(
      `faults/sts: hang with ` +
        `AWSX_STS_TIMEOUT=${STS_TIMEOUT_S}: gave up after ${r.ms} ms (${sts.count()} attempts)\n`,
    );
  }, 30_000);

  test.each([
    ["HTTP 500 InternalFailure", { status: 500, code: "InternalFailure" }],
    [
      "HTTP 503 ServiceUnavailable",
      { status: 503, code: "ServiceUnavailable", message: "Service is unavailable" },
    ],
  ])(
    "%s on every attempt: 69 after exactly 3 attempts, saying it retried",
    async (_label, error) => {
      const r = await failing({ error });
      expectOneLine(r, 69, `HTTP ${error.status}`, error.code, "after retries");
      expect(sts.count("AssumeRole")).toBe(ATTEMPTS);
    },
  );

  test(
    "throttling on every attempt: 77 after exactly 3 attempts (with backoff), " +
      "saying STS is throttling",
    async () => {
      const r = await failing({
        error: { status: 400, code: "Throttling", message: "Rate exceeded" },
      });
      expectOneLine(r, 77, "Throttling", "Rate exceeded", /throttling requests/);
      expect(sts.count("AssumeRole")).toBe(ATTEMPTS);
      // Backoff: the attempts are not back to back.
      const at = sts.calls.map((c) => c.at.getTime());
      expect(at[2]! - at[0]!).toBeGreaterThan(50);
    },
  );

  test.each([
    ["HTTP 500", { status: 500, code: "InternalFailure" }],
    ["HTTP 503", { status: 503, code: "ServiceUnavailable" }],
    ["throttling", { status: 400, code: "Throttling", message: "Rate exceeded" }],
  ])(
    "%s on the first 2 attempts, then success: the retry works (3 calls) and the session is cached",
    async (_label, error) => {
      sts.behave({ failFirst: { count: 2, error } });
      sts.reset();
      const r = await runAwsx(
        ["exec", "--backend", "file", "target", "--", process.execPath, printCreds],
        env(sts.url),
      );
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      const child = JSON.parse(r.stdout) as { id: string; profile: string };
      expect(child.profile).toBe("target");
      expect(sts.count("AssumeRole")).toBe(3);
      expect(sts.identityOf(child.id)?.arn).toMatch(/assumed-role\/fault-role\//);
      expect(entries(snapshot(cacheDir))).toHaveLength(2);
      // Served from the cache next time; then forget it so the other cases start from one entry.
      sts.reset();
      const again = await runAwsx(
        ["exec", "--backend", "file", "target", "--", process.execPath, printCreds],
        env(sts.url),
      );
      expect(JSON.parse(again.stdout)).toEqual(child);
      expect(sts.count()).toBe(0);
      const clear = await runAwsx(["clear", "--backend", "file", "target"], env(sts.url));
      expect(clear.code).toBe(0);
      expect(entries(snapshot(cacheDir))).toHaveLength(1);
    },
  );

  test.each([
    [
      "AccessDenied",
      {
        status: 403,
        code: "AccessDenied",
        message:
          `User: arn:aws:iam::${ACCOUNT}:user/src is not authorized to perform: ` +
          `sts:AssumeRole on resource: ${ROLE}`,
      },
      /trust policy/,
    ],
    ["ExpiredToken", { status: 403, code: "ExpiredToken" }, /expired/],
    ["InvalidClientTokenId", { status: 403, code: "InvalidClientTokenId" }, /aws_access_key_id/],
  ] as const)(
    "STS refuses with %s: 77, once, names the error and a fix",
    async (code, error, hint) => {
      const r = await failing({ error });
      expectOneLine(r, 77, `STS refused AssumeRole of ${ROLE}`, code, hint);
      expect(sts.count("AssumeRole")).toBe(1); // not retried
    },
  );

  test(
    "ValidationError (--duration beyond the role's 1 h MaxSessionDuration): 77, " +
      "the fake's own message",
    async () => {
      const r = await failing(undefined, sts.url, {}, ["--duration", "7200"]);
      expectOneLine(r, 77, "ValidationError", "MaxSessionDuration");
      expect(sts.count("AssumeRole")).toBe(1);
      expect(sts.calls[0]!.params.DurationSeconds).toBe("7200");
    },
  );

  test(
    "malformed XML in a 200 answer: 77, once (not retried), names the profile, " +
      "the role and the parse error",
    async () => {
      const r = await failing({ malformed: true });
      expectOneLine(r, 77, /XML|unexpected answer/);
      expect(sts.count("AssumeRole")).toBe(1);
    },
  );

  test(
    "the same failures under --debug show the cause (allowed there) " + "but never a secret",
    async () => {
      const r = await failing({ error: { status: 403, code: "ExpiredToken" } }, sts.url, {}, [
        "--debug",
      ]);
      expect(r.code).toBe(77);
      const errors = r.stderr.split("\n").filter((l) => l.startsWith("awsx: "));
      expect(errors).toHaveLength(1);
      expect(r.stderr).toContain("awsx[debug]: cause: ");
      expect(r.stderr).not.toContain("fakeFaultInjectionSecret");
    },
  );
});
