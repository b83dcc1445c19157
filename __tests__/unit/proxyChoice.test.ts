// src/platform/proxyChoice.ts against Python's urllib.request (getproxies_environment and
// proxy_bypass_environment, which botocore 1.43 uses on Linux): each row's expected proxy was
// computed by Python 3.11 from the same environment and URL (null: no proxy).
import { proxyFor, proxySecrets } from "../../src/platform/proxyChoice.js";

const PYTHON: Array<[Record<string, string>, string, string | null]> = [
  [{ HTTPS_PROXY: "http://p:3128" }, "https://sts.amazonaws.com", "http://p:3128"],
  [{ HTTPS_PROXY: "http://p:3128", NO_PROXY: "amazonaws.com" }, "https://sts.amazonaws.com", null],
  [{ HTTPS_PROXY: "http://p:3128", NO_PROXY: ".amazonaws.com" }, "https://sts.amazonaws.com", null],
  [
    { HTTPS_PROXY: "http://p:3128", NO_PROXY: "..amazonaws.com" },
    "https://sts.amazonaws.com",
    null,
  ],
  [
    { HTTPS_PROXY: "http://p:3128", NO_PROXY: "ws.com" },
    "https://sts.amazonaws.com",
    "http://p:3128",
  ],
  [{ HTTPS_PROXY: "http://p:3128", NO_PROXY: "*" }, "https://sts.amazonaws.com", null],
  [{ HTTPS_PROXY: "http://p:3128", NO_PROXY: " *" }, "https://sts.amazonaws.com", "http://p:3128"],
  [
    { HTTPS_PROXY: "http://p:3128", NO_PROXY: "*.amazonaws.com" },
    "https://sts.amazonaws.com",
    "http://p:3128",
  ],
  [
    { HTTPS_PROXY: "http://p:3128", NO_PROXY: "a.b, STS.AMAZONAWS.COM " },
    "https://sts.amazonaws.com",
    null,
  ],
  [{ HTTPS_PROXY: "http://p:3128", NO_PROXY: "10.0.0.0/8" }, "https://10.1.2.3", "http://p:3128"],
  [{ HTTPS_PROXY: "http://p:3128", NO_PROXY: "10.1.2.3" }, "https://10.1.2.3:8443", null],
  [{ HTTPS_PROXY: "http://p:3128", NO_PROXY: "h:8443" }, "https://h:8443/x", null],
  [{ HTTPS_PROXY: "http://p:3128", NO_PROXY: "h:8443" }, "https://h/x", "http://p:3128"],
  [{ HTTPS_PROXY: "http://p:3128", NO_PROXY: "[::1]" }, "https://[::1]:8443", null],
  [{ HTTPS_PROXY: "http://p:3128", NO_PROXY: "::1" }, "https://[::1]:8443", "http://p:3128"],
  [{ HTTP_PROXY: "http://p:3128" }, "https://sts.amazonaws.com", null],
  [{ HTTP_PROXY: "http://p:3128" }, "http://127.0.0.1:5000", "http://p:3128"],
  [{ HTTP_PROXY: "http://p:3128", REQUEST_METHOD: "GET" }, "http://127.0.0.1:5000", null],
  [
    { http_proxy: "http://p:3128", REQUEST_METHOD: "GET" },
    "http://127.0.0.1:5000",
    "http://p:3128",
  ],
  [{ HTTPS_PROXY: "http://a:1", https_proxy: "http://b:2" }, "https://h", "http://b:2"],
  [{ HTTPS_PROXY: "http://a:1", https_proxy: "" }, "https://h", null],
  [{ HTTPS_PROXY: "", Https_Proxy: "http://b:2" }, "https://h", "http://b:2"],
  [{ HTTPS_PROXY: "http://a:1", NO_PROXY: "h", no_proxy: "" }, "https://h", "http://a:1"],
  [{ HTTPS_PROXY: "http://a:1", NO_PROXY: "", no_proxy: "h" }, "https://h", null],
  [{ ALL_PROXY: "http://a:1" }, "https://h", null],
  [{ HTTPS_PROXY: "p:3128" }, "https://h", "p:3128"],
  [{ HTTPS_PROXY: "//p:3128" }, "https://h", "//p:3128"],
];

// botocore's _fix_proxy_url, then the proxy's scheme and host.
const labelOf = (v: string) => {
  const u = new URL(
    v.startsWith("http:") || v.startsWith("https:")
      ? v
      : v.startsWith("//")
        ? `http:${v}`
        : `http://${v}`,
  );
  return `${u.protocol}//${u.host}`;
};

describe("proxyFor: the proxy botocore picks", () => {
  it.each(PYTHON)("%j %s -> %s", (env, url, python) => {
    const choice = proxyFor(env, url);
    expect(choice.kind === "proxy" ? choice.proxy.label : null).toBe(
      python === null ? null : labelOf(python),
    );
  });

  it("says why: the variable, or the NO_PROXY entry that matched", () => {
    expect(proxyFor({ https_proxy: "http://p:1" }, "https://h").why).toBe("https_proxy");
    expect(proxyFor({ HTTPS_PROXY: "http://p:1", NO_PROXY: "x, .h" }, "https://a.h").why).toBe(
      'NO_PROXY entry ".h" matches a.h',
    );
    expect(proxyFor({}, "https://h").why).toBe("no HTTPS_PROXY or https_proxy is set");
    expect(proxyFor({ HTTPS_PROXY: "http://bad host:1" }, "https://h").kind).toBe("invalid");
  });

  it("basic auth only with a user and a password (botocore's proxy_headers_for)", () => {
    const both = proxyFor({ HTTPS_PROXY: "http://me:p%40ss@p:3128" }, "https://h");
    const user = proxyFor({ HTTPS_PROXY: "http://me@p:3128" }, "https://h");
    expect(both.kind === "proxy" && [both.proxy.auth, both.proxy.href, both.proxy.label]).toEqual([
      true,
      "http://me:p%40ss@p:3128/",
      "http://p:3128",
    ]);
    expect(user.kind === "proxy" && [user.proxy.auth, user.proxy.href]).toEqual([
      false,
      "http://p:3128/",
    ]);
  });

  it("proxySecrets: the user information as written, decoded and as a Basic header", () => {
    const s = proxySecrets({ HTTPS_PROXY: "http://me:p%40ssword@p:3128", HTTP_PROXY: "p:1" });
    expect(s).toEqual(
      expect.arrayContaining([
        "me:p%40ssword@",
        "me:p@ssword",
        Buffer.from("me:p@ssword").toString("base64"),
        "p@ssword",
      ]),
    );
    expect(proxySecrets({ HTTPS_PROXY: "http://p:3128" })).toEqual([]);
  });
});
