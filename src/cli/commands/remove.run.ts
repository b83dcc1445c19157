import { AwsxError } from "../../errors.js";
import { storeKeyOf } from "../../keys/storedKeys.js";
import { maskKeyId } from "../../types.js";
import { type CredentialFlags, type Deps, promptFor } from "../deps.js";
import { clearSessionsOf, storedEntryOf } from "../../keys/keyStore.js";
import { persistentStore } from "../keyStoreOpener.js";
import { recordStoredKeys } from "../../keys/storedKeysIndex.js";

export interface RemoveInput extends CredentialFlags {
  profile: string;
  force?: boolean;
}

// awsx remove PROFILE: delete the stored keys and the sessions minted from them.
export async function runRemove(input: RemoveInput, deps: Deps): Promise<number> {
  const { profile } = input;
  const store = await persistentStore(
    profile,
    input,
    deps,
    `the stored keys of profile "${profile}" cannot be removed`,
  );
  const entry = await storedEntryOf(store, profile, "; `awsx list` shows the ones that do");
  const shown = maskKeyId(entry.accessKeyId);
  if (!input.force)
    await confirm(`Remove the stored keys ${shown} of profile ${profile}? [y/N] `, input, deps);
  await store.delete(storeKeyOf(profile));
  await recordStoredKeys(deps.settings.cacheDir, profile, false);
  const sessions = await clearSessionsOf(store, profile);
  deps.logger.info(
    `removed the keys ${shown} of profile "${profile}" from the ${store.name}, ` +
      `and ${sessions} cached session${sessions === 1 ? "" : "s"} minted from them ` +
      "(the key still exists in IAM: `aws iam delete-access-key` retires it)",
  );
  return 0;
}

// aws-vault asks before removing; a script says --force.
async function confirm(question: string, input: RemoveInput, deps: Deps): Promise<void> {
  const ask = promptFor(input, deps);
  const answer = ask ? await ask(question).catch(() => undefined) : undefined;
  if (answer === undefined) {
    throw new AwsxError(
      "E_USAGE",
      `cannot ask here whether to remove the keys of profile "${input.profile}" ` +
        "(no terminal, --no-prompt or CI); pass --force",
      { profile: input.profile },
    );
  }
  if (!/^y(es)?$/i.test(answer.trim())) {
    throw new AwsxError("E_USAGE", `kept the keys of profile "${input.profile}" (not confirmed)`, {
      profile: input.profile,
    });
  }
}
