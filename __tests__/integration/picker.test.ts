// The profile picker of exec, env and login with no profile, on a real pseudo-terminal typed
// into as a person would: type to filter, arrows, Enter; Esc or Ctrl-C runs nothing (130).
// Off a terminal (no tty stdin, CI, --no-prompt) the usage error stays (64). A plain exec
// never loads the picker's bundle.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AWSX_BIN, runAwsx, awsxCommand } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { refuseConnectionsUrl } from "../helpers/ports.js";
import { onPtySteps, type PtyStep } from "../helpers/pty.js";
import { needs } from "../helpers/requirements.js";

const keys = (n: number) =>
  `aws_access_key_id = AKIAFAKEPICK${String(n).padStart(8, "0")}\n` +
  `aws_secret_access_key = fakePickSecret${String(n).padStart(26, "0")}\n`;
// A name with an escape sequence in it: the list must show it written out.
const EVIL = "evil\u001b[31mred";
const ASK = "Profile for awsx";
// The frame drawn once "dev" has filtered the list (unfiltered, dev-b is followed by stage).
const FILTERED = /❯ dev-a\r?\n {2}dev-b\r?\n\r?\n/;
const PRINT = ["--", "sh", "-c", 'echo "PICKED=$AWSX_PROFILE"'];
const DOWN = "\u001b[B";
const ESC = "\u001b";
const CTRL_C = "\u0003";

const describeIf = await needs("script");

