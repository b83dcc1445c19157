import { caBundleOf } from "../../config/caBundle.js";
import { stsEndpoint } from "../../config/endpoint.js";
import { loadUserConfig } from "../../config/userConfig.js";
import { createMfaProvider } from "../../credentials/mfa.js";
import { translateStsError } from "../../credentials/stsErrors.js";
import { rotateKey } from "../../keys/rotateKey.js";
import { checkMfaSerial } from "../../plan/stsParams.js";
import { recordStoredKeys } from "../../keys/storedKeysIndex.js";
import { decodeKeys, encodeKeys, storeKeyOf } from "../../keys/storedKeys.js";
import type { CaBundle, Credentials, Iam, Sts, Store } from "../../types.js";
import { type CredentialFlags, type Deps, promptFor, stsFactory, trustOf } from "../deps.js";
import { clearSessionsOf, storeChecked, storedEntryOf } from "../../keys/keyStore.js";
import { persistentStore } from "../keyStoreOpener.js";

export interface RotateInput extends CredentialFlags {
  profile: string;
}

// awsx rotate PROFILE: a new IAM access key in place of the stored one (src/keys/rotateKey.ts).
export async function runRotate(input: RotateInput, deps: Deps): Promise<number> {
  const { profile } = input;
  const store = await persistentStore(
    profile,
    input,
    deps,
    `the keys of profile "${profile}" cannot be rotated`,
  );
  const entry = await storedEntryOf(
    store,
    profile,
    ` to rotate; \`awsx import ${profile}\` or \`awsx add ${profile}\` stores them first`,
  );
  deps.logger.secret(entry.secretAccessKey);
  const old = { accessKeyId: entry.accessKeyId, secretAccessKey: entry.secretAccessKey };
  const config = loadUserConfig(deps.env);
  const section = config.profiles.get(profile);
  const values = section?.values ?? {};
  // Set but empty is set, as for exec: too short for STS, so it fails before any prompt.
  checkMfaSerial({ profile, origin: section?.origins.mfa_serial }, values.mfa_serial);
  const region = input.region ?? values.region ?? "us-east-1";
  const endpoint = stsEndpoint(config, profile, deps.env, region);
  const sts = await stsFactory(deps)({
    region,
    ...(endpoint.url ? { endpoint: endpoint.url } : {}),
    ...(endpoint.caBundle ? { caBundle: endpoint.caBundle } : {}),
  });
  const signer =
    values.mfa_serial !== undefined
      ? await mfaSession(old, values.mfa_serial, sts, endpoint.label, input, deps)
      : old;
  await rotateKey({
    profile,
    old,
    signer,
    iam: await iamClient(deps, caBundleOf(deps.env, section ?? { name: profile, values: {} })),
    sts,
    save: (pair) => savePair(store, profile, pair, deps),
    storedId: async () => decodeKeys(await store.get(storeKeyOf(profile)), profile)?.accessKeyId,
    clearSessions: () => clearSessionsOf(store, profile),
    logger: deps.logger,
    waitMs: deps.settings.rotateWaitMs,
  });
  return 0;
}

async function savePair(store: Store, profile: string, pair: Credentials, deps: Deps) {
  const text = encodeKeys({
    v: 1,
    kind: "awsx-keys",
    profile,
    accessKeyId: pair.accessKeyId,
    secretAccessKey: pair.secretAccessKey,
    addedAt: deps.now().toISOString(),
  });
  await storeChecked(store, storeKeyOf(profile), text, profile);
  await recordStoredKeys(deps.settings.cacheDir, profile, true);
}

// mfa_serial: IAM refuses calls signed by a session without MFA, so the session has it.
async function mfaSession(
  old: Credentials,
  serial: string,
  sts: Sts,
  endpoint: string,
  input: RotateInput,
  deps: Deps,
): Promise<Credentials> {
  const mfa = createMfaProvider({
    flag: input.mfaToken,
    env: deps.settings.mfaToken,
    prompt: promptFor(input, deps),
    noPromptReason: "--no-prompt or CI forbids asking",
    logger: deps.logger,
  });
  const code = await mfa(serial, input.profile);
  try {
    const session = await sts.getSessionToken(old, {
      DurationSeconds: 900,
      SerialNumber: serial,
      TokenCode: code,
    });
    deps.logger.secret(session.secretAccessKey);
    deps.logger.secret(session.sessionToken);
    return session;
  } catch (e) {
    const ctx = { profile: input.profile, action: "GetSessionToken", endpoint, mfa: true } as const;
    throw translateStsError(e, ctx);
  }
}

// IAM is global: its endpoint is AWS_ENDPOINT_URL_IAM or AWS_ENDPOINT_URL when set.
// Its calls go through the proxy and trust the profile's CA bundle as STS's do.
async function iamClient(deps: Deps, caBundle: CaBundle | undefined): Promise<Iam> {
  const endpoint = deps.env.AWS_ENDPOINT_URL_IAM || deps.env.AWS_ENDPOINT_URL || undefined;
  const target = { region: "us-east-1", ...(endpoint ? { endpoint } : {}) };
  if (deps.iamFactory) return deps.iamFactory(target);
  const { createSdkIam } = await import("../../platform/iam.js");
  const trust = trustOf(deps, endpoint?.startsWith("http:") ? undefined : caBundle);
  return createSdkIam({ ...target, timeoutMs: deps.settings.stsTimeoutMs, trust });
}
