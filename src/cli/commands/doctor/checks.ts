import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { LoadedConfig } from "../../../config/load.js";
import { configPaths, loadUserConfig } from "../../../config/userConfig.js";
import { ensurePrivateDir } from "../../../platform/privateDir.js";
import type { Deps } from "../../deps.js";
import { planOf } from "../../resolveProfile.js";
import { keysIndexOf, lookOnlyOpener } from "../../keyStoreOpener.js";
import {
  readStoredKeys,
  type StoredKeyConflict,
  storedKeyConflicts,
} from "../../../keys/storedKeys.js";
import { type KeychainState, keychainProblem } from "../../../cache/keychainState.js";
import { hasStaticKeys } from "../../../plan/planner.js";

// One line of `awsx doctor`: fail makes the exit status 1; warn is worth reading.
export interface Check {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
}

// package.json's engines (^22.14.0 || >=23.7.0): the releases with --disable-sigusr1, which
// bin/awsx.js passes to Node.
const NEEDS = ">= 22.14 (not 23.0-23.6)";

// The Node running awsx, against package.json's engines.
export function nodeCheck(version = process.versions.node): Check {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const ok = major >= 24 || (major === 23 && minor >= 7) || (major === 22 && minor >= 14);
  return {
    name: "node",
    status: ok ? "ok" : "fail",
    detail: ok
      ? `${version} (awsx needs ${NEEDS})`
      : `${version} is too old: awsx needs Node ${NEEDS}; install a current Node`,
  };
}

const fileState = (path: string): string =>
  existsSync(path) ? `${path} (found)` : `${path} (not found)`;

// The two files and whether they load; the loaded config for the profile checks.
export function configCheck(deps: Deps): { check: Check; config?: LoadedConfig } {
  const { configFile, credentialsFile } = configPaths(deps.env);
  const files = `${fileState(configFile)}, ${fileState(credentialsFile)}`;
  try {
    const config = loadUserConfig(deps.env);
    const n = config.profiles.size;
    const status = n === 0 ? "warn" : "ok";
    return { check: { name: "config", status, detail: `${files}: ${n} profiles` }, config };
  } catch (e) {
    return { check: { name: "config", status: "fail", detail: `${files}: ${message(e)}` } };
  }
}

// Every profile that does not resolve offline, with explain's error; one ok line otherwise.
export async function profileChecks(config: LoadedConfig, deps: Deps): Promise<Check[]> {
  const failed: Check[] = [];
  for (const name of config.profiles.keys()) {
    try {
      await planOf(name, {}, deps, config);
    } catch (e) {
      failed.push({ name: `profile ${name}`, status: "warn", detail: message(e) });
    }
  }
  const good = config.profiles.size - failed.length;
  return [
    {
      name: "profiles",
      status: "ok",
      detail: `${good} of ${config.profiles.size} resolve offline`,
    },
    ...failed,
  ];
}

// The cache folder: private (0700, ours, nothing writable by others above it) or not yet made.
export function cacheDirCheck(dir: string): Check {
  if (!existsSync(dir))
    return {
      name: "cache folder",
      status: "ok",
      detail: `${dir} (not made yet; 0700 on first use)`,
    };
  try {
    ensurePrivateDir(dir);
    const mode = (statSync(dir).mode & 0o777).toString(8).padStart(4, "0");
    return { name: "cache folder", status: "ok", detail: `${dir} (mode ${mode}, private)` };
  } catch (e) {
    return { name: "cache folder", status: "fail", detail: message(e) };
  }
}

// The encrypted file store: its folder, how many sessions, whether a passphrase is set.
export function fileStoreCheck(deps: Deps): Check {
  const dir = join(deps.settings.cacheDir, "sessions");
  const pass = deps.settings.filePassphrase ? "AWSX_FILE_PASSPHRASE is set" : "no passphrase set";
  if (!existsSync(dir)) return { name: "file store", status: "ok", detail: `none yet (${pass})` };
  let n = 0;
  try {
    n = readdirSync(dir).length;
  } catch (e) {
    return { name: "file store", status: "fail", detail: `${dir}: ${message(e)}` };
  }
  return { name: "file store", status: "ok", detail: `${dir}: ${n} files (${pass})` };
}

export const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// Profiles whose keys are both in awsx's store (which wins) and in a plaintext file.
export async function storedKeysCheck(config: LoadedConfig, deps: Deps): Promise<Check> {
  let conflicts: StoredKeyConflict[];
  try {
    conflicts = await storedKeyConflicts(config, await lookOnlyOpener({}, deps)());
  } catch (e) {
    return { name: "stored keys", status: "warn", detail: `not read: ${message(e)}` };
  }
  if (conflicts.length === 0)
    return { name: "stored keys", status: "ok", detail: "no profile has keys in two places" };
  const list = conflicts.map((c) => `${c.profile} (${c.file})`).join(", ");
  return {
    name: "stored keys",
    status: "warn",
    detail:
      `also in a plaintext file, ignored because stored keys win: ${list}; ` +
      "remove those lines, or run awsx import PROFILE --force to move them (docs/keys.md)",
  };
}

// The profiles the index says have stored keys, read now as a run would read them: keys
// that cannot be read fail (the run of that profile would fail), naming the keychain's state.
export async function storedKeysReadable(
  config: LoadedConfig,
  deps: Deps,
  keychain: { ok: boolean; state: KeychainState; raw: string },
): Promise<Check> {
  const index = await keysIndexOf(deps);
  const name = "stored keys read";
  if (index === undefined) {
    const detail = "the stored-keys index was not read (not a regular file of a private folder)";
    return { name, status: "warn", detail: `${detail}: every profile is looked up in the store` };
  }
  const names = [...index].sort();
  if (names.length === 0)
    return { name, status: "ok", detail: "no profile has keys stored by awsx" };
  const list = names.join(", ");
  let found = new Map<string, unknown>();
  try {
    const store = await lookOnlyOpener({}, deps)();
    if (store) found = await readStoredKeys(store, names);
  } catch (e) {
    return { name, status: "fail", detail: `${list}: not read (${message(e)})` };
  }
  const lost = names.filter((n) => !found.has(n));
  if (lost.length === 0) return { name, status: "ok", detail: `${list}: readable` };
  const inFiles = lost.filter((n) => {
    const p = config.profiles.get(n);
    return p && hasStaticKeys(p);
  });
  const why = keychain.ok
    ? "the keychain works but holds none for them " +
      "(kept with --backend file? set AWSX_FILE_PASSPHRASE)"
    : keychainProblem(keychain.state, keychain.raw, false);
  const fallback = inFiles.length ? `; ${inFiles.join(", ")} would use the keys in the files` : "";
  // Only keys in the files left: runs still work, with other keys than the stored ones.
  const status = inFiles.length === lost.length ? "warn" : "fail";
  return { name, status, detail: `${lost.join(", ")}: cannot be read now: ${why}${fallback}` };
}
