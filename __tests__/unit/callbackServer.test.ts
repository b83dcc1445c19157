// The loopback listener of the PKCE sign-in, through real HTTP on 127.0.0.1: the start URL
// works once, the callback takes exactly our state once, and its page escapes what it shows.
import { startCallbackServer, type CallbackServer } from "../../src/platform/callbackServer.js";

const STATE = "s".repeat(43);
const AUTHORIZE = "https://oidc.eu-west-1.amazonaws.com/authorize?state=x";
let cb: CallbackServer;
let settled: unknown;

beforeEach(async () => {
  cb = await startCallbackServer(STATE, 60_000);
  settled = undefined;
  cb.result.then(
    (r) => (settled = r),
    (e) => (settled = e),
  );
});
afterEach(() => cb.close());

const get = (url: string) => fetch(url, { redirect: "manual" });
const callback = (query: string) => get(`${cb.redirectUri}?${query}`);
const base = () => new URL(cb.redirectUri).origin;

test("the start URL is random, redirects once, and /start itself is nothing", async () => {
  const start = cb.startAt(AUTHORIZE);
  expect(start).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/start\/[0-9a-f]{64}$/);
  expect((await get(`${base()}/start`)).status).toBe(404);
  const first = await get(start);
  expect(first.status).toBe(302);
  expect(first.headers.get("location")).toBe(AUTHORIZE);
  const again = await get(start);
  expect(again.status).toBe(404);
  expect(again.headers.get("location")).toBeNull();
  expect(await again.text()).not.toContain("state=");
});

test("a callback without exactly our state is refused and the wait goes on", async () => {
  for (const query of [
    "code=c1",
    "code=c1&state=wrong",
    `code=c1&state=${STATE}x`,
    `code=c1&state=${STATE}&state=${STATE}`,
    "error=access_denied",
    "error=access_denied&state=",
  ]) {
    expect([query, (await callback(query)).status]).toEqual([query, 400]);
  }
  expect(settled).toBeUndefined();
  const ok = await callback(`code=c2&state=${STATE}`);
  expect(ok.status).toBe(200);
  expect(await cb.result).toEqual({ code: "c2" });
});

test("the state is taken once: a second callback with it changes nothing", async () => {
  expect((await callback(`code=first&state=${STATE}`)).status).toBe(200);
  for (const query of [`code=second&state=${STATE}`, `error=access_denied&state=${STATE}`]) {
    const again = await callback(query);
    expect([query, again.status, await again.text()]).toEqual([
      query,
      400,
      expect.stringContaining("This sign-in is over."),
    ]);
  }
  expect(await cb.result).toEqual({ code: "first" });
});

test("the page escapes the error it shows and forbids scripts", async () => {
  const hostile = `<script>alert(1)</script><img src=x onerror="alert(2)">'&`;
  const res = await callback(new URLSearchParams({ state: STATE, error: hostile }).toString());
  expect(res.status).toBe(400);
  const html = await res.text();
  expect(html).not.toContain("<script>");
  expect(html).not.toContain("<img");
  expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=");
  expect(html).toContain("&quot;alert(2)&quot;&gt;&#39;&amp;");
  expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
  expect(await cb.result).toEqual({ error: hostile, description: undefined });
});
