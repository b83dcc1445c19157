// The credential_process step in-process: the helper's run is a fake (StepEffects.runHelper),
// so a timeout, a crash, bad output and a refresh take no subprocess and no time.
import { isAwsxError } from "../../src/errors.js";
import type { Captured, CaptureOptions } from "../../src/platform/runCaptured.js";
import type { SourceStep } from "../../src/plan/plan.js";
import { credentialProcess } from "../../src/credentials/steps/process.js";
import { fakeEffects, stepContext } from "../helpers/stepEffects.js";

type ProcessStep = Extract<SourceStep, { kind: "process" }>;
const NOW = new Date("2030-01-01T00:00:00Z");
const step = (command: string): ProcessStep => ({
  kind: "process",
  profile: "p",
  command,
  origin: { file: "/c", section: "profile p" },
});
const ok = (stdout: string): Captured => ({ stdout, stderr: "", code: 0, signal: null });
const keys = (extra: object = {}) =>
  JSON.stringify({ Version: 1, AccessKeyId: "AKIDPROC", SecretAccessKey: "s3cr3t", ...extra });
const inMinutes = (m: number) => new Date(NOW.getTime() + m * 60_000).toISOString();

// The step with a helper that answers from `answers` in turn; what it was asked is kept.
function run(command: string, answers: Captured[]) {
  const calls: { argv: string[]; options: CaptureOptions }[] = [];
  const runHelper = async (argv: string[], options: CaptureOptions) => {
    calls.push({ argv, options });
    return answers[Math.min(calls.length - 1, answers.length - 1)]!;
  };
  const ctx = stepContext(fakeEffects({ runHelper }), {
    now: () => NOW,
    processTimeoutMs: 7000,
    env: { PATH: "/bin" },
  });
  return { calls, result: credentialProcess(step(command), ctx) };
}

describe("credential_process step", () => {
  it("splits the command as shlex does and runs it with the deadline and a 1 MiB cap", async () => {
    const { calls, result } = run(`/opt/helper --role 'a b' "c d"`, [ok(keys())]);
    await expect(result).resolves.toEqual({ accessKeyId: "AKIDPROC", secretAccessKey: "s3cr3t" });
    expect(calls).toEqual([
      {
        argv: ["/opt/helper", "--role", "a b", "c d"],
        options: { env: { PATH: "/bin" }, timeoutMs: 7000, maxOutputBytes: 1024 * 1024 },
      },
    ]);
  });

  it.each<[string, string, Captured[], RegExp]>([
    [
      "a helper stopped at the deadline",
      "/opt/helper",
      [{ ...ok(""), code: null, signal: "SIGKILL", error: "did not finish within 7s (X)" }],
      /^credential_process of profile "p" did not finish within 7s/,
    ],
    [
      "a helper that exits non-zero, with its last stderr line",
      "/opt/helper",
      [{ ...ok(""), code: 3, stderr: "warming up\nno session\n" }],
      /exited with status 3: no session$/,
    ],
    [
      "a helper killed by a signal",
      "/opt/helper",
      [{ ...ok(""), code: null, signal: "SIGTERM" }],
      /exited with SIGTERM$/,
    ],
    [
      "output that is not UTF-8",
      "/opt/helper",
      [{ ...ok("\ufffd"), notUtf8: true }],
      /printed bytes that are not UTF-8/,
    ],
    [
      "output that is not JSON",
      "/opt/helper",
      [ok("Version: 1")],
      /printed something that is not JSON/,
    ],
    ["a Version 2 answer", "/opt/helper", [ok(keys({ Version: 2 }))], /printed Version 2/],
    ["an unbalanced quote", `/opt/helper 'x`, [], /cannot be split into words/],
    ["an empty command", "  ", [], /is empty/],
  ])("fails on %s, naming the profile", async (_name, command, answers, message) => {
    const { calls, result } = run(command, answers);
    const error = await result.catch((e: unknown) => e);
    expect(isAwsxError(error) && error.code).toBe("E_CREDENTIALS");
    expect((error as Error).message).toMatch(message);
    expect(calls.length).toBe(answers.length === 0 ? 0 : 1);
  });

  it("says a recursion refused by an inner awsx is the config's fault (E_CONFIG)", async () => {
    const stderr = "awsx: credential_process recursion: profile p runs itself\n";
    const { result } = run("/opt/helper", [{ ...ok(""), code: 78, stderr }]);
    await expect(result).rejects.toMatchObject({
      code: "E_CONFIG",
      message: "credential_process recursion: profile p runs itself",
    });
  });

  it("runs the helper once more for keys within 15 minutes of expiry", async () => {
    const soon = ok(keys({ SessionToken: "t1", Expiration: inMinutes(5) }));
    const later = ok(keys({ SessionToken: "t2", Expiration: inMinutes(60) }));
    const { calls, result } = run("/opt/helper", [soon, later]);
    await expect(result).resolves.toMatchObject({ sessionToken: "t2" });
    expect(calls).toHaveLength(2);
  });

  it("fails when the second run's keys have expired too", async () => {
    const past = ok(keys({ Expiration: inMinutes(-1) }));
    const { calls, result } = run("/opt/helper", [past]);
    await expect(result).rejects.toThrow(/was run twice and returned expired credentials/);
    expect(calls).toHaveLength(2);
  });
});
