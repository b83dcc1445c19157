import { TOKEN_REFRESH_WINDOW_MS } from "../../credentials/steps/sso.js";
import type { SsoToken } from "../../sso/ssoToken.js";
import { printable } from "../../util/printable.js";
import { backendOpener, type CredentialFlags, type Deps, ssoDeps } from "../deps.js";
import type { SsoTarget } from "./ssoTarget.js";

const leftMs = (t: SsoToken, now: Date): number => Date.parse(t.expiresAt) - now.getTime();

// botocore's rule: a refresh needs all four values and a registration still valid.
const canRefresh = (t: SsoToken, now: Date): boolean =>
  Boolean(t.refreshToken && t.clientId && t.clientSecret) &&
  Date.parse(t.registrationExpiresAt ?? "") > now.getTime();

// The session's token for a command that calls the portal itself (sync): refreshed when
// inside the refresh window, under the same cross-process lock as a profile's refresh, so
// parallel runs refresh once. A failed refresh leaves the old token (the caller checks it).
export async function freshToken(
  target: SsoTarget,
  flags: CredentialFlags,
  deps: Deps,
): Promise<SsoToken | undefined> {
  const sso = ssoDeps(flags, deps, backendOpener(flags, deps));
  const read = async () => {
    const t = await sso.tokens.read(target.key);
    for (const s of [t?.accessToken, t?.refreshToken, t?.clientSecret]) deps.logger.secret(s);
    return t;
  };
  const due = (t: SsoToken) =>
    leftMs(t, deps.now()) < TOKEN_REFRESH_WINDOW_MS && canRefresh(t, deps.now());
  const first = await read();
  if (!first || !due(first)) return first;
  return sso.lock(`sso-token-${target.key}`, async () => {
    const latest = (await read()) ?? first;
    if (!due(latest)) return latest;
    deps.logger.debug(`sso: refreshing the token at ${target.oidcUrl}`);
    try {
      const client = await sso.clients.oidc({
        region: target.session.region,
        endpoint: target.oidcUrl,
      });
      const answer = await client.refreshToken({
        clientId: latest.clientId!,
        clientSecret: latest.clientSecret!,
        refreshToken: latest.refreshToken!,
      });
      deps.logger.secret(answer.accessToken);
      deps.logger.secret(answer.refreshToken);
      const { refreshToken: _old, ...kept } = latest;
      const token: SsoToken = {
        ...kept,
        accessToken: answer.accessToken,
        expiresAt: new Date(deps.now().getTime() + answer.expiresIn * 1000).toISOString(),
        ...(answer.refreshToken ? { refreshToken: answer.refreshToken } : {}),
      };
      await sso.tokens.save(target.key, token);
      return token;
    } catch (e) {
      deps.logger.debug(`sso: the token refresh failed (${printable(String((e as Error)?.name))})`);
      return latest;
    }
  });
}
