// awsx sso login (PKCE) against another local user: while the victim's awsx waits for its
// browser, an attacker running as uid 65534 (nobody), who can see the listener's port as
// every user can (`ss -ltn`, /proc/net/tcp), tries to learn the state (the old /start page,
// every process's command line, the hand-over page) and to finish the sign-in with a code of
// their own (login CSRF) or to abort it. Tests run as root in CI; the attacker is setpriv'd.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { runAwsx } from "../helpers/awsx.js";
import { startFakeSso, type FakeSso, SSO_DEV_CONFIG } from "../helpers/fakeSso.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { needsForTest } from "../helpers/requirements.js";

const asRoot = await needsForTest(
  { name: "root (to run an attacker as uid 65534)", probe: () => process.getuid?.() === 0 },
  "setpriv",
  "curl",
);

// The victim's browser: writes down its pid and arguments, then stays (with its command line)
// until the test ends it; the test walks the pages for it after the attack.
const browserScript = (rec: string) =>
  `#!/bin/sh\nprintf '%s\\n' "$$" "$@" > ${rec}.tmp && mv ${rec}.tmp ${rec}\nsleep 60\n`;

// The attacker (sh and curl as nobody). $1 port, $2 the hand-over page's path (known: it is
// on the opener's command line), $3 "complete" or "abort". One line per finding.
const ATTACK = `
port=$1; page=$2; mode=$3; base=http://127.0.0.1:$port
say() { printf '%s\\n' "$*"; }
start=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$base/start")
say "start $start"
found=$(cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n' |
  grep -o "127[.]0[.]0[.]1:$port/start[^ ]*" | head -n 1)
say "cmdline \${found:-none}"
cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n' | grep -q "browser[.]sh$" && say "opener seen"
if [ -n "$page" ] && cat "$page" >/dev/null 2>&1; then say "page read"; else say "page denied"; fi
auth=\${start#* }
if [ -z "$auth" ] && [ -n "$found" ]; then
  auth=$(curl -s -o /dev/null -w '%{redirect_url}' "http://$found")
fi
state=$(printf '%s' "$auth" | sed -n 's/.*[?&]state=\\([^&]*\\).*/\\1/p')
if [ -n "$state" ]; then say "state found"; else say "state none"; fi
if [ "$mode" = complete ]; then
  back=
  [ -n "$auth" ] && back=$(curl -s -o /dev/null -w '%{redirect_url}' "$auth")
  [ -z "$back" ] && back="$base/oauth/callback?code=attackers-code&state=\${state:-guess}"
else
  back="$base/oauth/callback?error=access_denied&error_description=x&state=\${state:-guess}"
fi
say "callback $(curl -s -o /dev/null -w '%{http_code}' "$back")"
`;

const attack = async (port: string, page: string, mode: string): Promise<string[]> => {
  const argv = ["--reuid=65534", "--regid=65534", "--clear-groups"];
  const sh = ["sh", "-c", ATTACK, "sh", port, page, mode];
  const { stdout } = await promisify(execFile)("setpriv", [...argv, ...sh], { timeout: 20_000 });
  return stdout.trim().split("\n");
};

// The victim's browser walking from the start URL to awsx's callback: each status.
async function walk(start: string): Promise<Array<number | string>> {
  const seen: Array<number | string> = [];
  for (let url: string | null = start; url && seen.length < 4; ) {
    try {
      const res: Response = await fetch(url, { redirect: "manual" });
      seen.push(res.status);
      url = res.headers.get("location");
    } catch (e) {
      seen.push((e as Error & { cause?: { code?: string } }).cause?.code ?? "error");
      break;
    }
  }
  return seen;
}

async function waitFor(file: string): Promise<string> {
  for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  return readFileSync(file, "utf8");
}

let fake: FakeSso;
let home: TempHome;
let browserPid: number | undefined;
beforeEach(async () => {
  fake = await startFakeSso();
  home = makeHome({ config: SSO_DEV_CONFIG });
  browserPid = undefined;
});
afterEach(async () => {
  // The opener awsx started runs in a process group of its own: end it, with its sleep.
  if (browserPid) {
    try {
      process.kill(-browserPid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await fake.close();
  home.cleanup();
});

asRoot.each(["complete", "abort"])(
  "another user can neither learn the state nor %s the victim's sign-in",
  async (mode) => {
    const rec = join(home.dir, "browser.txt");
    const browser = join(home.dir, "browser.sh");
    writeFileSync(browser, browserScript(rec), { mode: 0o755 });
    const env = home.env({
      AWS_ENDPOINT_URL_SSO: fake.url,
      AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
      AWSX_BACKEND: "file",
      AWSX_FILE_PASSPHRASE: "sso-test-passphrase",
      AWSX_CACHE_DIR: join(home.dir, "cache"),
      BROWSER: browser,
    });
    const login = runAwsx(["sso", "login", "dev"], env, 60_000);
    const [pid, opened] = (await waitFor(rec)).trim().split("\n");
    browserPid = Number(pid);
    // What the victim's browser would load: the page behind a file URL (fixed), or the URL.
    const page = opened!.startsWith("file:") ? fileURLToPath(opened!) : "";
    const start = page ? /url=([^"]+)"/.exec(readFileSync(page, "utf8"))![1]! : opened!;
    const seen = await attack(new URL(start).port, page, mode);
    const victim = await walk(start);
    const r = await login;
    expect({ seen, victim, code: r.code, authorize: fake.count("Authorize") }).toEqual({
      seen: [
        "start 404 ",
        "cmdline none",
        "opener seen",
        "page denied",
        "state none",
        "callback 400",
      ],
      victim: [302, 302, 200],
      code: 0,
      authorize: 1,
    });
    expect(r.stderr).toContain('signed in to sso-session "corp"');
    expect(existsSync(page)).toBe(false);
  },
  90_000,
);
