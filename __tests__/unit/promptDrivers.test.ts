// The MFA prompt drivers' pure parts: the argv each dialog and ykman get (kdialog and
// osascript are tested only so: no KDE or macOS here), what their exits mean, and the
// automatic choice. The real zenity and the ykman stand-in: integration/prompts.test.ts.
import { isAwsxError } from "../../src/errors.js";
import { autoDriver, type PromptFacts } from "../../src/cli/mfaPrompt.js";
import { promptDriverName, readSettings } from "../../src/cli/settings.js";
import { dialogArgv, dialogOutcome } from "../../src/platform/askDialog.js";
import { PromptError } from "../../src/platform/promptError.js";
import { ykmanArgv, ykmanFailure, ykmanOutput } from "../../src/platform/ykmanCode.js";

const Q = "Enter MFA code for arn:aws:iam::123456789012:mfa/my_user (profile a\\b): ";

describe("dialog argv", () => {
  test("zenity: a hidden entry titled awsx, the text escaped for its label, a timeout", () => {
    expect(dialogArgv("zenity", Q, 120)).toEqual([
      "zenity",
      "--entry",
      "--hide-text",
      "--title=awsx",
      "--text=Enter MFA code for arn:aws:iam::123456789012:mfa/my__user (profile a\\\\b): ",
      "--timeout=120",
    ]);
  });

  test("kdialog: a password box titled awsx, the question as one argument", () => {
    expect(dialogArgv("kdialog", Q, 120)).toEqual(["kdialog", "--title", "awsx", "--password", Q]);
  });

  test("osascript: the question is an argument of the run handler, never in the script", () => {
    const hostile = 'x" & (do shell script "touch /tmp/pwned") & "';
    const argv = dialogArgv("osascript", hostile, 120);
    expect(argv.at(-1)).toBe(hostile);
    const script = argv.slice(1, -1).filter((_, i) => i % 2 === 1);
    expect(argv.slice(1, -1).filter((_, i) => i % 2 === 0)).toEqual(["-e", "-e", "-e", "-e"]);
    expect(script.join("\n")).not.toContain("pwned");
    expect(script).toEqual([
      "on run argv",
      'display dialog (item 1 of argv) default answer "" with hidden answer with title "awsx" ' +
        'buttons {"Cancel", "OK"} default button "OK"',
      "return text returned of result",
      "end run",
    ]);
  });
});

describe("dialog outcomes", () => {
  const ok = { code: 0, stdout: "123456\n", stderr: "" };
  const fails = (f: () => unknown): PromptError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(PromptError);
      return e as PromptError;
    }
    throw new Error("did not throw");
  };

  test.each(["zenity", "kdialog", "osascript"] as const)("%s: exit 0 is the answer", (d) => {
    expect(dialogOutcome(d, ok)).toBe("123456");
  });

  test.each([
    ["zenity", { code: 1, stdout: "", stderr: "" }],
    ["kdialog", { code: 1, stdout: "", stderr: "" }],
    ["osascript", { code: 1, stdout: "", stderr: "execution error: User canceled. (-128)\n" }],
  ] as const)("%s: Cancel is a cancelled prompt", (d, result) => {
    const e = fails(() => dialogOutcome(d, result));
    expect(e.cancelled).toBe(true);
    expect(e.message).toBe(`the ${d} dialog was cancelled`);
  });

  test("zenity exit 5 is its timeout; osascript's other errors are failures", () => {
    expect(fails(() => dialogOutcome("zenity", { code: 5, stdout: "", stderr: "" })).message).toBe(
      "the zenity dialog timed out (AWSX_PROMPT_TIMEOUT)",
    );
    const e = fails(() =>
      dialogOutcome("osascript", { code: 1, stdout: "", stderr: "execution error: boom (-1)\n" }),
    );
    expect(e.cancelled).toBe(false);
    expect(e.message).toBe("osascript failed (exit 1: execution error: boom (-1))");
  });

  test("a dialog that cannot start says so", () => {
    const result = {
      code: null,
      stdout: "",
      stderr: "",
      error: "could not start zenity: command not found",
    };
    expect(fails(() => dialogOutcome("zenity", result)).message).toBe(
      "could not start zenity: command not found",
    );
  });
});