describeIf("the profile picker", () => {
  let home: TempHome;
  beforeAll(() => {
    home = makeHome({
      config: `[profile ${EVIL}]\nregion = us-east-1\n`,
      credentials: [1, 2, 3, 4]
        .map((n, i) => `[${["prod", "dev-a", "dev-b", "stage"][i]}]\n${keys(n)}`)
        .join(""),
    });
  });
  afterAll(() => home?.cleanup());
  type Extra = Record<string, string | undefined>;
  const env = (extra: Extra = {}) => home.env({ TERM: "dumb", ...extra });
  const pty = (args: string[], steps: PtyStep[], extra: Extra = {}) =>
    onPtySteps(awsxCommand(...args), env(extra), steps);
  const filterDownEnter: PtyStep[] = [
    { after: ASK, type: "dev" },
    { after: FILTERED, type: DOWN },
    { after: "❯ dev-b", type: "\r" },
  ];

  test("exec -- CMD: filter, arrow, Enter; the command runs with the picked profile", async () => {
    const r = await pty(["exec", "--backend", "none", ...PRINT], filterDownEnter);
    expect(r.code).toBe(0);
    expect(r.terminal).toContain("PICKED=dev-b\r\n");
    // The name from the config is listed with its escape written out, never raw.
    expect(r.terminal).toContain("evil\\x1b[31mred");
    expect(r.terminal).not.toContain(EVIL);
  }, 40_000);

  test("no colour, even on a colour terminal without NO_COLOR (awsx never " +
    "prints colour)", async () => {
    const colour = { TERM: "xterm-256color", NO_COLOR: undefined };
    const r = await pty(["exec", "--backend", "none", ...PRINT], filterDownEnter, colour);
    expect(r.code).toBe(0);
    expect(r.terminal).toContain("PICKED=dev-b\r\n");
    // Cursor moves and line clears are the picker's drawing; an SGR (ESC [ ... m) is colour.
    expect(r.terminal.match(/\u001b\[[\d;]*m/g) ?? []).toEqual([]);
  }, 40_000);

  test("Esc cancels: exit 130, nothing run", async () => {
    const r = await pty(["exec", "--backend", "none", ...PRINT], [{ after: ASK, type: ESC }]);
    expect(r.code).toBe(130);
    expect(r.terminal).toContain("awsx: no profile picked: cancelled at the profile picker (Esc)");
    expect(r.terminal).not.toContain("PICKED=");
  }, 40_000);

  test("Ctrl-C cancels: exit 130, nothing run", async () => {
    const r = await pty(["exec", "--backend", "none", ...PRINT], [{ after: ASK, type: CTRL_C }]);
    expect(r.code).toBe(130);
    expect(r.terminal).toContain("awsx: no profile picked: interrupted at the profile picker");
    expect(r.terminal).not.toContain("PICKED=");
  }, 40_000);

  test("env with no profile: the picked profile's variables", async () => {
    const r = await pty(["env", "--backend", "none"], filterDownEnter);
    expect(r.code).toBe(0);
    expect(r.terminal).toContain("export AWSX_PROFILE='dev-b'");
    expect(r.terminal).toContain("export AWS_ACCESS_KEY_ID='AKIAFAKEPICK00000003'");
  }, 40_000);

  test("login with no profile: the picked profile is the one signed in", async () => {
    const sts = await refuseConnectionsUrl();
    const steps: PtyStep[] = [
      { after: ASK, type: "stag" },
      { after: /❯ stage\r?\n\r?\n/, type: "\r" },
    ];
    const r = await pty(["login", "--backend", "none"], steps, { AWS_ENDPOINT_URL_STS: sts });
    // GetFederationToken for stage's keys at a port that refuses: 69, naming the profile.
    expect(r.code).toBe(69);
    expect(r.terminal).toMatch(/awsx: cannot reach STS at .* for profile "stage"/);
  }, 40_000);

  test.each<[string, string[], Record<string, string>, string]>([
    ["--no-prompt", ["exec", "--no-prompt", "--", "true"], {}, "exec"],
    ["CI=true", ["login"], { CI: "true" }, "login"],
  ])(
    "on a terminal with %s: the usage error, no picker (64)",
    async (_, args, extra, cmd) => {
      const r = await pty(args, [], extra);
      expect(r.code).toBe(64);
      expect(r.terminal).toContain(`awsx: awsx ${cmd} needs a profile: awsx ${cmd} PROFILE`);
      expect(r.terminal).not.toContain(ASK);
    },
    40_000,
  );

  test.each([
    [
      ["exec", "--", "true"],
      "awsx exec needs a profile: awsx exec PROFILE [--] COMMAND [ARGS...]; see awsx exec --help",
    ],
    [["env"], "awsx env needs a profile: awsx env PROFILE (or awsx env --unset to clear)"],
    [["login"], "awsx login needs a profile: awsx login PROFILE; see awsx login --help"],
  ])("off a terminal, %j keeps today's usage error (64)", async (args, message) => {
    const r = await runAwsx(args, env());
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 64,
      stdout: "",
      stderr: `awsx: ${message}\n`,
    });
  });

  test("a plain exec never loads the picker; one that picks does", async () => {
    // Every file Node requires, written down by a preload of the test's.
    const seen = path.join(home.dir, "required.txt");
    const hook = path.join(home.dir, "hook.cjs");
    writeFileSync(
      hook,
      "const M = require('module'); const fs = require('fs'); const load = M._load;\n" +
        `M._load = function (r, ...a) { fs.appendFileSync(${JSON.stringify(seen)}, r + "\\n"); ` +
        "return load.call(this, r, ...a); };\n",
    );
    const required = () => readFileSync(seen, "utf8").split("\n").filter(Boolean);
    const traced = { NODE_OPTIONS: `--require ${hook}` };
    writeFileSync(seen, "");
    const plain = await runAwsx(["exec", "--backend", "none", "prod", "--", "true"], env(traced));
    expect({ code: plain.code, stderr: plain.stderr }).toEqual({ code: 0, stderr: "" });
    // The trace sees the warm bundle's own requires (exec runs dist/awsx.cjs from its code
    // cache, not through require: node:tty is the bundle's, bin/awsx.js needs none).
    expect(required()).toContain("node:tty");
    expect(required().filter((f) => /lazy-picker|inquirer/.test(f))).toEqual([]);
    // Nor is the prompt library inside the warm bundle itself: its text is in the lazy file.
    const text = (f: string) => readFileSync(path.join(path.dirname(AWSX_BIN), "..", "dist", f));
    expect(text("lazy-picker.cjs").includes("force closed the prompt")).toBe(true);
    expect(text("awsx.cjs").includes("force closed the prompt")).toBe(false);
    // The same check sees the picker when it is used.
    writeFileSync(seen, "");
    const picked = await pty(["exec", "--backend", "none", ...PRINT], filterDownEnter, traced);
    expect(picked.code).toBe(0);
    expect(required().filter((f) => f.endsWith("lazy-picker.cjs"))).toHaveLength(1);
  }, 60_000);
});
