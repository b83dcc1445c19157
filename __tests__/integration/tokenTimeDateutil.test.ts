// Every row of the token time table against dateutil.parser.parse, which botocore reads an
// SSO token's expiresAt and registrationExpiresAt with (then subtracting an aware clock): the
// times awsx reads mean the same there, and what awsx refuses botocore refuses too, except
// the rows marked narrower, which dateutil takes.
import { spawnSync } from "node:child_process";
import { needs } from "../helpers/requirements.js";
import { TOKEN_TIME_CASES } from "../unit/tokenTime.cases.js";

const PY = String.raw`
import sys, json, datetime, warnings
warnings.simplefilter("ignore")
import dateutil.parser
from dateutil.tz import tzutc
out = []
for s in json.load(sys.stdin):
    try:
        d = dateutil.parser.parse(s)
        d - datetime.datetime.now(tzutc())
        out.append(d.astimezone(tzutc()).strftime("%Y-%m-%dT%H:%M:%S.%f")[:23] + "Z")
    except Exception:
        out.append(None)
print(json.dumps(out))
`;

const hasDateutil = {
  name: "python3 with dateutil",
  probe: async () => spawnSync("python3", ["-c", "import dateutil"]).status === 0,
  hint: "python3 -m pip install python-dateutil (botocore needs it)",
};
const describeIf = await needs(hasDateutil);

describeIf("token times: awsx's reading against dateutil's", () => {
  test("each row means the same, or is refused by both, or is marked narrower", () => {
    const r = spawnSync("python3", ["-c", PY], {
      input: JSON.stringify(TOKEN_TIME_CASES.map((c) => c.input)),
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const theirs: Array<string | null> = JSON.parse(r.stdout);
    const wrong = TOKEN_TIME_CASES.filter((c, i) =>
      c.narrower ? c.utc !== null || theirs[i] === null : theirs[i] !== c.utc,
    ).map((c) => `${JSON.stringify(c.input)}: dateutil ${theirs[TOKEN_TIME_CASES.indexOf(c)]}`);
    expect(wrong).toEqual([]);
  });
});
