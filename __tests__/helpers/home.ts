// A throw-away HOME with ~/.aws/config and ~/.aws/credentials, plus a
// clean env for child processes.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";

// Contents to write into the temporary ~/.aws files (missing = empty file).
export interface HomeFiles {
  config?: string;
  credentials?: string;
}

// A temporary home directory; call cleanup() in afterEach/afterAll.
export interface TempHome {
  dir: string;
  configFile: string;
  credentialsFile: string;
  /**
   * Clean env: no AWS_* or other vars from the parent except the allow-list;
   * `undefined` in extra deletes a key.
   */
  env(extra?: Record<string, string | undefined>): Record<string, string>;
  cleanup(): void;
}

// Non-AWS variables copied from the parent when set (PATH and LANG are always set).
// AWSX_LOG_FILE: scripts/test.sh sets it so every awsx run of the suite appends its lines
// (debug included, redacted) to one file, which __tests__/leak/scan.test.ts scans for secrets.
const PASS_THROUGH = [
  "TMPDIR",
  "PYENV_ROOT",
  "PYENV_VERSION",
  "SYSTEMROOT",
  "AWSX_LOG_FILE",
] as const;

// Creates the temp home (dir 0700, files 0600) and returns its paths and env builder.
// A credentials-file section holding `keys` (a moto user, or any key pair).
export const keysSection = (
  name: string,
  keys: { accessKeyId: string; secretAccessKey: string },
): string =>
  `[${name}]\naws_access_key_id = ${keys.accessKeyId}\n` +
  `aws_secret_access_key = ${keys.secretAccessKey}\n`;

export function makeHome(files: HomeFiles = {}): TempHome {
  const dir = mkdtempSync(path.join(os.tmpdir(), "awsx-home-"));
  const awsDir = path.join(dir, ".aws");
  mkdirSync(awsDir, { mode: 0o700 });
  const configFile = path.join(awsDir, "config");
  const credentialsFile = path.join(awsDir, "credentials");
  for (const [file, text] of [
    [configFile, files.config ?? ""],
    [credentialsFile, files.credentials ?? ""],
  ] as const) {
    writeFileSync(file, text, { mode: 0o600 });
    chmodSync(file, 0o600); // mode is ignored if umask is stricter/looser
  }
  return {
    dir,
    configFile,
    credentialsFile,
    env(extra = {}) {
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
        HOME: dir,
        AWS_CONFIG_FILE: configFile,
        AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
        AWS_EC2_METADATA_DISABLED: "true",
        NO_COLOR: "1",
        LANG: process.env.LANG ?? "C.UTF-8",
        // No test starts awsx's agent unless it asks for one (__tests__/integration/agent.test.ts).
        AWSX_AGENT: "0",
      };
      for (const key of PASS_THROUGH) {
        const v = process.env[key];
        if (v !== undefined) env[key] = v;
      }
      for (const [k, v] of Object.entries(extra)) {
        if (v === undefined) delete env[k];
        else env[k] = v;
      }
      return env;
    },
    cleanup() {
      // Retried: a detached helper of a test (a "browser") may still be writing its log.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

// Every regular file below dir (for the "no secret on disk" checks).
// Node's compile cache, which bin/awsx.js keeps in <cache dir>/compile/<node version...>/, and
// exec's own (<cache dir>/compile/NAME.<node version>-<arch>.v8): bytecode of awsx's own
// bundles, written by any run; never a session, never a secret.
const COMPILE_CACHE_FILE = /(^|[\\/])compile[\\/](v[^\\/]+[\\/][^\\/]+|[^\\/]+\.v8)$/;
const isCodeCache = (file: string): boolean => COMPILE_CACHE_FILE.test(file);

// Files under dir other than the code cache (none if dir does not exist).
export const dataFilesUnder = (dir: string): string[] =>
  existsSync(dir) ? filesUnder(dir).filter((f) => !isCodeCache(f)) : [];

// Every file under dir with its bytes (as latin1), but Node's compile cache and the
// once-per-terminal notices: what the commands of a test left behind.
export const contentsUnder = (dir: string): Record<string, string> =>
  Object.fromEntries(
    filesUnder(dir)
      .filter((f) => !/\/cache\/(compile|notices)\//.test(f))
      .map((f) => [f, readFileSync(f, "latin1")]),
  );

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

// What the child of `awsx exec` was given, as printed by the script writePrintCreds writes.
export interface ChildCreds {
  id: string;
  secret: string;
  token: string;
  expiration: string;
  profile: string;
}

// Writes dir/print-creds.mjs, which prints its credential variables as ChildCreds JSON;
// run it as `awsx exec PROFILE -- node FILE`. Returns its path.
export function writePrintCreds(dir: string): string {
  const file = path.join(dir, "print-creds.mjs");
  writeFileSync(
    file,
    `const e = process.env;
process.stdout.write(JSON.stringify({ id: e.AWS_ACCESS_KEY_ID, secret: e.AWS_SECRET_ACCESS_KEY, ` +
      `token: e.AWS_SESSION_TOKEN, expiration: e.AWS_CREDENTIAL_EXPIRATION, profile: ` +
      `e.AWSX_PROFILE }));\n`,
  );
  return file;
}
