import { AwsxError } from "../errors.js";
import { printable } from "../util/printable.js";
import type { Credentials, SsoClientTarget, SsoRolePortal } from "../types.js";
import type { SdkTarget } from "./sdkClientConfig.js";
import { serviceKeys } from "./serviceKeys.js";
import { ssoClientConfig } from "./ssoClientConfig.js";

// An account the signed-in user can reach.
export interface PortalAccount {
  accountId: string;
  accountName: string;
}

// The portal calls: a role's credentials (runs), listings (`awsx sso sync`), logout.
export interface SsoPortal extends SsoRolePortal {
  // Every account, every page.
  listAccounts(accessToken: string): Promise<PortalAccount[]>;
  // Every role of one account, every page.
  listAccountRoles(accessToken: string, accountId: string): Promise<string[]>;
  logout(accessToken: string): Promise<void>;
}

type SsoModule = typeof import("@aws-sdk/client-sso");

// A paginated listing stops here: a portal that keeps answering nextToken is broken.
const MAX_PAGES = 1000;

// The SSO portal through @aws-sdk/client-sso, bundled apart (dist/lazy-sso-portal.cjs).
export async function createSsoPortal(target: SdkTarget & SsoClientTarget): Promise<SsoPortal> {
  const mod: any = await import("@aws-sdk/client-sso");
  const sdk = (mod.SSOClient ? mod : mod.default) as SsoModule;
  const client = new sdk.SSOClient(ssoClientConfig(target, "the SSO portal"));
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
    async getRoleCredentials(input): Promise<Credentials> {
      const out = await client.send(new sdk.GetRoleCredentialsCommand(input));
      const c = out.roleCredentials;
      if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || !c.expiration) {
        throw new AwsxError("E_STS", "the SSO portal answered without role credentials");
      }
      // Epoch milliseconds; a value that makes no date (1e20, a string) is refused here, not
      // an internal error when the session is cached or printed.
      const expiration = new Date(typeof c.expiration === "number" ? c.expiration : Number.NaN);
      if (Number.isNaN(expiration.getTime()))
        throw new AwsxError(
          "E_STS",
          `the SSO portal answered the expiration ${printable(String(c.expiration), 40)}, ` +
            "which is not a time",
        );
      return serviceKeys(
        {
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          sessionToken: c.sessionToken,
          expiration,
        },
        "the SSO portal",
      );
    },
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
