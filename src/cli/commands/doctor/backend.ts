import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Deps } from "../../deps.js";
import { backendName } from "../../settings.js";
import type { Check } from "./checks.js";
import {
  diagnoseKeychain,
  type KeychainState,
  keychainProblem,
} from "../../../cache/keychainState.js";

const PROBE_TIMEOUT_MS = 3000;

// The keychain's state: its line for doctor, and the failure that showed it (raw).
export interface KeychainProbe {
  ok: boolean;
  state: KeychainState;
  detail: string;
  raw: string;
}

// The keychain's state now: a probe item written, read back and deleted, within a bounded
// time (a read alone succeeds on a locked keychain: a missing item is a miss).
export async function probeKeychain(deps: Deps): Promise<KeychainProbe> {
  const t0 = performance.now();
  const open = async (env: Deps["env"]) =>
    (await import("../../../platform/keychain.js")).keychainStore({
      timeoutMs: PROBE_TIMEOUT_MS,
      env,
    });
  const { state, detail } = await diagnoseKeychain(open, deps.env);
  if (state === "available") {
    const ms = Math.round(performance.now() - t0);
    return {
      ok: true,
      state,
      detail: `works (a probe item written, read back and deleted in ${ms} ms)`,
      raw: "",
    };
  }
  return { ok: false, state, detail: `not usable: ${keychainProblem(state, detail)}`, raw: detail };
}

// The keychain's line and the backend awsx would use, with why.
export async function backendChecks(
  flag: string | undefined,
  deps: Deps,
  keychain: KeychainProbe,
): Promise<Check[]> {
  const keychainLine: Check = {
    name: "keychain",
    status: keychain.ok ? "ok" : "warn",
    detail: keychain.detail,
  };
  const chosen = backendName(flag, "--backend") ?? deps.settings.backend;
  const why = flag ? "--backend" : "AWSX_BACKEND";
  const pass = Boolean(deps.settings.filePassphrase);
  let b: Omit<Check, "name">;
  if (chosen === "none" || chosen === "memory")
    b = { status: "ok", detail: `${chosen} (${why}): sessions are not kept between runs` };
  else if (chosen === "keychain")
    b = keychain.ok
      ? { status: "ok", detail: `keychain (${why})` }
      : { status: "fail", detail: `keychain (${why}), which does not work: ${keychain.detail}` };
  else if (chosen === "file")
    b = pass
      ? { status: "ok", detail: `file (${why}; AWSX_FILE_PASSPHRASE is set)` }
      : { status: "warn", detail: `file (${why}): asks for the passphrase on every run` };
  else if (keychain.ok) b = { status: "ok", detail: "keychain (automatic: it works)" };
  else if (pass)
    b = { status: "ok", detail: "file (automatic: no keychain, AWSX_FILE_PASSPHRASE is set)" };
  else
    b = {
      status: "fail",
      detail:
        "none (automatic: no keychain, no AWSX_FILE_PASSPHRASE): every run calls STS and " +
        "asks for the MFA code again; set AWSX_FILE_PASSPHRASE, or fix the keychain",
    };
  const usesFile = chosen === "file" || (chosen === undefined && !keychain.ok);
  if (usesFile && pass && b.status === "ok") {
    const wrong = await filePassphraseProblem(deps);
    if (wrong) b = { status: "fail", detail: `${b.detail}, which does not open: ${wrong}` };
  }
  return [keychainLine, { name: "backend", ...b }];
}

// A file store that exists opens with AWSX_FILE_PASSPHRASE (a wrong one fails every run);
// one not made yet is not made here.
async function filePassphraseProblem(deps: Deps): Promise<string | undefined> {
  const dir = join(deps.settings.cacheDir, "sessions");
  if (!existsSync(join(dir, "store.json"))) return undefined;
  try {
    await (await import("../../../cache/fileStore.js")).fileStore(
      dir,
      deps.settings.filePassphrase!,
    );
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
