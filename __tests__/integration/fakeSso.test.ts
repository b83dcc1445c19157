// Self-check of the fake IAM Identity Center, driven by the SDK's own SSO and SSO OIDC
// clients: every operation in the wire format they send, and every scripted error.
import { createHash, randomBytes } from "node:crypto";
import {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  SSOClient,
} from "@aws-sdk/client-sso";
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { DEVICE_GRANT, startFakeSso, type FakeSso } from "../helpers/fakeSso.js";
import { httpRequest } from "../helpers/http.js";

const START_URL = "https://d-fake.awsapps.com/start";
let fake: FakeSso;
const oidc = () => new SSOOIDCClient({ region: "eu-west-1", endpoint: fake.url, maxAttempts: 1 });
const sso = () => new SSOClient({ region: "eu-west-1", endpoint: fake.url, maxAttempts: 1 });

async function failure(p: Promise<unknown>): Promise<Error & { error?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a failure");
}

const registerDevice = () =>
  oidc().send(
    new RegisterClientCommand({
      clientName: "t",
      clientType: "public",
      grantTypes: [DEVICE_GRANT, "refresh_token"],
      scopes: ["sso:account:access"],
    }),
  );

beforeEach(async () => {
  fake = await startFakeSso({
    pageSize: 2,
    accounts: [
      { accountId: "111111111111", accountName: "dev", roles: ["A", "B", "C"] },
      { accountId: "222222222222", accountName: "prod", roles: ["A"] },
      { accountId: "333333333333", accountName: "audit", roles: ["R"] },
    ],
    roleKeys: () => ({ accessKeyId: "AKIAFAKEROLE00000001", secretAccessKey: "fake-secret" }),
  });
});
afterEach(() => fake.close());

test("device flow: pending and slow_down answers, then a token and a refresh", async () => {
  const reg = await registerDevice();
  const { clientId, clientSecret } = reg;
  expect(reg.clientSecretExpiresAt).toBeGreaterThan(Date.now() / 1000);
  const auth = await oidc().send(
    new StartDeviceAuthorizationCommand({ clientId, clientSecret, startUrl: START_URL }),
  );
  expect(auth.verificationUriComplete).toContain(auth.userCode);
  expect(auth.interval).toBe(1);
  fake.switches.slowDown = 1;
  fake.switches.pending = 2;
  const poll = () =>
    oidc().send(
      new CreateTokenCommand({
        clientId,
        clientSecret,
        grantType: DEVICE_GRANT,
        deviceCode: auth.deviceCode,
      }),
    );
  expect((await failure(poll())).name).toBe("SlowDownException");
  expect((await failure(poll())).name).toBe("AuthorizationPendingException");
  expect((await failure(poll())).name).toBe("AuthorizationPendingException");
  const tok = await poll();
  expect(tok.expiresIn).toBe(3600);
  expect(fake.isValidAccessToken(tok.accessToken ?? "")).toBe(true);
  const again = await oidc().send(
    new CreateTokenCommand({
      clientId,
      clientSecret,
      grantType: "refresh_token",
      refreshToken: tok.refreshToken,
    }),
  );
  expect(again.accessToken).not.toBe(tok.accessToken);
  fake.switches.invalidGrantOnRefresh = true;
  const bad = oidc().send(
    new CreateTokenCommand({
      clientId,
      clientSecret,
      grantType: "refresh_token",
      refreshToken: tok.refreshToken,
    }),
  );
  expect((await failure(bad)).name).toBe("InvalidGrantException");
  expect(fake.count("CreateToken")).toBe(6);
  expect(fake.count("RegisterClient")).toBe(1);
});

test("device flow: expired_token and access_denied", async () => {
  const { clientId, clientSecret } = await registerDevice();
  const auth = await oidc().send(
    new StartDeviceAuthorizationCommand({ clientId, clientSecret, startUrl: START_URL }),
  );
  const poll = () =>
    oidc().send(
      new CreateTokenCommand({
        clientId,
        clientSecret,
        grantType: DEVICE_GRANT,
        deviceCode: auth.deviceCode,
      }),
    );
  fake.switches.accessDenied = true;
  const denied = await failure(poll());
  expect(denied.name).toBe("AccessDeniedException");
  expect(denied.error).toBe("access_denied");
  fake.switches.expiredToken = true;
  expect((await failure(poll())).name).toBe("ExpiredTokenException");
});

