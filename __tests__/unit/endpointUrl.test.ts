// endpointUrlProblem against the AWS CLI's own checks, run in python3: botocore's is_valid_uri
// (the client refuses "Invalid endpoint"), then urlsplit's port (the request fails to build),
// then urllib3's scheme (the request is not sent). A table, then random URLs built from the
// parts that matter.
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describeProblem, endpointUrl, endpointUrlProblem } from "../../src/config/endpointUrl.js";
import { checkAll } from "../helpers/requirements.js";

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

function cliVerdicts(urls: string[]): (string | null)[] {
  const r = spawnSync("python3", ["-c", PY], {
    input: JSON.stringify(urls),
    encoding: "utf-8",
    timeout: 30_000,
    env: { ...process.env, PYTHONUTF8: "1", PYTHONIOENCODING: "utf-8" },
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as (string | null)[];
}

const CASES: [string, string | undefined][] = [
  ["http://127.0.0.1:5000", undefined],
  ["https://sts.example.com/", undefined],
  ["HTTP://Local-Host.:80/x?y#z", undefined],
  ["http://[::1]:5000", undefined],
  ["http://user:pw@host:1", undefined],
  ["http://host:", undefined],
  ["http://host:00080", undefined],
  ["http://127.1:5000", undefined],
  ["//127.0.0.1:9", undefined],
  ["ftp://host", "scheme"],
  ["foo://host:1", "scheme"],
  ["http:/host", "invalid"],
  ["http:host", "invalid"],
  ["http:///x", "invalid"],
  ["http://local_stack:4566", "invalid"],
  ["http://-host:1", "invalid"],
  ["http://ho st:1", "invalid"],
  ["http://[::1", "invalid"],
  ["http://::1]", "invalid"],
  ["http://[not-ip]:1", "invalid"],
  ["127.0.0.1:5000", "invalid"],
  ["localhost:5000", "invalid"],
  ["http://host\n:1", "invalid"],
  ["", "invalid"],
  ["http://host:70000", "port"],
  ["http://host:5151:1", "port"],
  ["http://host:+1", "port"],
  ["http://host:5151\\x", "port"],
  ["http://host:١٢", "port"],
  ["http://١٢.example:1", "invalid"],
];

// The one way awsx knowingly differs (docs/config.md): a URL the CLI takes but Node's URL
// parser refuses is refused, before any request: an IPv6 zone, a host whose last label is a
// number but which is no IPv4 address.
const NODE_REFUSES = ["http://[fe80::1%25eth0]:1", "http://a.b.180:1"];
const nodeRefuses = (url: string) => !URL.canParse(endpointUrl(url));

describe("endpointUrlProblem", () => {
  it.each(CASES)("%j -> %p", (url, want) => {
    expect(endpointUrlProblem(url)).toBe(want);
  });

  it.each(NODE_REFUSES)("%j: refused, as Node's URL parser cannot read it", (url) => {
    expect(endpointUrlProblem(url)).toBe("invalid");
    expect(nodeRefuses(url)).toBe(true);
  });

  it("never shows a user name or password", () => {
    const shown = describeProblem("ftp://me:s3cr3t@host/", "scheme");
    expect(shown).not.toMatch(/me:|s3cr3t/);
    expect(shown).toMatch(/ftp:\/\/…@host\//);
  });
});

const python = await checkAll({
  name: "python3 with botocore",
  probe: () =>
    spawnSync("python3", ["-c", "import botocore.utils, urllib3"], { stdio: "ignore" }).status ===
    0,
  hint: "install the AWS CLI v1 (pip install awscli) to compare with botocore's URL checks",
});
const describePy = python ? describe : describe.skip;

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
