import type { CaBundle } from "../types.js";
import type { ProxyUrl } from "./proxyChoice.js";

// Kept apart from transport.ts (Node's http, https and tls): error messages need these on
// every run, the agents only when a request is sent.

// Which way one request went: attached to every error that request raised, for the
// messages of transportProblem().
export interface Route {
  proxy?: ProxyUrl;
  caBundle?: CaBundle;
}

// The proxy refused or broke the tunnel (407, 403, 502...), or cannot be reached.
export class ProxyFailure extends Error {
  constructor(
    readonly proxy: ProxyUrl,
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`the proxy ${proxy.label} (from ${proxy.from}) ${reason}`);
    this.name = "ProxyFailure";
  }
}

// The route an error was marked with, if any.
export const routeOf = (e: unknown): Route | undefined => {
  for (let err = e as any, i = 0; err && i < 5; err = err.cause, i++)
    if (err.route) return err.route as Route;
  return undefined;
};