describe("ykman", () => {
  const target = { account: "arn:aws:iam::123456789012:mfa/me" };

  test("argv: aws-vault's and `--` before the account, --device first when a serial is set", () => {
    expect(ykmanArgv(target)).toEqual([
      "ykman",
      "oath",
      "accounts",
      "code",
      "--single",
      "--",
      "arn:aws:iam::123456789012:mfa/me",
    ]);
    expect(ykmanArgv({ ...target, device: "12345678" }).slice(0, 4)).toEqual([
      "ykman",
      "--device",
      "12345678",
      "oath",
    ]);
  });

  test("output: the code alone on a line; anything else is refused without echoing it", () => {
    expect(ykmanOutput("123456\n")).toBe("123456");
    expect(ykmanOutput("12345678\n")).toBe("12345678");
    const e = (() => {
      try {
        ykmanOutput("GitHub:me  654321\n");
      } catch (err) {
        return err as Error;
      }
    })();
    expect(e?.message).toBe("ykman printed no code");
  });

  test.each([
    ["ERROR: No YubiKey detected!\n", "ykman found no YubiKey", "plug it in"],
    [
      "ERROR: No matching account found.\n",
      'ykman found no OATH account matching "arn:aws:iam::123456789012:mfa/me" on the YubiKey',
      "set AWSX_YKMAN_ACCOUNT",
    ],
    [
      "Error: Multiple matches, make the query more specific.\n\nA:me\nB:me\n",
      'several OATH accounts on the YubiKey match "arn:aws:iam::123456789012:mfa/me"',
      "full name",
    ],
    [
      "ERROR: Multiple YubiKeys detected. Use --device SERIAL to specify which one to use.\n",
      "several YubiKeys are plugged in",
      "AWSX_YKMAN_DEVICE",
    ],
    [
      "Touch your YubiKey...\nERROR: Touch account timed out!\n",
      "the YubiKey was not touched in time",
      "try again",
    ],
    ["Enter the password: \nAborted!\n", "ykman wants the OATH password", "remember"],
  ])("failure %j", (stderr, message, fix) => {
    try {
      ykmanFailure(stderr, 1, target);
      throw new Error("did not throw");
    } catch (e) {
      expect(e).toBeInstanceOf(PromptError);
      expect((e as PromptError).message).toContain(message);
      expect((e as PromptError).fix).toContain(fix);
      expect((e as PromptError).fix).toContain("--mfa-token CODE");
    }
  });

  test("an unknown failure names ykman's own line", () => {
    expect(() => ykmanFailure("ERROR: Something new\n", 2, target)).toThrow(
      "ykman failed (exit 2: Something new)",
    );
  });
});

describe("the automatic choice", () => {
  const facts = (over: Partial<PromptFacts> & { path?: string[] }): PromptFacts => ({
    hasTerminal: () => false,
    platform: "linux",
    env: {},
    onPath: (c) => (over.path ?? ["zenity", "kdialog"]).includes(c),
    ...over,
  });

  test("a terminal wins everywhere", () => {
    expect(autoDriver(facts({ hasTerminal: () => true, env: { DISPLAY: ":0" } }))).toEqual({
      driver: "terminal",
    });
    expect(autoDriver(facts({ hasTerminal: () => true, platform: "darwin" }))).toEqual({
      driver: "terminal",
    });
  });

  test("no terminal: osascript on macOS, zenity then kdialog with a Linux display", () => {
    expect(autoDriver(facts({ platform: "darwin" }))).toEqual({ driver: "osascript" });
    expect(autoDriver(facts({ env: { DISPLAY: ":0" } }))).toEqual({ driver: "zenity" });
    expect(autoDriver(facts({ env: { WAYLAND_DISPLAY: "wayland-0" }, path: ["kdialog"] }))).toEqual(
      { driver: "kdialog" },
    );
  });

  test("no terminal, no way to ask: why", () => {
    expect(autoDriver(facts({}))).toEqual({
      none: "there is no terminal nor desktop (DISPLAY, WAYLAND_DISPLAY) to ask on",
    });
    expect(autoDriver(facts({ env: { DISPLAY: ":0" }, path: [] }))).toEqual({
      none: "there is no terminal, and neither zenity nor kdialog to ask on the desktop",
    });
    expect(autoDriver(facts({ platform: "win32", env: { DISPLAY: ":0" } }))).toEqual({
      none: "there is no terminal to ask on",
    });
  });
});

describe("AWSX_PROMPT and its companions", () => {
  test("read once with the other settings", () => {
    const s = readSettings({
      HOME: "/h",
      AWSX_PROMPT: "ykman",
      AWSX_PROMPT_TIMEOUT: "30",
      AWSX_YKMAN_ACCOUNT: "AWS:me",
      AWSX_YKMAN_DEVICE: "12345678",
    });
    expect(s.prompt).toBe("ykman");
    expect(s.promptTimeoutMs).toBe(30_000);
    expect(s.ykmanAccount).toBe("AWS:me");
    expect(s.ykmanDevice).toBe("12345678");
    expect(readSettings({ HOME: "/h" }).promptTimeoutMs).toBe(120_000);
  });

  test("an unknown driver is a usage error naming the variable", () => {
    try {
      promptDriverName("pass", "AWSX_PROMPT");
      throw new Error("did not throw");
    } catch (e) {
      expect(isAwsxError(e) && e.exitCode).toBe(64);
      expect((e as Error).message).toBe(
        'unknown prompt driver "pass" (AWSX_PROMPT); use one of auto, terminal, ykman, zenity, ' +
          "kdialog, osascript",
      );
    }
  });
});
