import type { LoadedConfig } from "../../../config/load.js";
import type { Deps } from "../../deps.js";
import { routeData, routeLine } from "../../../platform/routeData.js";
import { type Check, message } from "./checks.js";
import { endpointOf } from "./clock.js";

// Which proxy and CA bundle the current profile's STS calls would use, and why; a proxy
// variable awsx cannot use is a failure (every call would fail).
export async function proxyCheck(config: LoadedConfig, deps: Deps): Promise<Check> {
  try {
    const endpoint = await endpointOf(config, deps);
    const route = routeData(deps.env, endpoint);
    const bad = route.proxy === null && / is not an http:\/\/ or https:\/\/ /.test(route.proxyWhy);
    return {
      name: "proxy",
      status: bad ? "fail" : "ok",
      detail: `STS at ${endpoint.label}: ${routeLine(route)}`,
    };
  } catch (e) {
    return { name: "proxy", status: "warn", detail: `not checked: ${message(e)}` };
  }
}
