// awsx's own secrets, which no process awsx starts may inherit (the exec child's environment
// is built apart, src/exec/childEnv.ts, and drops them too).
const AWSX_SECRETS = ["AWSX_FILE_PASSPHRASE", "AWSX_MFA_TOKEN"] as const;

// The environment for a helper awsx starts (credential_process, the browser opener).
export function helperEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !(AWSX_SECRETS as readonly string[]).includes(k)) out[k] = v;
  }
  return out;
}