test("a device code needs the /device visit when autoApprove is off", async () => {
  await fake.close();
  fake = await startFakeSso({ autoApprove: false });
  const { clientId, clientSecret } = await registerDevice();
  const auth = await oidc().send(
    new StartDeviceAuthorizationCommand({ clientId, clientSecret, startUrl: START_URL }),
  );
  const poll = () =>
    oidc().send(
      new CreateTokenCommand({
        clientId,
        clientSecret,
        grantType: DEVICE_GRANT,
        deviceCode: auth.deviceCode,
      }),
    );
  expect((await failure(poll())).name).toBe("AuthorizationPendingException");
  expect((await httpRequest(auth.verificationUriComplete ?? "")).status).toBe(200);
  expect((await poll()).accessToken).toBeTruthy();
});

test("authorization code with PKCE: /authorize redirects, the verifier is checked", async () => {
  const reg = await oidc().send(
    new RegisterClientCommand({
      clientName: "t",
      clientType: "public",
      grantTypes: ["authorization_code", "refresh_token"],
      redirectUris: ["http://127.0.0.1/oauth/callback"],
      issuerUrl: START_URL,
      scopes: ["sso:account:access"],
    }),
  );
  const verifier = randomBytes(48).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const redirectUri = "http://127.0.0.1:45678/oauth/callback";
  const authorizeUrl = () =>
    `${fake.url}/authorize?${new URLSearchParams({
      response_type: "code",
      client_id: reg.clientId ?? "",
      redirect_uri: redirectUri,
      state: "st8",
      code_challenge: challenge,
      code_challenge_method: "S256",
      scopes: "sso:account:access",
    })}`;
  const visit = async () => {
    const res = await fetch(authorizeUrl(), { redirect: "manual" });
    expect(res.status).toBe(302);
    return new URL(res.headers.get("location") ?? "");
  };
  const back = await visit();
  expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
  expect(back.searchParams.get("state")).toBe("st8");
  const exchange = (code: string, codeVerifier: string) =>
    oidc().send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: "authorization_code",
        code,
        redirectUri,
        codeVerifier,
      }),
    );
  const wrong = await failure(exchange(back.searchParams.get("code") ?? "", `${verifier}x`));
  expect(wrong.name).toBe("InvalidGrantException");
  const code = (await visit()).searchParams.get("code") ?? "";
  const tok = await exchange(code, verifier);
  expect(tok.refreshToken).toBeTruthy();
  expect((await failure(exchange(code, verifier))).name).toBe("InvalidGrantException");
  fake.switches.accessDenied = true;
  const declined = await visit();
  expect(declined.searchParams.get("error")).toBe("access_denied");
  expect(declined.searchParams.get("state")).toBe("st8");
});

test("portal: paginated lists, role credentials, unauthorized, logout, 5xx", async () => {
  const t = fake.mintToken();
  const accessToken = t.accessToken;
  const first = await sso().send(new ListAccountsCommand({ accessToken }));
  expect(first.accountList?.map((a) => a.accountName)).toEqual(["dev", "prod"]);
  const second = await sso().send(
    new ListAccountsCommand({ accessToken, nextToken: first.nextToken }),
  );
  expect(second.accountList?.map((a) => a.accountName)).toEqual(["audit"]);
  expect(second.nextToken).toBeUndefined();
  const roles = await sso().send(
    new ListAccountRolesCommand({ accessToken, accountId: "111111111111", maxResults: 1 }),
  );
  expect(roles.roleList).toEqual([{ roleName: "A", accountId: "111111111111" }]);
  expect(roles.nextToken).toBe("1");
  const creds = await sso().send(
    new GetRoleCredentialsCommand({ accessToken, accountId: "111111111111", roleName: "B" }),
  );
  expect(creds.roleCredentials?.accessKeyId).toBe("AKIAFAKEROLE00000001");
  expect(creds.roleCredentials?.expiration).toBeGreaterThan(Date.now());
  const get = () =>
    sso().send(
      new GetRoleCredentialsCommand({ accessToken, accountId: "111111111111", roleName: "A" }),
    );
  fake.switches.unauthorized = true;
  expect((await failure(get())).name).toBe("UnauthorizedException");
  fake.switches.unauthorized = false;
  fake.switches.serverError = { count: 1, ops: ["GetRoleCredentials"] };
  const down = await failure(get());
  expect((down as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(500);
  expect((await get()).roleCredentials).toBeTruthy();
  await sso().send(new LogoutCommand({ accessToken }));
  expect(fake.isValidAccessToken(accessToken)).toBe(false);
  expect((await failure(get())).name).toBe("UnauthorizedException");
  expect(fake.count("Logout")).toBe(1);
  expect(fake.count("GetRoleCredentials")).toBe(5);
});
