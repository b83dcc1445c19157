import { AwsxError, isAwsxError } from "../errors.js";
import { type Credentials, type Iam, maskKeyId, type Sts } from "../types.js";
import type { Logger } from "../util/log.js";

// Everything a rotation touches, handed in (tests pass fakes and failing stores).
export interface RotateDeps {
  profile: string;
  // The stored key being replaced.
  old: Credentials;
  // What signs the IAM calls: the old key, or an MFA'd session of it.
  signer: Credentials;
  iam: Iam;
  // For GetCallerIdentity: who the user is, and whether the new key works yet.
  sts: Sts;
  // Stores the new pair in place of the old one, checked by reading it back.
  save: (pair: Credentials) => Promise<void>;
  // The access key id the store holds now (after a failed save: which one is it?).
  storedId: () => Promise<string | undefined>;
  // Deletes the cached sessions minted from the old key; returns how many.
  clearSessions: () => Promise<number>;
  logger: Logger;
  waitMs: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const fail = (profile: string, message: string, cause?: unknown): AwsxError =>
  new AwsxError("E_STS", message, { profile, ...(cause === undefined ? {} : { cause }) });

// The AWS error's code and first line, never a key (the logger redacts what it knows too).
function why(e: unknown): string {
  if (isAwsxError(e)) return e.message;
  const err = e as { name?: string; message?: string };
  return `${err?.name ?? "Error"}: ${String(err?.message ?? e).split("\n")[0]}`;
}

const isLimit = (e: unknown): boolean => /LimitExceeded/.test(String((e as Error)?.name ?? ""));

// The IAM user the key belongs to (CreateAccessKey names it: a session cannot imply it).
async function userOf(d: RotateDeps): Promise<string> {
  let arn: string | undefined;
  try {
    // The key itself: no policy can deny GetCallerIdentity, and a session's answer differs.
    arn = (await d.sts.getCallerIdentity(d.old)).Arn;
  } catch (e) {
    throw fail(
      d.profile,
      `rotate: the stored key of profile "${d.profile}" does not work ` +
        `(${why(e)}); nothing was changed: check it with \`awsx whoami ${d.profile} --no-session\``,
      e,
    );
  }
  const m = /:user\/(?:.*\/)?([^/]+)$/.exec(arn ?? "");
  if (!m) {
    throw fail(
      d.profile,
      `rotate: profile "${d.profile}" is not an IAM user's key (${arn}); ` +
        "only IAM user access keys can be rotated",
    );
  }
  return m[1]!;
}

// awsx rotate's steps, in an order where every failure leaves a working key stored:
// create the new key, wait until it works, store it, delete the old one, clear sessions.
export async function rotateKey(d: RotateDeps): Promise<Credentials> {
  const user = await userOf(d);
  const oldId = maskKeyId(d.old.accessKeyId);
  const keys = await d.iam.listAccessKeys(d.signer, user).catch((e) => {
    throw fail(
      d.profile,
      `rotate: IAM ListAccessKeys failed for user ${user} (${why(e)}); ` +
        "nothing was changed; the policy must allow iam:ListAccessKeys, CreateAccessKey and " +
        "DeleteAccessKey on your own user",
      e,
    );
  });
  if (keys.length >= 2) throw limitError(d.profile, user, d.old.accessKeyId, keys);
  let fresh: Credentials;
  try {
    fresh = await d.iam.createAccessKey(d.signer, user);
  } catch (e) {
    if (isLimit(e)) throw limitError(d.profile, user, d.old.accessKeyId, keys);
    throw fail(
      d.profile,
      `rotate: IAM refused CreateAccessKey for user ${user} (${why(e)}); ` +
        `nothing was changed: the stored key ${oldId} is still the only one and works`,
      e,
    );
  }
  d.logger.secret(fresh.secretAccessKey);
  const newId = maskKeyId(fresh.accessKeyId);
  await waitUntilWorks(d, fresh, user, oldId, newId);
  try {
    await d.save(fresh);
  } catch (e) {
    const now = await d.storedId().catch(() => undefined);
    if (now !== fresh.accessKeyId) {
      // Put the old key back if the failed write took it away: it still works in IAM.
      if (now !== d.old.accessKeyId) await d.save(d.old).catch(() => undefined);
      throw await undoCreate(d, user, fresh, oldId, newId, e);
    }
  }
  d.logger.info(`rotate: stored the new key ${newId} of profile "${d.profile}"`);
  try {
    await d.iam.deleteAccessKey(d.signer, user, d.old.accessKeyId);
  } catch (e) {
    throw fail(
      d.profile,
      `rotate: the new key ${newId} is stored and works, but IAM refused ` +
        `to delete the old key ${oldId} (${why(e)}): user ${user} has two keys now. Finish with ` +
        `\`awsx exec ${d.profile} --no-session -- aws iam delete-access-key --user-name ${user} ` +
        "--access-key-id OLD_ID` (OLD_ID: the one `aws iam list-access-keys` shows that is not " +
        `${newId})`,
      e,
    );
  }
  const cleared = await d.clearSessions().catch((e) => {
    d.logger.warn(
      `rotate: could not clear the old key's sessions (${why(e)}); ` +
        `\`awsx clear ${d.profile}\` does it`,
    );
    return 0;
  });
  d.logger.info(
    `rotate: deleted the old key ${oldId} in IAM; cleared ${cleared} cached ` +
      `session${cleared === 1 ? "" : "s"} minted from it`,
  );
  return fresh;
}

// IAM may take seconds to honour a new key: poll GetCallerIdentity with it, bounded.
async function waitUntilWorks(
  d: RotateDeps,
  fresh: Credentials,
  user: string,
  oldId: string,
  newId: string,
): Promise<void> {
  const sleep = d.sleep ?? sleepFor;
  const pollMs = d.pollMs ?? 2000;
  let waited = 0;
  let last: unknown;
  for (;;) {
    try {
      await d.sts.getCallerIdentity(fresh);
      return;
    } catch (e) {
      last = e;
    }
    if (waited >= d.waitMs) break;
    await sleep(pollMs);
    waited += pollMs;
  }
  const removed = await d.iam.deleteAccessKey(d.signer, user, fresh.accessKeyId).then(
    () => true,
    () => false,
  );
  throw fail(
    d.profile,
    `rotate: the new key ${newId} did not work within ` +
      `${Math.round(d.waitMs / 1000)}s (${why(last)}); the stored key ${oldId} is unchanged and ` +
      (removed
        ? "works, and the new key was deleted again: run `awsx rotate` later"
        : `works, but user ${user} has two keys now: delete ${newId} (see ` +
          "`aws iam list-access-keys`) before rotating again"),
    last,
  );
}

// The store refused the new key: the old one is still stored and works; take the new one
// back out of IAM, whose secret nobody else has.
async function undoCreate(
  d: RotateDeps,
  user: string,
  fresh: Credentials,
  oldId: string,
  newId: string,
  cause: unknown,
): Promise<AwsxError> {
  const undone = await d.iam.deleteAccessKey(d.signer, user, fresh.accessKeyId).then(
    () => true,
    () => false,
  );
  return fail(
    d.profile,
    `rotate: the keychain did not take the new key ${newId} ` +
      `(${why(cause)}); the stored key ${oldId} is unchanged and works; ` +
      (undone
        ? "the new key was deleted again in IAM, so nothing changed: run `awsx rotate` again"
        : `deleting the new key failed too: user ${user} has two keys; delete ${newId} ` +
          "(see `aws iam list-access-keys`) before rotating again"),
    cause,
  );
}

function limitError(profile: string, user: string, stored: string, keys: string[]): AwsxError {
  const other = keys.find((k) => k !== stored);
  return fail(
    profile,
    `rotate: IAM user ${user} already has two access keys, IAM's limit ` +
      `(the stored ${maskKeyId(stored)}${other ? ` and ${maskKeyId(other)}` : ""}); nothing was ` +
      `changed. Delete the unused one (\`aws iam list-access-keys --user-name ${user}\`, then ` +
      "`aws iam delete-access-key`), and run awsx rotate again",
  );
}
