// endpointUrlProblem against the AWS CLI's own checks, run in python3: botocore's is_valid_uri
// (the client refuses "Invalid endpoint"), then urlsplit's port (the request fails to build),
// then urllib3's scheme (the request is not sent). A table, then random URLs built from the
// parts that matter.
import fc from "fast-check";
import { endpointUrlProblem } from "../../src/config/endpointUrl.js";
import { describeWithPython, pythonJson } from "../helpers/python.js";
import { CASES, NODE_REFUSES, nodeRefuses } from "../unit/endpointUrl.cases.js";

const PY = String.raw`
import json, sys
from urllib.parse import urlsplit
from botocore.utils import is_valid_uri
from urllib3.util.url import parse_url
from urllib3.exceptions import LocationParseError
out = []
for u in json.loads(sys.stdin.buffer.read().decode("utf-8")):
    try:
        ok = bool(is_valid_uri(u))
    except ValueError:
        ok = False
    if not ok:
        out.append("invalid")
        continue
    try:
        urlsplit(u).port
    except ValueError:
        out.append("port")
        continue
    try:
        scheme = (parse_url(u).scheme or "http").lower()
    except LocationParseError:
        out.append("invalid")
        continue
    out.append(None if scheme in ("http", "https") else "scheme")
sys.stdout.write(json.dumps(out))
`;

const cliVerdicts = (urls: string[]) => pythonJson<(string | null)[]>(PY, urls);

const describePy = await describeWithPython(
  "botocore.utils, urllib3",
  "python3 with botocore",
  "install the AWS CLI v1 (pip install awscli) to compare with botocore's URL checks",
);

// URLs in the shape scheme, separator, user, host, port, path, each part often well formed,
// sometimes not.
const URLS = fc
  .tuple(
    fc.constantFrom("http", "https", "HTTPS", "ftp", "h2", ""),
    fc.constantFrom("://", "//", ":/", ":", ":///"),
    fc.constantFrom("", "me@", "me:pw@"),
    fc.constantFrom(
      ...["127.0.0.1", "localhost", "a.b", "sts.example.com.", "[::1]", "[::1", "::1]"],
      ...["a_b", "-a", "a..b", "٣.a", "a b", "[x]", ""],
    ),
    fc.constantFrom("", ":", ":80", ":0080", ":65535", ":65536", ":8:8", ":+1", ":8x", ":٣"),
    fc.constantFrom("", "/", "/x?y#z", "\\x", "?q", "#f", "/a b"),
  )
  .map((parts) => parts.join(""));

describePy("endpointUrlProblem is the AWS CLI's verdict", () => {
  it("agrees on the table", () => {
    const py = cliVerdicts(CASES.map(([u]) => u));
    expect(CASES.map(([, want]) => want ?? null)).toEqual(py);
    expect(cliVerdicts(NODE_REFUSES)).toEqual(NODE_REFUSES.map(() => null));
  });

  it("agrees on 5000 random URLs", () => {
    const urls = fc.sample(URLS, { numRuns: 5000, seed: 23 });
    const py = cliVerdicts(urls);
    // Which check refuses may differ (botocore's \\d takes any script's digits, and its host
    // test runs before urlsplit's port): refused or not must agree, or be Node's refusal.
    const differ = urls.filter((u, i) => {
      const ours = endpointUrlProblem(u);
      if ((ours === undefined) === (py[i] === null)) return ours === "scheme" && py[i] !== "scheme";
      return !(py[i] === null && ours === "invalid" && nodeRefuses(u));
    });
    expect(differ).toEqual([]);
    // Every verdict must be in the sample, or it proves little.
    for (const v of [null, "invalid", "port", "scheme"])
      expect(py.filter((p) => p === v).length).toBeGreaterThan(20);
  });
});
