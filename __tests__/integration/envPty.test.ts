// `awsx env P` with stdout on a terminal prints code that sets nothing and shows the keys:
// awsx then says on stderr how to run it. Not when stdout goes to eval, a pipe or a file.
import { awsxCommand, shq } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { onPty } from "../helpers/pty.js";
import { needs } from "../helpers/requirements.js";

const HINT = "awsx: printing these sets nothing; to set them in this shell, run: ";

const describeIf = await needs("script", "bash");

describeIf("awsx env on a terminal", () => {
  let home: TempHome;
  beforeAll(() => {
    home = makeHome({
      credentials:
        "[foo]\naws_access_key_id = AKIAFAKEENVTTY000001\n" +
        "aws_secret_access_key = fakeEnvTtySecret000000000000000000000001\n",
    });
  });
  afterAll(() => home?.cleanup());
  const env = () => home.env({ TERM: "dumb", SHELL: "/bin/bash" });
  const hints = (text: string) => text.split(/\r?\n/).filter((l) => l.startsWith("awsx: printing"));

  test.each([
    [["env", "foo"], 'eval "$(awsx env foo)"'],
    [["env", "foo", "-f", "fish"], "awsx env foo -f fish | source"],
    [["env", "foo", "-f", "powershell"], "awsx env foo -f powershell | Invoke-Expression"],
  ])(
    "%j: one line on how to use it",
    async (args, use) => {
      const r = await onPty(awsxCommand(...args, "--backend", "none"), env(), "");
      expect(r.code).toBe(0);
      expect(hints(r.terminal)).toEqual([`${HINT}${use}`]);
    },
    30_000,
  );

  test("not through eval, a pipe, with --quiet, or for dotenv", async () => {
    const line = [
      `eval "$(${awsxCommand("env", "foo", "--backend", "none")})"`,
      'echo "K=${AWS_ACCESS_KEY_ID:0:4}"',
      `${awsxCommand("env", "foo", "--backend", "none")} | wc -l`,
      awsxCommand("env", "foo", "--backend", "none", "--quiet"),
      awsxCommand("env", "foo", "--backend", "none", "-f", "dotenv"),
    ].join("; ");
    const r = await onPty(`bash -c ${shq(line)}`, env(), "");
    expect(r.code).toBe(0);
    expect(r.terminal).toContain("K=AKIA");
    expect(hints(r.terminal)).toEqual([]);
  }, 30_000);
});
