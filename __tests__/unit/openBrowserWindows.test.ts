// The opener a console sign-in URL is handed to on Windows, checked by its argv (this runs
// on Linux: `cmd` and `rundll32` are stand-ins on PATH that record what they were given).
// cmd.exe would end `start "" URL` at the URL's first '&' and run the rest as commands.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openSecretUrl } from "../../src/platform/openBrowser.js";

const URL_WITH_AMP =
  "https://signin.aws.amazon.com/federation?Action=login&Issuer=awsx" +
  "&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=FAKEsigninTOKEN";

let dir: string;
const platform = process.platform;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "awsx-opener-"));
  for (const name of ["cmd", "rundll32"]) {
    // Written aside, then renamed: the test polls for the file and must never read it while
    // the shell has created it but not yet written it.
    const out = `${dir}/${name}.argv`;
    const write = `printf '%s\\n' "${name}" "$@" > "${out}.tmp"`;
    const script = `#!/bin/sh\n${write} && mv "${out}.tmp" "${out}"\n`;
    writeFileSync(path.join(dir, name), script);
    chmodSync(path.join(dir, name), 0o755);
  }
  Object.defineProperty(process, "platform", { value: "win32" });
});
afterAll(() => {
  Object.defineProperty(process, "platform", { value: platform });
  rmSync(dir, { recursive: true, force: true });
});

// The argv a stand-in recorded, once it has run (it is started detached).
async function recorded(): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    for (const name of ["cmd", "rundll32"]) {
      const file = path.join(dir, `${name}.argv`);
      if (existsSync(file)) return readFileSync(file, "utf8").trimEnd().split("\n");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}

test("Windows: the sign-in URL goes to rundll32 whole, never through cmd.exe", async () => {
  const opened = await openSecretUrl(URL_WITH_AMP, { PATH: `${dir}:/usr/bin:/bin` });
  expect(opened).toBe(true);
  expect(await recorded()).toEqual(["rundll32", "url.dll,FileProtocolHandler", URL_WITH_AMP]);
});
