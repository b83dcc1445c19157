// The SSO contract: [sso-session] sections, botocore's validation of SSO profiles, the
// CLI's token cache key, and the token store (awsx's store first, the CLI's cache after).
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ssoEndpoint } from "../../src/config/endpoint.js";
import { loadConfig, type LoadedConfig } from "../../src/config/load.js";
import { AwsxError } from "../../src/errors.js";
import { memoryStore } from "../../src/cache/memoryStore.js";
import { decodeEntry } from "../../src/cache/cacheEntry.js";
import { ssoRoleFor, ssoSessionByName, ssoSessionFor } from "../../src/sso/ssoConfig.js";
import {
  forgetSsoToken,
  readSsoToken,
  saveSsoToken,
  ssoCacheKey,
  ssoTokenStoreKey,
  type SsoToken,
} from "../../src/sso/ssoToken.js";
import { joinRegExp } from "../helpers/regex.js";

const CFG = "/home/u/.aws/config";
const load = (config: string): LoadedConfig =>
  loadConfig({ configFile: CFG, credentialsFile: "/nope" }, (p) =>
    p === CFG ? config : undefined,
  );

const profile = (c: LoadedConfig, name: string) => c.profiles.get(name)!;

function errorOf(fn: () => unknown): AwsxError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AwsxError);
    expect((e as AwsxError).code).toBe("E_CONFIG");
    return e as AwsxError;
  }
  throw new Error("no error");
}

const CONFIG = `
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access, ,extra

[sso-session "two words"]
sso_start_url = https://x/start
sso_region = us-east-1

[sso-session half]
sso_start_url = https://half/start

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev

[profile legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = us-west-2
sso_account_id = 111122223333
sso_role_name = Admin

[profile nosession]
sso_session = ghost
sso_account_id = 1
sso_role_name = R

[profile clash]
sso_session = corp
sso_region = us-east-1
sso_account_id = 1
sso_role_name = R

[profile norole]
sso_session = corp
sso_account_id = 1

[profile legacyhalf]
sso_start_url = https://old/start
sso_role_name = R

[profile regionelsewhere]
sso_session = half
sso_region = us-east-1
sso_account_id = 1
sso_role_name = R

[profile loginonly]
sso_session = corp
`;

