import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { Readable } from "node:stream";
import { cappedStream } from "./capped.js";
import type { SsoTarget } from "./ssoOidc.js";

// An account the signed-in user can reach.
export interface PortalAccount {
  accountId: string;
  accountName: string;
}

// The portal calls of `awsx sso sync` and `awsx sso logout`.
export interface SsoPortal {
  // Every account, every page.
  listAccounts(accessToken: string): Promise<PortalAccount[]>;
  // Every role of one account, every page.
  listAccountRoles(accessToken: string, accountId: string): Promise<string[]>;
  logout(accessToken: string): Promise<void>;
}

class CappedHttpHandler extends NodeHttpHandler {
  override async handle(...args: Parameters<NodeHttpHandler["handle"]>) {
    const out = await super.handle(...args);
    out.response.body = cappedStream(out.response.body as Readable, "the SSO portal");
    return out;
  }
}

type SsoModule = typeof import("@aws-sdk/client-sso");

// A paginated listing stops here: a portal that keeps answering nextToken is broken.
const MAX_PAGES = 1000;

// The SSO portal through @aws-sdk/client-sso, bundled apart (dist/lazy-sso-portal.cjs).
export async function createSsoPortal(target: SsoTarget): Promise<SsoPortal> {
  const mod: any = await import("@aws-sdk/client-sso");
  const sdk = (mod.SSOClient ? mod : mod.default) as SsoModule;
  const client = new sdk.SSOClient({
    region: target.region,
    endpoint: target.endpoint,
    maxAttempts: 3,
    requestHandler: new CappedHttpHandler({
      connectionTimeout: target.timeoutMs,
      requestTimeout: target.timeoutMs,
      throwOnRequestTimeout: true,
    } as ConstructorParameters<typeof NodeHttpHandler>[0]),
  });
  async function pages<T>(page: (next?: string) => Promise<[T[], string | undefined]>) {
    const all: T[] = [];
    let next: string | undefined;
    for (let i = 0; i < MAX_PAGES; i++) {
      const [items, token] = await page(next);
      all.push(...items);
      if (!token) return all;
      next = token;
    }
    throw new Error(`more than ${MAX_PAGES} pages`);
  }
  return {
    listAccounts: (accessToken) =>
      pages(async (nextToken) => {
        const out = await client.send(new sdk.ListAccountsCommand({ accessToken, nextToken }));
        const list = (out.accountList ?? []).map((a) => ({
          accountId: a.accountId ?? "",
          accountName: a.accountName ?? a.accountId ?? "",
        }));
        return [list.filter((a) => a.accountId), out.nextToken];
      }),
    listAccountRoles: (accessToken, accountId) =>
      pages(async (nextToken) => {
        const out = await client.send(
          new sdk.ListAccountRolesCommand({ accessToken, accountId, nextToken }),
        );
        const roles = (out.roleList ?? []).map((r) => r.roleName ?? "").filter(Boolean);
        return [roles, out.nextToken];
      }),
    async logout(accessToken) {
      await client.send(new sdk.LogoutCommand({ accessToken }));
    },
  };
}
