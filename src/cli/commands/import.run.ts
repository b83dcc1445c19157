import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  fchmodSync,
} from "node:fs";
import { loadUserConfig } from "../../config/userConfig.js";
import { AwsxError } from "../../errors.js";
import { withoutKeyLines } from "../../keys/credentialsFile.js";
import { checkKeyPair, decodeKeys, encodeKeys, storeKeyOf } from "../../keys/storedKeys.js";
import { maskKeyId } from "../../types.js";
import type { CredentialFlags, Deps } from "../deps.js";
import { storeChecked } from "../../keys/keyStore.js";
import { persistentStore } from "../keyStoreOpener.js";
import { recordStoredKeys } from "../../keys/storedKeysIndex.js";

export interface ImportInput extends CredentialFlags {
  profile: string;
  force?: boolean;
}

// awsx import PROFILE: move [PROFILE]'s key pair from ~/.aws/credentials into the store,
// then out of the file (a credentials.bak, mode 0600, first; the file rewritten atomically).
export async function runImport(input: ImportInput, deps: Deps): Promise<number> {
  const { profile } = input;
  const config = loadUserConfig(deps.env);
  const file = config.credentialsFile;
  const values = config.credentialsProfiles.get(profile);
  const id = values?.aws_access_key_id;
  const secret = values?.aws_secret_access_key;
  if (id === undefined || secret === undefined) {
    throw new AwsxError(
      "E_CREDENTIALS",
      `[${profile}] of ${file} has no aws_access_key_id/aws_secret_access_key pair to import; ` +
        `use \`awsx add ${profile}\` to store keys you have elsewhere`,
      { profile },
    );
  }
  deps.logger.secret(secret);
  if (values?.aws_session_token !== undefined || values?.aws_security_token !== undefined) {
    throw new AwsxError(
      "E_CREDENTIALS",
      `[${profile}] of ${file} holds temporary credentials (aws_session_token), ` +
        "not an IAM user's long-term key; awsx imports long-term keys only",
      { profile },
    );
  }
  checkKeyPair(profile, id, secret);
  const real = realpathSync(file);
  const before = readFileSync(real, "utf8");
  const after = withoutKeyLines(before, profile);
  const store = await persistentStore(profile, input, deps);
  const existing = decodeKeys(await store.get(storeKeyOf(profile)), profile);
  if (existing && existing.accessKeyId !== id && !input.force) {
    throw new AwsxError(
      "E_USAGE",
      `profile "${profile}" already has other stored keys (${maskKeyId(existing.accessKeyId)}); ` +
        "pass --force to replace them with the file's",
      { profile },
    );
  }
  const entry = { v: 1 as const, kind: "awsx-keys" as const, profile, accessKeyId: id };
  const text = encodeKeys({ ...entry, secretAccessKey: secret, addedAt: deps.now().toISOString() });
  // The backup first: a folder that refuses it stops the import before anything changed.
  const bak = `${real}.bak`;
  const hadBak = existsSync(bak);
  try {
    writePrivate(bak, before, 0o600);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new AwsxError(
      "E_CONFIG",
      `cannot write the backup ${bak} (${why}); nothing was changed (no keys stored, ` +
        `${file} as it was): make its folder writable, or use \`awsx add ${profile}\``,
      { profile, cause: e },
    );
  }
  try {
    await storeChecked(store, storeKeyOf(profile), text, profile);
  } catch (e) {
    // Nothing stored, the file as it was: the backup made just now goes again.
    if (!hadBak) rmSync(bak, { force: true });
    throw e;
  }
  await recordStoredKeys(deps.settings.cacheDir, profile, true);
  replaceAtomically(real, after);
  deps.logger.info(
    `moved the keys ${maskKeyId(id)} of [${profile}] from ${file} into the ${store.name}; ` +
      `${real}.bak (mode 0600) still holds the old file: ` +
      `delete it once \`awsx exec ${profile}\` works`,
  );
  return 0;
}

// Written whole and flushed, with the mode given whatever the umask or an older file says.
function writePrivate(path: string, text: string, mode: number): void {
  const fd = openSync(path, "w", mode);
  try {
    fchmodSync(fd, mode);
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// A reader sees the old file or the new one, never half of one; the file keeps its mode.
function replaceAtomically(path: string, text: string): void {
  const tmp = `${path}.awsx-${process.pid}.tmp`;
  try {
    writePrivate(tmp, text, statSync(path).mode & 0o777);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new AwsxError(
      "E_CONFIG",
      `the keys are stored, but ${path} could not be rewritten (${(e as Error).message}); ` +
        "delete their two lines by hand (a copy is in credentials.bak)",
      { cause: e },
    );
  }
}
