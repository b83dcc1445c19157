import { AwsxError } from "../../errors.js";
import { browserAvailable, openPrivateUrl, openUrl } from "../../platform/openBrowser.js";
import { readCliRegistration } from "../../sso/cliRegistration.js";
import { ssoLogin } from "../../sso/ssoLogin.js";
import {
  decodeSsoTokenEntry,
  saveSsoToken,
  type SsoToken,
  ssoTokenStoreKey,
} from "../../sso/ssoToken.js";
import type { Store } from "../../types.js";
import { type CredentialFlags, type Deps, openBackend, trustOf } from "../deps.js";
import { lastingStoreProblem } from "../../keys/keyStore.js";
import { backendChoice } from "../keyStoreOpener.js";
import { notKept } from "../../cache/keychainState.js";
import { loadUserConfig } from "../../config/userConfig.js";
import type { SsoLoginHook } from "../../credentials/ssoContext.js";
import { ssoCacheKey } from "../../sso/ssoToken.js";
import { sessionLabel, type SsoTarget, ssoTarget, type SsoTargetInput } from "./ssoTarget.js";

// awsx sso login's parsed input.
export interface SsoLoginInput extends SsoTargetInput, CredentialFlags {
  useDeviceCode?: boolean;
  browser?: boolean;
  writeCliCache?: boolean;
}

// How long the authorization-code flow waits for the browser, as the AWS CLI v2 does.
const CALLBACK_TIMEOUT_MS = 10 * 60_000;

// awsx's own previous token of the session, whose registration a new login reuses.
async function previousToken(store: Store | undefined, key: string) {
  if (!store) return undefined;
  const skey = ssoTokenStoreKey(key);
  try {
    return decodeSsoTokenEntry(await store.get(skey), skey);
  } catch {
    return undefined;
  }
}

// The registration a login reuses (src/sso/ssoLogin.ts reads only the token's clientId,
// clientSecret and registrationExpiresAt): awsx's previous token's, or the one `aws sso login`
// (v2) left in ~/.aws/sso/cache for this session and flow, whichever lasts longer; so a user of
// both tools approves one client in the browser, not two.
async function previousFor(
  store: Store | undefined,
  target: SsoTarget,
  deps: Deps,
  flow: "auth-code" | "device",
): Promise<SsoToken | undefined> {
  const mine = await previousToken(store, target.key);
  const cli = await readCliRegistration(target.session, deps.env, flow);
  if (!cli) return mine;
  const mineEnds = Date.parse(mine?.registrationExpiresAt ?? "");
  if (mineEnds >= Date.parse(cli.expiresAt)) return mine;
  deps.logger.debug(`sso: the AWS CLI's client registration lasts longer: reusing it`);
  deps.logger.secret(cli.clientSecret);
  return {
    startUrl: target.session.startUrl,
    region: target.session.region,
    accessToken: "",
    expiresAt: cli.expiresAt,
    clientId: cli.clientId,
    clientSecret: cli.clientSecret,
    registrationExpiresAt: cli.expiresAt,
  };
}

// awsx sso login [PROFILE | --sso-session NAME]: sign in, keep the token in awsx's cache.
export async function runSsoLogin(input: SsoLoginInput, deps: Deps): Promise<number> {
  await signIn(ssoTarget(input, deps, "login"), input, deps, "keep");
  return 0;
}

// Offered by the resolver to a profile without a valid token, only where awsx may prompt
// (a terminal, not CI, not --no-prompt): asks first, then signs in as awsx sso login does.
export function ssoLoginHook(deps: Deps): SsoLoginHook {
  return async ({ profile, session, reason, oidcUrl, portalUrl, caBundle }) => {
    const ask = deps.prompt ?? (await import("../../platform/prompt.js")).promptHidden;
    const who = sessionLabel(session);
    let answer: string;
    try {
      answer = await ask(`awsx: profile "${profile}": ${reason} (${who}). Sign in now? [Y/n] `);
    } catch {
      return undefined;
    }
    if (!/^(y|yes)?$/i.test(answer.trim())) return undefined;
    const config = loadUserConfig(deps.env);
    const target: SsoTarget = {
      session,
      key: ssoCacheKey(session),
      config,
      oidcUrl,
      portalUrl,
      ...(caBundle ? { caBundle } : {}),
    };
    return signIn(target, {}, deps, "use");
  };
}

// "keep": awsx sso login, whose whole point is the kept token: one that would be kept nowhere
// is refused before the sign-in. "use": the sign-in a command asked for, which serves this run
// even where nothing lasts (--backend memory): said in a warning, never reported as kept.
async function signIn(
  target: SsoTarget,
  input: SsoLoginInput,
  deps: Deps,
  purpose: "keep" | "use",
): Promise<SsoToken> {
  const { session, key, oidcUrl } = target;
  const who = sessionLabel(session);
  if (deps.settings.ci)
    throw new AwsxError(
      "E_CREDENTIALS",
      `awsx sso login needs a person to sign in to ${who} in a browser, and CI is set: ` +
        "give the job a role instead (docs/sso.md#ci)",
    );
  const writeCliCache = input.writeCliCache ?? deps.settings.ssoWriteCliCache;
  const store = await openBackend(input, deps);
  // Checked before the sign-in: a token that would be kept nowhere is refused up front.
  const problem = writeCliCache
    ? undefined
    : await lastingStoreProblem(store, backendChoice(input, deps));
  if (problem && purpose === "keep")
    throw new AwsxError(
      "E_CACHE",
      `nowhere to keep the SSO token of ${who}: ${problem}; or pass --write-cli-cache`,
    );
  if (problem) deps.logger.warn(`the SSO token of ${who} will serve this run only: ${problem}`);
  const browser = input.browser !== false && browserAvailable(deps.env);
  const device = input.useDeviceCode === true || (input.browser !== false && !browser);
  if (device && !input.useDeviceCode)
    deps.logger.info("no browser can be opened here: signing in with a code instead");
  const token: SsoToken = await ssoLogin(
    {
      session,
      flow: device ? "device" : "auth-code",
      openBrowser: browser,
      oidcEndpoint: oidcUrl,
      previous: await previousFor(store, target, deps, device ? "device" : "auth-code"),
      callbackTimeoutMs: CALLBACK_TIMEOUT_MS,
    },
    {
      oidc: async () =>
        (await import("../../platform/ssoOidc.js")).createSsoOidc({
          region: session.region,
          endpoint: oidcUrl,
          timeoutMs: deps.settings.stsTimeoutMs,
          trust: trustOf(deps, target.caBundle),
        }),
      now: deps.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      openUrl: (url) => openUrl(url, deps.env),
      openPrivateUrl: (url) => openPrivateUrl(url, deps.env),
      callback: async (state, ms) =>
        (await import("../../platform/callbackServer.js")).startCallbackServer(state, ms),
      logger: deps.logger,
    },
  );
  const saved = await saveSsoToken(key, token, { store, env: deps.env, writeCliCache });
  if (!saved.store && !saved.cli) {
    if (purpose === "use" && problem) return token; // warned above
    throw notKept(`the SSO token of ${who}`, store?.failure ?? "the store failed");
  }
  const where = [
    saved.store && store ? `awsx's ${store.name} cache` : "",
    saved.cli ? "~/.aws/sso/cache" : "",
  ]
    .filter(Boolean)
    .join(" and ");
  deps.logger.info(`signed in to ${who} until ${token.expiresAt}; token kept in ${where}`);
  return token;
}
