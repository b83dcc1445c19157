import type { SsoPortal } from "../platform/ssoPortal.js";
import { portalAccountId, portalAccountName, portalRoleName } from "./portalValues.js";
import type { SyncPair } from "./syncBlock.js";

// ListAccountRoles calls in flight at once.
const PARALLEL = 4;

// Every account and role the token reaches, listed page by page, each value checked as it
// arrives (src/sso/portalValues.ts): one the portal should never answer refuses the whole
// sync before the next call. An account or a role listed twice counts once.
export async function listPairs(
  portal: SsoPortal,
  token: string,
  session: string,
): Promise<SyncPair[]> {
  const accounts = new Map<string, string>();
  for (const a of await portal.listAccounts(token)) {
    const id = portalAccountId(a.accountId, session);
    const name = portalAccountName(a.accountName, id, session);
    if (!accounts.has(id)) accounts.set(id, name);
  }
  const pairs: SyncPair[][] = [];
  const queue = [...accounts.entries()].map((a, i) => [i, a] as const);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [i, [accountId, accountName]] = next;
      const roles = new Set<string>();
      try {
        for (const r of await portal.listAccountRoles(token, accountId))
          roles.add(portalRoleName(r, accountId, session));
      } catch (e) {
        queue.length = 0; // the sync has failed: the other workers start no further call
        throw e;
      }
      pairs[i] = [...roles].map((roleName) => ({ accountId, accountName, roleName }));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return pairs.flat();
}
