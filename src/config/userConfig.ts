import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { AwsxError, isAwsxError } from "../errors.js";
import type { Env } from "../types.js";
import { type Indexer, type LoadedConfig, loadConfig } from "./load.js";

// Python's expanduser: HOME when it is set at all (an empty HOME makes ~ the root, "/"),
// the account's home directory only when it is unset.
const homeOf = (env: Env): string => (env.HOME !== undefined ? env.HOME : homedir());

// os.path.expandvars then expanduser, as botocore treats AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE: $VAR and ${VAR} are replaced when set, kept otherwise.
const expandPath = (p: string, env: Env): string => {
  const vars = p.replace(/\$(\w+|\{[^}]*\})/g, (m, name: string) => {
    const key = name.startsWith("{") ? name.slice(1, -1) : name;
    return env[key] ?? m;
  });
  return vars === "~" || vars.startsWith("~/") ? join(homeOf(env), vars.slice(1)) : vars;
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
