// run(): help, version, usage errors and completion answered from the command table, each
// on the right stream with the right exit status, in process (no command runs here).
import { COMMANDS } from "../../src/cli/commands/index.js";
import { run } from "../../src/cli/main.js";
import { VERSION } from "../../src/cli/version.js";
import { makeHome, type TempHome } from "../helpers/home.js";

let home: TempHome;
beforeAll(() => {
  home = makeHome({
    config: "[profile prod]\nregion = us-east-1\n[profile target1]\nregion = us-east-1\n",
  });
});
afterAll(() => home?.cleanup());

async function awsx(argv: string[], env: Record<string, string | undefined> = home.env()) {
  let stdout = "";
  let stderr = "";
  const code = await run({
    argv,
    env,
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
  });
  return { code, stdout, stderr };
}

describe("help", () => {
  it("--help, -h and help print the same page on stdout, exit 0", async () => {
    const help = await awsx(["--help"]);
    expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: "" });
    expect(help.stdout).toMatch(/^awsx: run commands/);
    expect(await awsx(["-h"])).toEqual(help);
    expect(await awsx(["help"])).toEqual(help);
  });

  it(
    "lists every command but the hidden one, " + "the global options and the exit statuses",
    async () => {
      const { stdout } = await awsx(["--help"]);
      for (const c of COMMANDS) expect(stdout).toContain(`awsx ${c.name} `);
      expect(stdout).toContain("awsx help [COMMAND]");
      expect(stdout).not.toContain("__complete");
      for (const o of ["--debug", "-q, --quiet", "-h, --help", "--version"])
        expect(stdout).toContain(o);
      expect(stdout).toContain("Exit status: the child's, or awsx's own: 64 usage");
    },
  );

  it.each(COMMANDS.map((c) => [c.name]))("%s: help COMMAND is COMMAND --help", async (name) => {
    const page = await awsx([name, "--help"]);
    expect({ code: page.code, stderr: page.stderr }).toEqual({ code: 0, stderr: "" });
    expect(page.stdout).toMatch(new RegExp(`^Usage: awsx ${name}`));
    expect(await awsx(["help", name])).toEqual(page);
    expect(page.stdout).toContain("Exit status:");
    for (const line of page.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
  });

  it("each command's page lists its own options, --no- form for those on by default", async () => {
    const exec = (await awsx(["exec", "--help"])).stdout;
    for (const o of ["-r, --region REGION", "--mfa-token CODE", "-d, --duration DURATION"]) {
      expect(exec).toContain(o);
    }
    for (const o of ["--no-cache", "--no-mfa-session", "--no-prompt", "--force", "--server"]) {
      expect(exec).toContain(o);
    }
    expect(exec).toContain("(keychain, file, memory, none)");
    expect(exec).not.toContain("--format");
    const env = (await awsx(["env", "-h"])).stdout;
    expect(env).toContain("-f, --format FORMAT");
    expect(env).toContain("(sh, fish, powershell, dotenv, json) (default: sh)");
    expect((await awsx(["list", "--help"])).stdout).not.toContain("--region");
  });

  it("help for an unknown or hidden command is a usage error", async () => {
    for (const name of ["nosuch", "__complete"]) {
      expect(await awsx(["help", name])).toEqual({
        code: 64,
        stdout: "",
        stderr: `awsx: unknown command "${name}"; see awsx --help\n`,
      });
    }
  });
});

describe("version and usage errors", () => {
  it("--version prints the version alone", async () => {
    expect(await awsx(["--version"])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  it.each<[string[], string]>([
    [["frobnicate"], 'unknown command "frobnicate"; see awsx --help'],
    [
      ["exec"],
      "awsx exec needs a profile: awsx exec PROFILE [--] COMMAND [ARGS...]; see awsx exec --help",
    ],
    [["--debug", "exec", "--x", "p"], "unknown option --x for awsx exec; see awsx exec --help"],
    [["list", "-q", "x"], 'unexpected argument "x" for awsx list; see awsx list --help'],
  ])("%j: one line on stderr, exit 64, even with --debug or -q", async (argv, message) => {
    expect(await awsx(argv)).toEqual({ code: 64, stdout: "", stderr: `awsx: ${message}\n` });
  });
});

describe("completion", () => {
  it("__complete prints one candidate a line", async () => {
    expect(await awsx(["__complete", "--", "ex"])).toEqual({
      code: 0,
      stdout: "exec\nexplain\nexport\n",
      stderr: "",
    });
    expect((await awsx(["__complete", "--", "exec", ""])).stdout).toBe("prod\ntarget1\n");
    expect(await awsx(["__complete", "--", "exec", "prod", ""])).toEqual({
      code: 0,
      stdout: "",
      stderr: "",
    });
  });

  it("an unparsable config completes no profile, and says nothing", async () => {
    const bad = makeHome({ config: "[profile broken\n" });
    try {
      expect(await awsx(["__complete", "--", "whoami", ""], bad.env())).toEqual({
        code: 0,
        stdout: "",
        stderr: "",
      });
      expect((await awsx(["__complete", "--", "--"], bad.env())).stdout).toBe(
        "--debug\n--quiet\n--help\n--version\n",
      );
    } finally {
      bad.cleanup();
    }
  });

  it("completion prints the named shell's script, else $SHELL's, else bash's", async () => {
    const script = async (argv: string[], shell?: string) =>
      (await awsx(["completion", ...argv], home.env({ SHELL: shell }))).stdout;
    expect(await script(["bash"])).toContain("complete -o default -F _awsx_completions awsx");
    expect(await script(["zsh"])).toContain("compdef _awsx awsx");
    expect(await script(["fish"])).toContain("complete -c awsx -f -a '(__awsx_complete)'");
    expect(await script([], "/usr/bin/zsh")).toBe(await script(["zsh"]));
    expect(await script([], "/usr/local/bin/fish")).toBe(await script(["fish"]));
    expect(await script([], "/bin/tcsh")).toBe(await script(["bash"]));
    expect(await script([])).toBe(await script(["bash"]));
  });
});
