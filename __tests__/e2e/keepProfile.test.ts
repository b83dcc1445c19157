// AWSX_KEEP_AWS_PROFILE=1 (granted's habit: prompts show AWS_PROFILE): exec's child and
// env's output get AWS_PROFILE = the profile's name; without it AWS_PROFILE is removed.
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";

let home: TempHome;
beforeAll(() => {
  home = makeHome({
    credentials:
      "[foo]\naws_access_key_id = AKIAFAKEKEEPPROFILE1\n" +
      "aws_secret_access_key = fakeKeepProfileSecret00000000000000000001\n",
  });
});
afterAll(() => home.cleanup());

const printProfile = ["node", "-e", "process.stdout.write(String(process.env.AWS_PROFILE))"];

test.each([
  ["1", "foo"],
  [undefined, "undefined"],
])("AWSX_KEEP_AWS_PROFILE=%s: the child's AWS_PROFILE is %s", async (keep, seen) => {
  const env = home.env({ AWS_PROFILE: "stale", AWSX_KEEP_AWS_PROFILE: keep });
  const r = await runAwsx(["exec", "--backend", "none", "foo", "--", ...printProfile], env);
  expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
    code: 0,
    stderr: "",
    stdout: seen,
  });
});

test(
  "env: sets AWS_PROFILE with the opt-in, unsets it without; " + "--unset always clears it",
  async () => {
    const on = await runAwsx(
      ["env", "--backend", "none", "foo"],
      home.env({ AWSX_KEEP_AWS_PROFILE: "1" }),
    );
    expect(on.stdout).toContain("export AWS_PROFILE='foo';");
    expect(on.stdout).not.toContain("unset AWS_PROFILE;");
    const off = await runAwsx(["env", "--backend", "none", "foo"], home.env());
    expect(off.stdout).toContain("unset AWS_PROFILE;");
    expect(off.stdout).not.toContain("export AWS_PROFILE=");
    const unset = await runAwsx(["env", "--unset"], home.env());
    expect(unset.stdout).toContain("unset AWS_PROFILE;");
  },
);
