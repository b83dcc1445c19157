// The URLs endpointUrlProblem is checked on, each with its verdict (undefined: accepted);
// __tests__/differential/endpointUrl.test.ts checks every verdict against botocore's.
import { endpointUrl } from "../../src/config/endpointUrl.js";

export const CASES: [string, string | undefined][] = [
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
export const NODE_REFUSES = ["http://[fe80::1%25eth0]:1", "http://a.b.180:1"];
export const nodeRefuses = (url: string) => !URL.canParse(endpointUrl(url));
