// `awsx exec PROFILE` with no command, on a real pseudo-terminal (util-linux script):
// the user's $SHELL starts interactive on the terminal with the credentials, and its
// exit status becomes awsx's.
import { makeHome, type TempHome, keysSection } from "../helpers/home.js";
import { onPty } from "../helpers/pty.js";
import { needs } from "../helpers/requirements.js";
import { awsxCommand } from "../helpers/awsx.js";

const STATIC = {
  accessKeyId: "AKIAFAKESTATIC000001",
  secretAccessKey: "fakeSecretKeyForTests0000000000000000000",
};

const describePty = await needs("script", "bash");

describePty("awsx exec PROFILE (no command) on a pseudo-terminal", () => {
  let home: TempHome;

  beforeAll(() => {
    home = makeHome({
      credentials: keysSection("foo", STATIC),
      config: "[profile foo]\nregion = eu-west-1\n",
    });
  });

  afterAll(() => home?.cleanup());

  // $(echo OK) and the split "TT""Y" keep the expected words out of the echoed command
  // line, so only the shell's real output can match.
  const LINE =
    'echo "P=$AWSX_PROFILE K=${AWS_ACCESS_KEY_ID:0:4} R=$AWS_REGION"; ' +
    'test -t 0 && test -t 1 && echo "TT""Y-$(echo OK)"; exit 3\n';

  test("starts $SHELL interactive on the terminal with the credentials; " +
    "its exit status 3 is awsx's", async () => {
    const env = home.env({ SHELL: "/bin/bash", TERM: "dumb", PS1: "awsx-test$ " });
    const r = await onPty(awsxCommand("exec", "foo"), env, LINE);
    const lines = r.terminal.split(/\r?\n/).map((l) => l.replace(/\r/g, ""));
    expect(r.signal).toBeNull();
    expect(lines).toContain("P=foo K=AKIA R=eu-west-1");
    expect(lines).toContain("TTY-OK");
    expect(r.code).toBe(3);
    // One line before the shell: whose credentials, until when, how to leave.
    expect(r.terminal).toMatch(
      /awsx: shell with profile "foo", long-term keys, no expiry; type `exit` to leave/,
    );
    // The secret never shows on the terminal (only the 4 characters asked for).
    expect(r.terminal).not.toContain(STATIC.secretAccessKey);
  }, 30_000);

  test("the shell's exit status 0 passes through as 0; --quiet prints no banner", async () => {
    const env = home.env({ SHELL: "/bin/bash", TERM: "dumb" });
    const r = await onPty(
      awsxCommand("exec", "--quiet", "foo"),
      env,
      'echo "X=$AWSX_PROFILE"; exit 0\n',
    );
    expect(r.terminal.split(/\r?\n/).map((l) => l.replace(/\r/g, ""))).toContain("X=foo");
    expect(r.terminal).not.toMatch(/shell with profile/);
    expect(r.code).toBe(0);
  }, 30_000);

  test("inside that shell, a nested awsx exec refuses (exit 64) unless --force", async () => {
    const env = home.env({ SHELL: "/bin/bash", TERM: "dumb" });
    const nested = awsxCommand();
    const r = await onPty(
      `${nested} exec foo`,
      env,
      `${nested} exec foo -- true; echo "N=$?"; ${nested} exec --force foo -- true; ` +
        `echo "F=$?"; exit 0\n`,
    );
    const lines = r.terminal.split(/\r?\n/).map((l) => l.replace(/\r/g, ""));
    expect(lines).toContain("N=64");
    expect(lines).toContain("F=0");
    expect(r.terminal).toMatch(/already inside awsx exec for profile "foo"/);
    expect(r.code).toBe(0);
  }, 30_000);
});
