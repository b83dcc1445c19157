// The browser opener with a recording BROWSER: no option-shaped argument ever, the URL as
// one argument byte for byte, and a private URL only ever behind a 0600 hand-over page.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openPrivateUrl, openUrl } from "../../src/platform/openBrowser.js";

let dir: string;
let rec: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "awsx-opener-"));
  rec = join(dir, "argv.txt");
  const script = join(dir, "browser");
  writeFileSync(
    script,
    `#!/bin/sh\nfor a; do printf '%s\\n' "$a"; done > ${rec}.tmp && mv ${rec}.tmp ${rec}\n`,
    { mode: 0o755 },
  );
  env = { PATH: process.env.PATH ?? "/usr/bin:/bin", BROWSER: script };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// The opener runs detached: wait for what it wrote (it was started, so it will write).
async function argv(): Promise<string> {
  for (let i = 0; i < 100 && !existsSync(rec); i++) await new Promise((r) => setTimeout(r, 50));
  return readFileSync(rec, "utf8");
}

test.each(["-x", "--renderer-cmd-prefix=sh -c id", " https://x", "", "relative/page"])(
  "openUrl(%j) starts nothing",
  async (url) => {
    expect(await openUrl(url, env)).toBe(false);
    expect(await openUrl(url, { ...env, BROWSER: `${env.BROWSER} --new-window %s` })).toBe(false);
    expect(existsSync(rec)).toBe(false);
  },
);

test("a URL with $ patterns reaches a %s opener as one argument, unchanged", async () => {
  const url = "https://example.com/a?b=$'$&$`$$";
  expect(await openUrl(url, { ...env, BROWSER: `${env.BROWSER} --new-window %s` })).toBe(true);
  expect(await argv()).toBe(`--new-window\n${url}\n`);
});

test("openPrivateUrl hands the opener a 0600 page in a 0700 folder, never the URL", async () => {
  const url = 'http://127.0.0.1:1/start/secret-part?a=1&b="<x>';
  const { opened, remove } = await openPrivateUrl(url, env);
  expect(opened).toBe(true);
  const got = (await argv()).trim();
  expect(got).toMatch(/^file:\/\//);
  expect(got).not.toContain("secret-part");
  const page = fileURLToPath(got);
  expect(statSync(page).mode & 0o777).toBe(0o600);
  expect(statSync(dirname(page)).mode & 0o777).toBe(0o700);
  const html = readFileSync(page, "utf8");
  expect(html).toContain('url=http://127.0.0.1:1/start/secret-part?a=1&amp;b=&quot;&lt;x&gt;"');
  remove();
  expect(existsSync(dirname(page))).toBe(false);
});
