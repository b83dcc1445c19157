import type { LoadedConfig } from "../../../config/load.js";
import { keychainProblem } from "../../../cache/keychainState.js";
import { ssoCacheKey, type SsoToken } from "../../../sso/ssoToken.js";
import { timeLeft } from "../../../util/timeLeft.js";
import { backendOpener, type CredentialFlags, type Deps, ssoDeps } from "../../deps.js";
import { backendName } from "../../settings.js";
import { sessionsOf } from "../../../sso/ssoTokens.js";
import type { KeychainProbe } from "./backend.js";
import { type Check, message } from "./checks.js";

// Every SSO session's sign-in, read as a run reads it (the backend, then ~/.aws/sso/cache):
// one that cannot be read now (a locked keychain, a wrong AWSX_FILE_PASSPHRASE) fails, as
// the run would; so does "not signed in" where `awsx sso login` could keep no token (it
// refuses), the sign-in that would otherwise be kept nowhere. undefined: no SSO profile.
export async function ssoSignInsCheck(
  config: LoadedConfig,
  deps: Deps,
  keychain: KeychainProbe,
  backend?: string,
): Promise<Check | undefined> {
  const sessions = sessionsOf(config);
  if (sessions.length === 0) return undefined;
  // Never a passphrase prompt from doctor: a file store it cannot open is its answer.
  const flags: CredentialFlags = { ...(backend ? { backend } : {}), prompt: false };
  const tokens = ssoDeps(flags, deps, backendOpener(flags, deps)).tokens;
  const now = deps.now().getTime();
  const unreadable: string[] = [];
  const signedOut: string[] = [];
  const expired: string[] = [];
  const good: string[] = [];
  for (const s of sessions) {
    const name = s.name ?? s.startUrl;
    let t: SsoToken | undefined;
    try {
      t = await tokens.read(ssoCacheKey(s));
    } catch (e) {
      unreadable.push(`${name}: ${message(e)}`);
      continue;
    }
    if (!t) signedOut.push(name);
    else if (Date.parse(t.expiresAt) <= now) expired.push(name);
    else good.push(`${name} (${timeLeft(Date.parse(t.expiresAt) - now)} left, ${where(t)})`);
  }
  const nowhere = signedOut.length ? keepsNothing(deps, keychain, backend) : undefined;
  const parts = [
    ...unreadable,
    ...(signedOut.length
      ? [`${signedOut.join(", ")}: not signed in${nowhere ? `, and ${nowhere}` : ""}`]
      : []),
    ...(expired.length ? [`${expired.join(", ")}: expired (awsx sso login)`] : []),
    ...(good.length ? [`signed in: ${good.join(", ")}`] : []),
  ];
  const status = unreadable.length || nowhere ? "fail" : signedOut.length ? "warn" : "ok";
  return { name: "sso sign-ins", status, detail: parts.join("; ") };
}

const where = (t: SsoToken): string =>
  t.from === "aws-cli" ? "in ~/.aws/sso/cache" : "kept by awsx";

// Why `awsx sso login` would keep a sign-in nowhere (it refuses), or undefined when it can.
function keepsNothing(
  deps: Deps,
  keychain: KeychainProbe,
  backend: string | undefined,
): string | undefined {
  if (deps.settings.ssoWriteCliCache) return undefined;
  const chosen = backendName(backend, "--backend") ?? deps.settings.backend;
  const head = "awsx sso login has nowhere to keep a sign-in";
  if (chosen === "none" || chosen === "memory")
    return `${head}: the ${chosen} backend keeps nothing past a run; use the default backend`;
  if (chosen === "file" || (chosen === undefined && deps.settings.filePassphrase)) return undefined;
  if (keychain.ok) return undefined;
  return `${head}: ${keychainProblem(keychain.state, keychain.raw)}; or pass --write-cli-cache`;
}