describe("sso config", () => {
  const c = load(CONFIG);

  test("sso-session sections are parsed, names shell-split as botocore does", () => {
    expect([...c.ssoSessions.keys()].sort()).toEqual(["corp", "half", "two words"]);
    expect(ssoSessionByName("corp", c)).toEqual({
      name: "corp",
      startUrl: "https://corp.awsapps.com/start",
      region: "eu-west-1",
      scopes: ["sso:account:access", "extra"],
      origin: { file: CFG, section: "sso-session corp" },
    });
  });

  test("ssoRoleFor: both forms", () => {
    const dev = ssoRoleFor(profile(c, "dev"), c)!;
    expect(dev.session.name).toBe("corp");
    expect(dev.accountId).toBe("111122223333");
    expect(dev.roleName).toBe("Dev");
    const legacy = ssoRoleFor(profile(c, "legacy"), c)!;
    expect(legacy.session).toMatchObject({
      startUrl: "https://old.awsapps.com/start",
      region: "us-west-2",
    });
    expect(legacy.session.name).toBeUndefined();
    expect(ssoRoleFor(profile(c, "loginonly"), c)).toBeUndefined();
  });

  test("botocore's validation errors, one line each with a fix", () => {
    const msgs = {
      nosession:
        /The specified sso-session does not exist: "ghost".*; add an \[sso-session ghost\]/,
      clash: joinRegExp(
        /The value for sso_region is inconsistent between profile \(us-east-1\) /,
        /and sso-session \(eu-west-1\)/,
      ),
      norole: joinRegExp(
        /"norole" is configured to use SSO but is missing required /,
        /configuration: sso_role_name \(.*; add/,
      ),
      legacyhalf: /missing required configuration: sso_account_id, sso_region/,
      regionelsewhere: /SSO token provider but is missing the following configuration: sso_region/,
    };
    for (const [name, re] of Object.entries(msgs)) {
      const e = errorOf(() => ssoRoleFor(profile(c, name), c));
      expect(e.message).toMatch(re);
      expect(e.message).not.toMatch(/\n/);
      expect(e.profile).toBe(name);
    }
  });

  test("ssoSessionFor: what login needs, without account or role", () => {
    expect(ssoSessionFor(profile(c, "loginonly"), c).name).toBe("corp");
    expect(ssoSessionFor(profile(c, "legacy"), c).name).toBeUndefined();
    const e = errorOf(() => ssoSessionFor(profile(c, "legacyhalf"), c));
    expect(e.message).toMatch(/not configured for SSO, missing: sso_region/);
    expect(errorOf(() => ssoSessionByName("half", c)).message).toMatch(/missing .*sso_region/);
  });
});

describe("sso token store", () => {
  test("the cache key is the CLI's: sha1 of the session name, else of the start URL", () => {
    const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
    expect(ssoCacheKey({ name: "corp", startUrl: "https://u" })).toBe(sha1("corp"));
    expect(ssoCacheKey({ startUrl: "https://u/start" })).toBe(sha1("https://u/start"));
  });

  const token = (expiresAt: string, accessToken = "at-1"): SsoToken => ({
    startUrl: "https://u",
    region: "eu-west-1",
    accessToken,
    expiresAt,
    refreshToken: "rt",
    clientId: "cid",
    clientSecret: "cs",
    registrationExpiresAt: "2099-01-01T00:00:00Z",
  });

  test("store first; the CLI's file read only; the later expiry wins", async () => {
    const home = mkdtempSync(join(tmpdir(), "awsx-sso-"));
    const env = { HOME: home };
    const key = ssoCacheKey({ name: "corp", startUrl: "" });
    expect(await readSsoToken(key, { env })).toBeUndefined();
    const dir = join(home, ".aws", "sso", "cache");
    mkdirSync(dir, { recursive: true });
    const cliText = JSON.stringify(token("2030-01-01T00:00:00Z", "cli"));
    writeFileSync(join(dir, `${key}.json`), cliText);
    expect(await readSsoToken(key, { env })).toMatchObject({ accessToken: "cli", from: "aws-cli" });

    const store = memoryStore();
    await saveSsoToken(key, token("2031-01-01T00:00:00Z", "mine"), { store, env });
    expect(readFileSync(join(dir, `${key}.json`), "utf8")).toBe(cliText);
    expect(await readSsoToken(key, { store, env })).toMatchObject({
      accessToken: "mine",
      from: "awsx",
    });
    await saveSsoToken(key, token("2029-01-01T00:00:00Z", "old"), { store, env });
    expect((await readSsoToken(key, { store, env }))!.accessToken).toBe("cli");

    // Store entries are not sessions: decodeEntry (list, clear) skips them.
    const [entry] = await store.list();
    expect(entry!.key).toBe(ssoTokenStoreKey(key));
    expect(decodeEntry(entry!.value, entry!.key)).toBeUndefined();

    await forgetSsoToken(key, { store, env });
    expect(await store.list()).toEqual([]);
  });

  test("writeCliCache writes the CLI's fields, mode 0600, without milliseconds", async () => {
    const home = mkdtempSync(join(tmpdir(), "awsx-sso-"));
    const env = { HOME: home };
    const where = await saveSsoToken("k1", token("2030-01-01T00:00:00.123Z"), {
      env,
      writeCliCache: true,
    });
    expect(where).toEqual({ store: false, cli: true });
    const file = join(home, ".aws", "sso", "cache", "k1.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const j = JSON.parse(readFileSync(file, "utf8"));
    expect(Object.keys(j).sort()).toEqual(
      [
        "accessToken",
        "clientId",
        "clientSecret",
        "expiresAt",
        "refreshToken",
        "region",
        "registrationExpiresAt",
        "startUrl",
      ].sort(),
    );
    expect(j.expiresAt).toBe("2030-01-01T00:00:00Z");
    await forgetSsoToken("k1", { env, writeCliCache: true });
    expect(await readSsoToken("k1", { env })).toBeUndefined();
  });

  test("a CLI file without accessToken or expiresAt is no token", async () => {
    const home = mkdtempSync(join(tmpdir(), "awsx-sso-"));
    const dir = join(home, ".aws", "sso", "cache");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "k.json"), JSON.stringify({ accessToken: "x" }));
    writeFileSync(join(dir, "k2.json"), "not json");
    expect(await readSsoToken("k", { env: { HOME: home } })).toBeUndefined();
    expect(await readSsoToken("k2", { env: { HOME: home } })).toBeUndefined();
  });
});

