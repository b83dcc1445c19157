import { resolve } from "node:path";
import { type LoadedConfig, loadConfig } from "../../config/load.js";
import { configPaths, readText } from "../../config/userConfig.js";
import { fileStamp } from "../../platform/configIndexCache.js";
import type { Env } from "../../types.js";

// A file's stamp (platform/configIndexCache.ts), "none" when it is not there.
const stamp = (path: string): string => fileStamp(path)?.stamp ?? "none";

// loadUserConfig for the agent: the files are parsed again only when a path or a stamp
// changed. The stamps are taken before the files are read, so a file written during the read
// has a new stamp next time and is read again. A file that cannot be parsed is not kept.
export function configCache(): (env: Env) => LoadedConfig {
  let held: { key: string; config: LoadedConfig } | undefined;
  return (env) => {
    const paths = configPaths(env);
    const { configFile, credentialsFile } = paths;
    // Resolved: a relative AWS_CONFIG_FILE names another file in another client's folder.
    const files = [resolve(configFile), resolve(credentialsFile)];
    const key = JSON.stringify([...files, ...files.map(stamp)]);
    if (held?.key === key) return held.config;
    held = undefined;
    const config = loadConfig(paths, readText);
    held = { key, config };
    return config;
  };
}
