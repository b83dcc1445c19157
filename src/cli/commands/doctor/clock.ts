import { stsEndpoint } from "../../../config/endpoint.js";
import type { LoadedConfig } from "../../../config/load.js";
import { sendRequest } from "../../../platform/sendRequest.js";
import { type Deps, trustOf } from "../../deps.js";
import { planOf } from "../../resolveProfile.js";
import { type Check, message } from "./checks.js";

const TIMEOUT_MS = 3000;
// SigV4 requests more than 5 minutes off are refused by some services (15 by STS).
const FAIL_MS = 5 * 60_000;
const WARN_MS = 60_000;

// The STS endpoint the current profile would call, and where that choice came from.
export async function endpointOf(config: LoadedConfig, deps: Deps) {
  const profile = deps.settings.currentProfile ?? "default";
  let region: string | undefined;
  try {
    region = (await planOf(profile, {}, deps, config)).region;
  } catch {
    // a broken or missing profile: the environment's region
  }
  region ??= deps.env.AWS_DEFAULT_REGION || deps.env.AWS_REGION || "us-east-1";
  return stsEndpoint(config, profile, deps.env, region);
}

// This machine's clock against the Date header of STS (one HEAD request, bounded).
export async function clockCheck(config: LoadedConfig, deps: Deps): Promise<Check> {
  let endpoint: Awaited<ReturnType<typeof endpointOf>>;
  try {
    endpoint = await endpointOf(config, deps);
  } catch (e) {
    return { name: "clock", status: "warn", detail: `not checked: ${message(e)}` };
  }
  const where = `${endpoint.label} (from ${endpoint.from})`;
  const t0 = Date.now();
  let date: string | undefined;
  try {
    ({ date } = await sendRequest(endpoint.label, {
      method: "HEAD",
      timeoutMs: TIMEOUT_MS,
      trust: trustOf(deps, endpoint.caBundle),
      what: "STS",
    }));
  } catch (e) {
    return { name: "clock", status: "warn", detail: `not checked: ${where}: ${message(e)}` };
  }
  const server = date ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(server))
    return { name: "clock", status: "warn", detail: `not checked: ${where} sent no Date header` };
  // The header has whole seconds: compare with the middle of the request, allow 1 s.
  const skew = (t0 + Date.now()) / 2 - server;
  const off = Math.abs(skew) <= 1500 ? 0 : skew;
  const s = `${Math.round(Math.abs(off) / 1000)} s ${off > 0 ? "ahead of" : "behind"} ${where}`;
  if (off === 0) return { name: "clock", status: "ok", detail: `in step with ${where}` };
  const status = Math.abs(off) > FAIL_MS ? "fail" : Math.abs(off) > WARN_MS ? "warn" : "ok";
  return { name: "clock", status, detail: status === "ok" ? s : `${s}: set the clock (NTP)` };
}
