// An SSO profile without a token, run on a real pseudo-terminal (util-linux script): awsx
// offers the sign-in right there; yes signs in (the test's browser follows the redirects)
// and the command runs; no leaves the usual error. Without a terminal nothing is asked.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runAwsx, awsxCommand } from "../helpers/awsx.js";
import { startFakeSso, type FakeSso, SSO_DEV_CONFIG } from "../helpers/fakeSso.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { needs } from "../helpers/requirements.js";

const KEY_ID = "ASIAFAKESSOPROMPT001";
const BROWSER_JS = `
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
for (let url = process.argv[2], i = 0; url && i < 6; i++) {
  // awsx hands the start page over as a private file:// page that redirects to it.
  if (url.startsWith("file:")) {
    const page = readFileSync(fileURLToPath(url), "utf8");
    url = /url=([^"]+)"/.exec(page)[1].replace(/&amp;/g, "&");
    continue;
  }
  url = (await fetch(url, { redirect: "manual" })).headers.get("location");
}
`;

// Runs command on a fresh pty, types answer once the question shows, returns the terminal.
function onPty(command: string, env: Record<string, string>, answer: string) {
  return new Promise<{ code: number | null; terminal: string }>((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let terminal = "";
    let typed = false;
    const onData = (b: Buffer) => {
      terminal += b.toString("utf8");
      if (!typed && terminal.includes("Sign in now? [Y/n]")) {
        typed = true;
        child.stdin.write(answer);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const killer = setTimeout(() => child.kill("SIGKILL"), 40_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      child.stdin.destroy();
      resolve({ code, terminal });
    });
  });
}

const describePty = await needs("script");

describePty("signing in from a command that needs it", () => {
  let fake: FakeSso;
  let home: TempHome;
  let env: Record<string, string>;
  const awsx = awsxCommand();
  const exec = `${awsx} exec dev -- sh -c 'echo "K=$AWS_ACCESS_KEY_ID"'`;

  beforeEach(async () => {
    fake = await startFakeSso({
      roleKeys: () => ({ accessKeyId: KEY_ID, secretAccessKey: "x", sessionToken: "y" }),
    });
    home = makeHome({ config: SSO_DEV_CONFIG });
    const browser = join(home.dir, "browser.mjs");
    writeFileSync(browser, BROWSER_JS);
    env = home.env({
      AWS_ENDPOINT_URL_SSO: fake.url,
      AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
      AWSX_BACKEND: "memory",
      BROWSER: `${process.execPath} ${browser} %s`,
      TERM: "dumb",
    });
  });
  afterEach(async () => {
    await fake.close();
    home.cleanup();
  });

  test("yes: the browser sign-in runs, then the command gets the role's keys", async () => {
    const r = await onPty(exec, env, "y\r");
    expect(r.terminal).toContain('profile "dev": not signed in to IAM Identity Center');
    expect(r.terminal).toContain(`K=${KEY_ID}`);
    expect(r.code).toBe(0);
    expect(fake.count("Authorize")).toBe(1);
    expect(fake.count("GetRoleCredentials")).toBe(1);
  }, 60_000);

  test("no: exit 79 naming the login command, nothing signed in", async () => {
    const r = await onPty(exec, env, "n\r");
    expect(r.code).toBe(79);
    expect(r.terminal).toContain("awsx sso login --sso-session corp");
    expect(fake.count()).toBe(0);
  }, 60_000);

  test("no terminal: nothing is asked, exit 79 at once", async () => {
    const r = await runAwsx(["exec", "dev", "--", "true"], env, 30_000); // a hang is killed
    expect(r.code).toBe(79);
    expect(r.stderr).not.toContain("Sign in now?");
    expect(fake.count()).toBe(0);
  });
});
