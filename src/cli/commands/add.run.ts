import { stsEndpoint } from "../../config/endpoint.js";
import { loadUserConfig } from "../../config/userConfig.js";
import { translateStsError } from "../../credentials/stsErrors.js";
import { AwsxError } from "../../errors.js";
import { checkKeyPair, decodeKeys, encodeKeys, storeKeyOf } from "../../keys/storedKeys.js";
import { type Credentials, maskKeyId } from "../../types.js";
import { type CredentialFlags, type Deps, promptFor, stsFactory } from "../deps.js";
import { storeChecked } from "../../keys/keyStore.js";
import { persistentStore } from "../keyStoreOpener.js";
import { recordStoredKeys } from "../../keys/storedKeysIndex.js";

export interface AddInput extends CredentialFlags {
  profile: string;
  env?: boolean;
  stdin?: boolean;
  force?: boolean;
  verify?: boolean;
}

// A profile name awsx can file keys under and the config files can name.
const PROFILE_NAME = /^[^\s[\]#;]{1,128}$/;

// awsx add PROFILE: store an IAM user's long-term key pair in the keychain (or the
// encrypted file store), never anywhere else.
export async function runAdd(input: AddInput, deps: Deps): Promise<number> {
  const { profile } = input;
  const { logger } = deps;
  checkProfileName(profile);
  const keys = await readKeys(input, deps);
  logger.secret(keys.secretAccessKey);
  checkKeyPair(profile, keys.accessKeyId, keys.secretAccessKey);
  const store = await persistentStore(profile, input, deps);
  const existing = decodeKeys(await store.get(storeKeyOf(profile)), profile);
  if (existing && !input.force) {
    throw new AwsxError(
      "E_USAGE",
      `profile "${profile}" already has stored keys (${maskKeyId(existing.accessKeyId)}); ` +
        "pass --force to replace them, or `awsx rotate` to rotate them",
      { profile },
    );
  }
  if (input.verify) await verifyKeys(profile, keys, deps);
  const entry = { v: 1, kind: "awsx-keys", profile, ...keys, addedAt: deps.now().toISOString() };
  await storeChecked(store, storeKeyOf(profile), encodeKeys(entry as never), profile);
  await recordStoredKeys(deps.settings.cacheDir, profile, true);
  logger.info(
    `stored keys ${maskKeyId(keys.accessKeyId)} of profile "${profile}" in the ${store.name}`,
  );
  warnPlaintextCopy(profile, deps);
  return 0;
}

export function checkProfileName(profile: string): void {
  if (!PROFILE_NAME.test(profile)) {
    throw new AwsxError(
      "E_USAGE",
      `"${profile}" is not a profile name awsx can store keys for; ` +
        "use letters, digits and -_.@ (no spaces or brackets)",
    );
  }
}

// The key pair from --env, --stdin (two lines: id, then secret) or the terminal.
async function readKeys(input: AddInput, deps: Deps): Promise<Credentials> {
  if (input.env && input.stdin) {
    throw new AwsxError("E_USAGE", "--env and --stdin both give the keys; pass one of them");
  }
  if (input.env) {
    const id = deps.env.AWS_ACCESS_KEY_ID;
    const secret = deps.env.AWS_SECRET_ACCESS_KEY;
    if (!id || !secret) {
      throw new AwsxError(
        "E_USAGE",
        `--env needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (profile "${input.profile}"); ` +
          "set both, or leave out --env to be asked",
        { profile: input.profile },
      );
    }
    return { accessKeyId: id.trim(), secretAccessKey: secret.trim() };
  }
  if (input.stdin) return keysFromText(await readStdin(), input.profile);
  const ask = promptFor(input, deps);
  if (!ask) {
    throw new AwsxError(
      "E_USAGE",
      `not asking for the keys of profile "${input.profile}" here (--no-prompt or CI); ` +
        "pass --env or --stdin",
      { profile: input.profile },
    );
  }
  // No terminal (a script, an IDE task, </dev/null) or a cancelled prompt: a usage error
  // that names the ways to give the keys without one.
  const asked = async (q: string) => {
    try {
      return (await ask(q)).trim();
    } catch (e) {
      throw new AwsxError(
        "E_USAGE",
        `cannot ask for the keys of profile "${input.profile}": ${(e as Error).message}; ` +
          "pass --env (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) or --stdin (two lines)",
        { profile: input.profile, cause: e },
      );
    }
  };
  const id = await asked(`Access key id for ${input.profile}: `);
  const secret = await asked(`Secret access key for ${input.profile}: `);
  return { accessKeyId: id, secretAccessKey: secret };
}

// Two lines, the id then the secret (blank lines skipped), as a script would pipe them.
export function keysFromText(text: string, profile: string): Credentials {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length !== 2) {
    throw new AwsxError(
      "E_USAGE",
      `--stdin wants two lines, the access key id then the secret (profile "${profile}"), ` +
        `and got ${lines.length}; e.g. printf '%s\\n%s\\n' "$ID" "$SECRET" | awsx add ...`,
      { profile },
    );
  }
  return { accessKeyId: lines[0]!, secretAccessKey: lines[1]! };
}

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.length > 10_000) throw new AwsxError("E_USAGE", "--stdin: input too long");
  }
  return text;
}

// --verify: one GetCallerIdentity with the new keys, before anything is stored.
async function verifyKeys(profile: string, keys: Credentials, deps: Deps): Promise<void> {
  const config = loadUserConfig(deps.env);
  const region = config.profiles.get(profile)?.values.region ?? "us-east-1";
  const endpoint = stsEndpoint(config, profile, deps.env, region);
  const sts = await stsFactory(deps)({
    region,
    ...(endpoint.url ? { endpoint: endpoint.url } : {}),
  });
  try {
    const id = await sts.getCallerIdentity(keys);
    deps.logger.info(`verified: the keys of profile "${profile}" are ${id.Arn ?? "valid"}`);
  } catch (e) {
    const ctx = { profile, action: "GetCallerIdentity", endpoint: endpoint.label } as const;
    throw translateStsError(e, ctx);
  }
}

// The same profile's plaintext keys stay in the file (and lose to the stored ones).
function warnPlaintextCopy(profile: string, deps: Deps): void {
  const config = loadUserConfig(deps.env);
  if (config.credentialsProfiles.get(profile)?.aws_access_key_id === undefined) return;
  deps.logger.warn(
    `${config.credentialsFile} still holds plaintext keys for [${profile}]; the stored keys ` +
      `win. Remove those lines, or next time use \`awsx import ${profile}\`, which moves them`,
  );
}
