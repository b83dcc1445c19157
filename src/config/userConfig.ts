import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { AwsxError, isAwsxError } from "../errors.js";
import type { Env } from "../types.js";
import { type Indexer, type LoadedConfig, loadConfig } from "./load.js";

// Python's expanduser: HOME when it is set at all (an empty HOME makes ~ the root, "/"),
// the account's home directory only when it is unset.
const homeOf = (env: Env): string => (env.HOME !== undefined ? env.HOME : homedir());

// The home directory of the account `name` (for ~name), as Python's pwd.getpwnam finds it:
// this account's from Node, another's from the system's user database through `getent`
// (NSS: /etc/passwd, LDAP, sssd alike); undefined when there is none or no getent (macOS).
// Only a path that names another account pays for the child process.
function homeOfUser(name: string): string | undefined {
  try {
    const me = userInfo();
    if (me.username === name) return me.homedir;
  } catch {
    // no user database entry for this process: ask getent
  }
  try {
    const entry = execFileSync("getent", ["passwd", "--", name], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    });
    const fields = entry.split("\n")[0]!.split(":");
    return fields.length === 7 && fields[0] === name ? fields[5] : undefined;
  } catch {
    return undefined; // no such account (exit 2), or no getent
  }
}

// posixpath.expanduser: `~` or `~/...` is HOME, `~name` or `~name/...` that account's home
// (kept as written when there is no such account); the home's trailing slashes are dropped.
function expandUser(p: string, env: Env): string {
  if (!p.startsWith("~")) return p;
  const slash = p.indexOf("/", 1);
  const end = slash < 0 ? p.length : slash;
  const home = end === 1 ? homeOf(env) : homeOfUser(p.slice(1, end));
  if (home === undefined) return p;
  return home.replace(/\/+$/, "") + p.slice(end) || "/";
}

// os.path.expandvars then expanduser, as botocore treats AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE: $VAR and ${VAR} are replaced when set, kept otherwise.
const expandPath = (p: string, env: Env): string => {
  const vars = p.replace(/\$(\w+|\{[^}]*\})/g, (m, name: string) => {
    const key = name.startsWith("{") ? name.slice(1, -1) : name;
    return env[key] ?? m;
  });
  return expandUser(vars, env);
};

// The two files the AWS CLI reads, honouring AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE.
export function configPaths(env: Env): { configFile: string; credentialsFile: string } {
  // Set but empty is the path "" (no file), as botocore reads any variable that is set.
  const config = env.AWS_CONFIG_FILE ?? "~/.aws/config";
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE ?? "~/.aws/credentials";
  return { configFile: expandPath(config, env), credentialsFile: expandPath(credentials, env) };
}

// A missing, unreadable or non-regular file reads as empty, as it does for the CLI.
export function readText(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    const buf = readFileSync(path);
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(buf);
    } catch {
      throw new AwsxError(
        "E_CONFIG",
        `cannot parse ${path}: it is not valid UTF-8 text; fix the file`,
      );
    }
  } catch (e) {
    if (isAwsxError(e)) throw e;
    return undefined;
  }
}

// The user's config and credentials files, loaded and normalised once per run.
export function loadUserConfig(env: Env, indexer?: Indexer): LoadedConfig {
  return loadConfig(configPaths(env), readText, indexer);
}
