import { AwsxError } from "../errors.js";
import type { Env } from "../types.js";

const CHAIN = "AWSX_RESOLVING";
const MAX_DEPTH = 8;

// A profile whose credential_process runs awsx on the same profile would loop forever:
// every awsx passes the profiles it is resolving to the processes it starts.
export function guardRecursion(profile: string, env: Env): Env {
  const chain = (env[CHAIN] ?? "").split("\u001f").filter(Boolean);
  if (chain.includes(profile) || chain.length >= MAX_DEPTH) {
    throw new AwsxError(
      "E_CONFIG",
      `credential_process recursion: profile "${profile}" is already being resolved ` +
        `(${[...chain, profile].join(" -> ")}); its credential_process must not call awsx ` +
        "for the same profile",
      { profile },
    );
  }
  return { ...env, [CHAIN]: [...chain, profile].join("\u001f") };
}