describe("SSO endpoints, in the CLI's order", () => {
  const c = load(`
[services local]
sso =
  endpoint_url = http://127.0.0.1:4001
sso_oidc =
  endpoint_url = http://127.0.0.1:4002

[profile svc]
services = local
endpoint_url = http://127.0.0.1:4999

[profile own]
endpoint_url = http://127.0.0.1:4999
`);
  const at = (p: string, env: Record<string, string>, s: "sso" | "sso-oidc") => {
    const e = ssoEndpoint(c, p, env, s, "eu-west-1");
    return `${e.label} (${e.from})`;
  };

  test("variable, then AWS_ENDPOINT_URL, [services], endpoint_url, the regional host", () => {
    const both = { AWS_ENDPOINT_URL_SSO: "http://a", AWS_ENDPOINT_URL: "http://b" };
    expect(at("svc", both, "sso")).toBe("http://a (AWS_ENDPOINT_URL_SSO)");
    expect(at("svc", both, "sso-oidc")).toBe("http://b (AWS_ENDPOINT_URL)");
    expect(at("svc", { AWS_ENDPOINT_URL_SSO_OIDC: "http://c" }, "sso-oidc")).toBe(
      "http://c (AWS_ENDPOINT_URL_SSO_OIDC)",
    );
    expect(at("svc", {}, "sso")).toBe("http://127.0.0.1:4001 ([services local] sso)");
    expect(at("svc", {}, "sso-oidc")).toBe("http://127.0.0.1:4002 ([services local] sso_oidc)");
    expect(at("own", {}, "sso")).toBe("http://127.0.0.1:4999 (endpoint_url of profile own)");
    expect(at("nobody", {}, "sso")).toBe("https://portal.sso.eu-west-1.amazonaws.com (default)");
    expect(at("nobody", {}, "sso-oidc")).toBe("https://oidc.eu-west-1.amazonaws.com (default)");
    expect(at("svc", { ...both, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }, "sso")).toBe(
      "https://portal.sso.eu-west-1.amazonaws.com (default (configured endpoints ignored))",
    );
  });

  test("a nested ca_bundle fails an https endpoint, as the CLI fails opening it", () => {
    const nested = load("[profile n]\nca_bundle =\n  x = y\n");
    const fails = (env: Record<string, string>) => () =>
      ssoEndpoint(nested, "n", env, "sso", "eu-west-1");
    expect(fails({})).toThrow(/ca_bundle in profile "n" .* is a nested block/);
    expect(fails({ AWS_ENDPOINT_URL_SSO: "https://127.0.0.1:1" })).toThrow(/nested block/);
    // Not opened for http, nor read when AWS_CA_BUNDLE replaces it.
    expect(fails({ AWS_ENDPOINT_URL_SSO: "http://127.0.0.1:1" })().label).toBe(
      "http://127.0.0.1:1",
    );
    expect(fails({ AWS_CA_BUNDLE: "" })().from).toBe("default");
  });
});
