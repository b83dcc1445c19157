import { keychainNotRead } from "../../cache/keychainNotRead.js";
import { decodeEntry } from "../../cache/cacheEntry.js";
import { isKeysKey, storeKeyOf } from "../../keys/storedKeys.js";
import { loadUserConfig } from "../../config/userConfig.js";
import { profileNotFound } from "../../plan/build.js";
import { isSsoStoreKey } from "../../sso/ssoToken.js";
import type { Command } from "../command.js";
import { type Deps, openBackend } from "../deps.js";
import { cacheBackendOption } from "../options.js";

// awsx clear [PROFILE]: remove cached sessions (all, or those in PROFILE's chain).
async function runClear(
  input: { backend?: string; profile?: string },
  deps: Deps,
): Promise<number> {
  // A profile that does not exist is a typo, not "nothing cached": say so (67).
  let skipped: string | undefined;
  const store = await openBackend({ backend: input.backend }, deps, (why) => (skipped = why));
  if (input.profile !== undefined) {
    const config = loadUserConfig(deps.env);
    // A profile only awsx's store knows (`awsx add`) is no typo either.
    const stored = async () => (await store?.get(storeKeyOf(input.profile!))) !== undefined;
    if (!config.profiles.has(input.profile) && !(await stored()))
      throw profileNotFound(config, input.profile);
  }
  let removed = 0;
  const unread = () =>
    keychainNotRead(store, skipped, {
      refused: `the sessions in the keychain were not removed (${removed} elsewhere)`,
      unread: "the sessions kept in it (if any) were not removed",
    });
  if (!store) {
    deps.logger.warn("no cache backend is in use: nothing to clear");
    const warning = unread();
    if (warning !== undefined) deps.logger.warn(warning);
    return 0;
  }
  for (const { key, value } of await store.list()) {
    // SSO tokens are a sign-in, not a session: `awsx sso logout` removes them.
    if (isSsoStoreKey(key)) continue;
    // Long-term keys are not sessions: only `awsx remove` deletes them.
    if (isKeysKey(key)) continue;
    const entry = decodeEntry(value, key);
    if (input.profile !== undefined && !entry?.profiles.includes(input.profile)) continue;
    await store.delete(key);
    removed++;
  }
  const warning = unread();
  deps.logger.info(
    `removed ${removed} cached session${removed === 1 ? "" : "s"} from the ${store.name} cache`,
  );
  if (warning !== undefined) deps.logger.warn(warning);
  return 0;
}

// awsx clear.
export const clear: Command = {
  name: "clear",
  summary: "Remove cached sessions: all, or those PROFILE's chain uses",
  usage: "[PROFILE]",
  options: [cacheBackendOption("clear")],
  args: [
    {
      name: "profile",
      required: false,
      describe: "Remove only the sessions this profile's chain uses",
      complete: "profile",
    },
  ],
  examples: [["awsx clear target2", "the sessions target2 uses (its MFA session, its role)"]],
  run: (input, deps) => runClear(input as { backend?: string; profile?: string }, deps),
};
