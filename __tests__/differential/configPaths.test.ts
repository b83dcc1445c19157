// configPaths against botocore's own expansion of AWS_CONFIG_FILE (os.path.expandvars, then
// os.path.expanduser), run in python3 with the same HOME and variables: ~, ~/..., ~name/...
// (an account's home), a name with no account, $VAR and ${VAR}.
import { userInfo } from "node:os";
import { configPaths } from "../../src/config/userConfig.js";
import { describeWithPython, pythonJson } from "../helpers/python.js";

const PY = String.raw`
import json, os, sys
out = []
for env in json.loads(sys.stdin.read()):
    os.environ.clear()
    os.environ.update(env)
    out.append(os.path.expanduser(os.path.expandvars(env["AWS_CONFIG_FILE"])))
print(json.dumps(out))
`;

const me = userInfo().username;
const PATHS = [
  "~",
  "~/",
  "~/.aws/config",
  "~//x",
  "~root",
  "~root/x",
  "~root//x/",
  "~daemon/x",
  `~${me}/.aws/config`,
  "~$ME/x",
  "~${ME}",
  "~no-such-user-awsx/x",
  "~no-such-user-awsx",
  "x/~root",
  "$HOME/x",
  "${HOME}x",
  "$UNSET_AWSX/x",
];
const HOMES = ["/h", "/h/", "//h//", "", "/"];

const describePy = await describeWithPython(
  "os",
  "python3",
  "install python3 to compare with the AWS CLI's expansion of AWS_CONFIG_FILE",
);

describePy("configPaths agrees with botocore's expandvars + expanduser", () => {
  it("on every path, for every HOME", () => {
    const envs = HOMES.flatMap((HOME) =>
      PATHS.map((AWS_CONFIG_FILE) => ({ HOME, ME: me, AWS_CONFIG_FILE })),
    );
    const py = pythonJson<string[]>(PY, envs);
    const mismatches = envs.flatMap((env, i) => {
      const ts = configPaths(env).configFile;
      return ts === py[i] ? [] : [{ env, awsx: ts, python: py[i] }];
    });
    expect(mismatches).toEqual([]);
  });
});
