// Text awsx writes for a terminal (stderr, and the text of list and explain) never carries a
// control character from a config file or a helper as it is: a profile named with an escape
// sequence, or a credential_process whose error is one, shows as \xHH instead of retitling
// the window (OSC 0), setting the clipboard (OSC 52) or clearing the screen.
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";

const NAME = "evil\x1b]0;title\x07";
const SHOWN = "evil\\x1b]0;title\\x07";
let home: TempHome;

beforeAll(() => {
  home = makeHome({
    config: [
      `[profile ${NAME}]`,
      // Fails with an OSC 52 sequence (write "pwned" to the clipboard) as its stderr.
      `credential_process = sh -c "printf '\\033]52;c;cHduZWQ=\\007oops' >&2; exit 1"`,
      "",
    ].join("\n"),
  });
});
afterAll(() => home?.cleanup());

const run = (args: string[]) =>
  runAwsx(args, home.env({ AWSX_BACKEND: "none", AWS_EC2_METADATA_DISABLED: "true" }));
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

test("awsx list: the name is shown with its escape written out", async () => {
  const r = await run(["list"]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  expect(r.stdout).toMatch(new RegExp(`^${SHOWN.replace(/[\\[\]]/g, "\\$&")} +process$`, "m"));
  expect(r.stdout).not.toMatch(CONTROL);
});

test("awsx explain: the name and the command line are shown written out", async () => {
  const r = await run(["explain", NAME]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`profile ${SHOWN}: 1 hop`);
  expect(r.stdout).not.toMatch(CONTROL);
});

test("a helper's error and a missing profile's name reach stderr written out", async () => {
  const failed = await run(["exec", NAME, "--", "true"]);
  expect(failed.code).toBe(79);
  expect(failed.stderr).toBe(
    `awsx: credential_process of profile "${SHOWN}" exited with status 1: ` +
      "\\x1b]52;c;cHduZWQ=\\x07oops\n",
  );
  const missing = await run(["exec", "nope\x1b[2J", "--", "true"]);
  expect(missing.code).toBe(67);
  expect(missing.stderr).toContain("(nope\\x1b[2J) could not be found");
  expect(missing.stderr).not.toMatch(CONTROL);
});
