import type { Deps } from "../deps.js";
import { backendChecks, probeKeychain } from "./doctor/backend.js";
import {
  type Check,
  cacheDirCheck,
  configCheck,
  fileStoreCheck,
  nodeCheck,
  profileChecks,
  storedKeysCheck,
  storedKeysReadable,
} from "./doctor/checks.js";
import { clockCheck } from "./doctor/clock.js";
import { visible } from "../../util/printable.js";
import { proxyCheck } from "./doctor/proxy.js";
import { ssoSignInsCheck } from "./doctor/ssoSignIns.js";

export type DoctorInput = { backend?: string; json?: boolean; offline?: boolean };

// Every check, in the order a person reads them. Another check is one more line here.
export async function doctorChecks(input: DoctorInput, deps: Deps): Promise<Check[]> {
  const { check: config, config: loaded } = configCheck(deps);
  const checks: Check[] = [nodeCheck(), config];
  if (loaded) checks.push(...(await profileChecks(loaded, deps)));
  checks.push(cacheDirCheck(deps.settings.cacheDir), fileStoreCheck(deps));
  const keychain = await probeKeychain(deps);
  checks.push(...(await backendChecks(input.backend, deps, keychain)));
  if (loaded) checks.push(await storedKeysCheck(loaded, deps));
  if (loaded) checks.push(await storedKeysReadable(loaded, deps, keychain));
  const sso = loaded && (await ssoSignInsCheck(loaded, deps, keychain, input.backend));
  if (sso) checks.push(sso);
  if (loaded) checks.push(await proxyCheck(loaded, deps));
  if (loaded && !input.offline) checks.push(await clockCheck(loaded, deps));
  return checks;
}

// awsx doctor: what awsx finds on this machine; exit 0 only when the everyday path works.
export async function runDoctor(
  input: DoctorInput,
  deps: Deps,
  out: (s: string) => void,
): Promise<number> {
  const checks = await doctorChecks(input, deps);
  const failed = checks.filter((c) => c.status === "fail");
  if (input.json) {
    out(`${JSON.stringify({ ok: failed.length === 0, checks }, null, 2)}\n`);
  } else {
    const width = Math.max(...checks.map((c) => c.name.length));
    for (const c of checks)
      out(visible(`${c.status.padEnd(4)}  ${c.name.padEnd(width)}  ${c.detail}\n`));
    out(
      failed.length === 0
        ? "awsx doctor: the everyday path works\n"
        : `awsx doctor: ${failed.length} problem(s): ${failed.map((c) => c.name).join(", ")}\n`,
    );
  }
  return failed.length === 0 ? 0 : 1;
}
