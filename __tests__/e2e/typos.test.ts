// Habits and typos of a new user: a misspelt profile gets the nearest name, `awsx clear` of a
// profile that does not exist is 67 (not "removed 0"), and --duration takes aws-vault's forms.
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";

const KEYS =
  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" +
  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
let home: TempHome;
beforeAll(() => {
  home = makeHome({
    config:
      "[profile production]\nrole_arn = arn:aws:iam::123456789012:role/p\nsource_profile = foo\n",
    credentials: `[foo]\n${KEYS}`,
  });
});
afterAll(() => home.cleanup());

const oneLine = (stderr: string) => stderr.trimEnd().split("\n");

test("a misspelt profile: 67, the nearest name suggested", async () => {
  const r = await runAwsx(["exec", "--backend", "none", "prodution", "--", "true"], home.env());
  expect(r.code).toBe(67);
  expect(oneLine(r.stderr)).toEqual([
    expect.stringMatching(
      /^awsx: The config profile \(prodution\) could not be found .*\(did you mean production\?\)/,
    ),
  ]);
});

test("a name far from every profile: 67 without a guess", async () => {
  const r = await runAwsx(["exec", "--backend", "none", "zzzzzzzz", "--", "true"], home.env());
  expect(r.code).toBe(67);
  expect(r.stderr).not.toMatch(/did you mean/);
});

test("awsx clear of a profile that does not exist: 67, nothing removed", async () => {
  const r = await runAwsx(["clear", "--backend", "memory", "prodution"], home.env());
  expect(r.code).toBe(67);
  expect(oneLine(r.stderr)).toEqual([
    expect.stringMatching(/could not be found.*did you mean production/),
  ]);
});

test("awsx clear of an existing profile still works", async () => {
  const r = await runAwsx(["clear", "--backend", "memory", "production"], home.env());
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/removed 0 cached sessions/);
});

test.each([[["--duration", "1h"]], [["--duration=1h"]], [["-d", "1h"]], [["-d", "60m"]]])(
  "%j reaches the plan as 3600 s (explain)",
  async (args) => {
    const r = await runAwsx(["explain", "--json", ...args, "production"], home.env());
    expect(r.code).toBe(0);
    const hops = JSON.parse(r.stdout).hops;
    expect(hops.at(-1)).toMatchObject({ kind: "assumeRole", durationSeconds: 3600 });
  },
);

test(
  "awsx export (aws-vault's): NAME=value lines by default, " + "export-env is awsx env's sh",
  async () => {
    const exp = await runAwsx(["export", "--backend", "none", "foo"], home.env());
    const dotenv = await runAwsx(["env", "--backend", "none", "foo", "-f", "dotenv"], home.env());
    expect(exp.code).toBe(0);
    expect(exp.stdout).toBe(dotenv.stdout);
    expect(exp.stdout).toMatch(/^AWS_ACCESS_KEY_ID='AKIAIOSFODNN7EXAMPLE'$/m);
    const sh = await runAwsx(
      ["export", "foo", "--backend", "none", "-f", "export-env"],
      home.env(),
    );
    const env = await runAwsx(["env", "foo", "--backend", "none"], home.env());
    expect(sh.stdout).toBe(env.stdout);
  },
);

test(
  "awsx export --format ini: aws-vault's [profile NAME] section, = aligned, " + "blank line after",
  async () => {
    const ini = await runAwsx(["export", "foo", "--backend", "none", "-f", "ini"], home.env());
    expect(ini.stderr).toBe("");
    expect(ini.code).toBe(0);
    expect(ini.stdout).toBe(
      "[profile foo]\n" +
        "aws_access_key_id     = AKIAIOSFODNN7EXAMPLE\n" +
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n",
    );
  },
);

test.each([
  [
    ["exec", "foo", "-n", "--", "true"],
    /-n for awsx exec \(that is aws-vault's --no-session: awsx spells it --no-session\)/,
  ],
  [["exec", "foo", "--ecs-server", "--", "true"], /use|exec --server/],
  [["exec", "foo", "-t", "123456", "--", "true"], /--mfa-token CODE/],
  [
    ["add", "--no-add-config", "foo"],
    /--no-add-config for awsx add \(awsx add stores the keys only/,
  ],
  [
    ["exec", "--json", "foo"],
    /--json for awsx exec \(for credential_process, use `awsx credential-process PROFILE`\)/,
  ],
  [
    ["exec", "-j", "foo"],
    /--jobs is for awsx exec --each; .*use `awsx credential-process PROFILE`/,
  ],
  [
    ["exec", "-s", "foo", "--", "true"],
    /-s for awsx exec \(that is aws-vault's EC2 .* exec --server\)/,
  ],
  [
    ["remove", "--sessions-only", "foo"],
    /--sessions-only for awsx remove \(.*`awsx clear PROFILE`\)/,
  ],
  [["remove", "-s", "foo"], /-s for awsx remove \(.*`awsx clear PROFILE`\)/],
  [["remove", "-f", "foo"], /-f for awsx remove \(awsx spells it --force\)/],
  [["login", "-s", "foo"], /-s for awsx login \(awsx login prints the URL by default/],
  [
    ["list", "--profiles"],
    /--profiles for awsx list \(awsx list prints profiles and cached sessions/,
  ],
  [["rotate", "-n", "foo"], /-n for awsx rotate \(awsx rotate signs with the stored key/],
  [
    ["exec", "--file-dir", "/tmp/x", "foo"],
    /--file-dir for awsx exec \(set AWSX_CACHE_DIR=DIR instead/,
  ],
  [
    ["list", "--keychain", "x"],
    /--keychain for awsx list \(awsx keeps its items in the default keychain/,
  ],
])("aws-vault's %j: 64 with a one-line pointer to the awsx way", async (args, pointer) => {
  const r = await runAwsx(args, home.env());
  expect(r.code).toBe(64);
  expect(oneLine(r.stderr)).toEqual([expect.stringMatching(pointer)]);
});

test("an unknown command gets the nearest one; awsx help CMD is CMD's help", async () => {
  const typo = await runAwsx(["exprot", "foo"], home.env());
  expect(typo.code).toBe(64);
  expect(typo.stderr).toMatch(/unknown command "exprot" \(did you mean export\?\)/);
  for (const cmd of ["export", "doctor", "exec"]) {
    const help = await runAwsx(["help", cmd], home.env());
    const flag = await runAwsx([cmd, "--help"], home.env());
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(flag.stdout);
    expect(help.stdout).toMatch(new RegExp(`awsx ${cmd}`));
  }
});
