// The AWS CLI v2's client registration in ~/.aws/sso/cache: its file name (digests computed
// with the CLI's own expression in python3: sha1 of json.dumps(args, sort_keys=True)), and
// which registrations a login may reuse.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliRegistrationKey, readCliRegistration } from "../../src/sso/cliRegistration.js";
import type { SsoSession } from "../../src/sso/ssoConfig.js";

const origin = { file: "/c", section: "x" };
const session = (s: Partial<SsoSession>): SsoSession => ({
  startUrl: "https://d-fake.awsapps.com/start",
  region: "eu-west-1",
  origin,
  ...s,
});

describe("the CLI's registration file name", () => {
  test.each([
    [session({ name: "corp" }), "77b20c0cfd1d773978cc6c3ca7b18ad6943103d5"],
    [
      session({
        name: "corp",
        startUrl: "https://corp.awsapps.com/start",
        region: "us-east-1",
        scopes: ["sso:account:access"],
      }),
      "1b56c55d6e723362537167a7f43960b8185b5a80",
    ],
    [
      session({ startUrl: "https://old.awsapps.com/start", region: "us-west-2" }),
      "614589bce345d359e159f6cfe406c1547c077d95",
    ],
    [
      session({ name: "équipe😀", startUrl: "https://x.awsapps.com/start", scopes: ["a", "b:c"] }),
      "79971c892b0d985f2d380237489b7fd59492f530",
    ],
  ])("%#", (s, digest) => {
    expect(cliRegistrationKey(s)).toBe(digest);
  });
});

describe("which CLI registration a login reuses", () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "awsx-clireg-"));
    mkdirSync(join(home, ".aws", "sso", "cache"), { recursive: true });
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));
  const s = session({ name: "corp" });
  const write = (j: unknown) =>
    writeFileSync(
      join(home, ".aws", "sso", "cache", `${cliRegistrationKey(s)}.json`),
      JSON.stringify(j),
    );
  const reg = { clientId: "cid", clientSecret: "csec", expiresAt: "2031-03-07T18:00:00Z" };

  test(
    "a browser login's (grantTypes with authorization_code): " + "the browser flow only",
    async () => {
      write({ ...reg, grantTypes: ["authorization_code", "refresh_token"] });
      expect(await readCliRegistration(s, { HOME: home }, "auth-code")).toEqual({
        ...reg,
        expiresAt: "2031-03-07T18:00:00.000Z",
      });
      expect(await readCliRegistration(s, { HOME: home }, "device")).toBeUndefined();
    },
  );

  test("a device login's (no grantTypes): the device flow only", async () => {
    write({ ...reg, scopes: ["sso:account:access"] });
    expect(await readCliRegistration(s, { HOME: home }, "device")).toMatchObject({
      clientId: "cid",
      clientSecret: "csec",
    });
    expect(await readCliRegistration(s, { HOME: home }, "auth-code")).toBeUndefined();
  });

  test("missing, incomplete or unreadable: none", async () => {
    expect(await readCliRegistration(s, { HOME: home }, "device")).toBeUndefined();
    for (const bad of [{ ...reg, clientSecret: "" }, { ...reg, expiresAt: "2031-03-07" }, [], 7])
      write(bad), expect(await readCliRegistration(s, { HOME: home }, "device")).toBeUndefined();
  });
});
