// A config file that does not parse must not put its content on the screen or in the log:
// the line after `aws_secret_access_key =` is often the secret itself.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome } from "../helpers/home.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz";

test.each([
  [
    "credentials",
    `[foo]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key =\n  ${SECRET}\n`,
  ],
  [
    "config",
    `[profile foo]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key =\n` +
      `    ${SECRET}\n`,
  ],
])(
  "a secret on the line after its key in the %s file: 78, names file and line, never the secret",
  async (which, text) => {
    const home = makeHome({ [which]: text });
    const logDir = mkdtempSync(path.join(os.tmpdir(), "awsx-log-"));
    const logFile = path.join(logDir, "awsx.log");
    try {
      const r = await runAwsx(
        ["--debug", "exec", "foo", "--", "true"],
        home.env({ AWSX_LOG_FILE: logFile }),
      );
      const file = which === "config" ? home.configFile : home.credentialsFile;
      expect(r.code).toBe(78);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(/line 4\b/);
      expect(r.stderr).not.toContain(SECRET);
      expect(r.stderr).not.toContain(SECRET.slice(0, 20));
      expect(readFileSync(logFile, "utf8")).not.toContain(SECRET.slice(0, 20));
    } finally {
      home.cleanup();
      rmSync(logDir, { recursive: true, force: true });
    }
  },
);
