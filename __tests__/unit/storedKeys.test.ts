// Stored long-term keys (docs/keys.md): how they enter a plan, the session a child gets in
// their place, the credentials file rewrite of `awsx import`, and the key pair checks.
import { loadConfig, type LoadedConfig } from "../../src/config/load.js";
import { AwsxError } from "../../src/errors.js";
import { withoutKeyLines } from "../../src/keys/credentialsFile.js";
import {
  chainProfiles,
  checkKeyPair,
  listStoredKeys,
  storeKeyOf,
  conflictsOf,
  storedKeyConflicts,
} from "../../src/keys/storedKeys.js";
import { memoryStore } from "../../src/cache/memoryStore.js";
import { buildPlan, type PlanOptions } from "../../src/plan/build.js";
import type { StoredKeyPair } from "../../src/plan/planner.js";

const CFG = "/home/u/.aws/config";
const CREDS = "/home/u/.aws/credentials";
const load = (config: string, credentials = ""): LoadedConfig =>
  loadConfig({ configFile: CFG, credentialsFile: CREDS }, (p) =>
    p === CFG ? config : p === CREDS ? credentials : undefined,
  );
const STORED_ID = "AKIAFAKESTOREDKEY001";
const STORED_SECRET = "fakeStoredSecret/+0000000000000000000001";
const FILE_ID = "AKIAFAKEFILEKEY00001";
const stored = (...names: string[]): Map<string, StoredKeyPair> =>
  new Map(
    names.map((n) => [
      n,
      {
        accessKeyId: STORED_ID,
        secretAccessKey: STORED_SECRET,
        store: "keychain",
        item: `keys-${n}`,
      },
    ]),
  );
const FILE_FOO = `[foo]\naws_access_key_id = ${FILE_ID}\naws_secret_access_key = fileSecret\n`;
const ROLE = "arn:aws:iam::123456789012:role/r";
const MFA = "arn:aws:iam::123456789012:mfa/u";
const plan = (config: string, profile: string, options: PlanOptions, credentials = "") =>
  buildPlan(load(config, credentials), profile, options);

describe("stored keys in a plan", () => {
  test("stored keys win over the credentials file's, which the step names as shadowed", () => {
    const p = plan("", "foo", { storedKeys: stored("foo") }, FILE_FOO);
    expect(p.source).toEqual({
      kind: "static",
      profile: "foo",
      provider: "awsx-store",
      accessKeyId: STORED_ID,
      secretAccessKey: STORED_SECRET,
      origin: { file: "awsx keychain", section: "keys-foo" },
      shadows: { file: CREDS, section: "foo" },
    });
    expect(p.steps).toEqual([]);
  });

  test("without stored keys, the file's keys resolve exactly as before", () => {
    const p = plan("", "foo", { storedKeys: new Map(), childSession: "stored" }, FILE_FOO);
    expect(p.source).toMatchObject({ provider: "shared-credentials-file", accessKeyId: FILE_ID });
    expect(p.steps).toEqual([]);
  });

  test("a profile only the store knows resolves (aws-vault's bare profile)", () => {
    const p = plan("", "ghost", { storedKeys: stored("ghost") });
    expect(p.source).toMatchObject({ provider: "awsx-store", profile: "ghost" });
    expect(() => plan("", "ghost", {})).toThrow(AwsxError);
  });

  test("stored keys are a role chain's source, with the MFA session trick", () => {
    const cfg = `[profile t]\nrole_arn = ${ROLE}\nsource_profile = foo\nmfa_serial = ${MFA}\n`;
    const p = plan(cfg, "t", { storedKeys: stored("foo"), childSession: "stored" });
    expect(p.source).toMatchObject({ provider: "awsx-store", profile: "foo" });
    expect(p.steps.map((s) => s.kind)).toEqual(["sessionToken", "assumeRole"]);
    expect(p.steps[0]).toMatchObject({ mfaSerial: MFA });
  });

  test("the child gets a GetSessionToken session of stored keys; --no-session opts out", () => {
    const p = plan("", "foo", { storedKeys: stored("foo"), childSession: "stored" });
    expect(p.steps).toEqual([
      {
        kind: "sessionToken",
        profile: "foo",
        durationSeconds: 3600,
        reason: "long-term keys are not handed to the child",
      },
    ]);
    expect(plan("", "foo", { storedKeys: stored("foo"), childSession: "none" }).steps).toEqual([]);
  });

  test("the session carries the profile's mfa_serial, and --duration sets its length", () => {
    const cfg = `[profile foo]\nmfa_serial = ${MFA}\n`;
    const p = plan(cfg, "foo", {
      storedKeys: stored("foo"),
      childSession: "stored",
      mfaSessionSeconds: 7200,
    });
    expect(p.steps[0]).toMatchObject({
      kind: "sessionToken",
      mfaSerial: MFA,
      durationSeconds: 7200,
    });
    const d = plan(cfg, "foo", {
      storedKeys: stored("foo"),
      childSession: "stored",
      durationSeconds: 900,
    });
    expect(d.steps[0]).toMatchObject({ durationSeconds: 900 });
  });

  test(
    "plaintext file keys get the session only when opted in " + "(AWSX_SESSION_FOR_FILE_KEYS)",
    () => {
      expect(plan("", "foo", { childSession: "stored" }, FILE_FOO).steps).toEqual([]);
      expect(plan("", "foo", { childSession: "all" }, FILE_FOO).steps).toMatchObject([
        { kind: "sessionToken" },
      ]);
      const temp = `${FILE_FOO}aws_session_token = tok\n`;
      expect(plan("", "foo", { childSession: "all" }, temp).steps).toEqual([]);
    },
  );

  test(
    "store keys name no path and no character Windows refuses; " + "list reads them back",
    async () => {
      expect(storeKeyOf("prod-1.eu_west")).toBe("keys-prod-1.eu_west");
      expect(storeKeyOf("../a b:c/é")).toBe("keys-..%2fa%20b%3ac%2f%c3%a9");
      const store = memoryStore();
      const entry = { v: 1, kind: "awsx-keys", accessKeyId: STORED_ID, secretAccessKey: "s" };
      const profile = "a b/c";
      await store.set(storeKeyOf(profile), JSON.stringify({ ...entry, profile, addedAt: "x" }));
      // Filed under another profile's name: not that profile's keys.
      await store.set("keys-other", JSON.stringify({ ...entry, profile: "x", addedAt: "x" }));
      await store.set("0123abcd", "not keys");
      expect((await listStoredKeys(store)).map((e) => e.profile)).toEqual([profile]);
    },
  );

  test("chainProfiles follows source_profile, stops at a cycle, skips a role target", () => {
    const cfg = "[profile a]\nsource_profile = b\n[profile b]\nsource_profile = a\n";
    expect(chainProfiles(load(cfg), "a")).toEqual(["a", "b"]);
    const role = `[profile r]\nrole_arn = ${ROLE}\nsource_profile = foo\n`;
    expect(chainProfiles(load(role), "r")).toEqual(["foo"]);
    const self = `[profile r]\nrole_arn = ${ROLE}\nsource_profile = r\n`;
    expect(chainProfiles(load(self), "r")).toEqual(["r"]);
    const middle = `${role}[profile t]\nrole_arn = ${ROLE}\nsource_profile = r\n`;
    expect(chainProfiles(load(middle), "t")).toEqual(["foo"]);
    expect(plan(self, "r", { storedKeys: stored("r") }).source).toMatchObject({
      provider: "awsx-store",
      profile: "r",
    });
    expect(chainProfiles(load(""), "x")).toEqual(["x"]);
  });

  test("conflicts: a stored profile that a plaintext file also holds keys for", async () => {
    const config = load("", FILE_FOO);
    const entry = {
      v: 1 as const,
      kind: "awsx-keys" as const,
      profile: "foo",
      accessKeyId: FILE_ID,
      secretAccessKey: STORED_SECRET,
      addedAt: "2026-01-01T00:00:00Z",
    };
    expect(conflictsOf(config, [entry])).toEqual([{ profile: "foo", file: CREDS, sameKey: true }]);
    const store = memoryStore();
    await store.set("keys-foo", JSON.stringify(entry));
    await store.set("keys-bar", JSON.stringify({ ...entry, profile: "bar" }));
    expect(await storedKeyConflicts(config, store)).toHaveLength(1);
    expect(await storedKeyConflicts(config, undefined)).toEqual([]);
  });
});

describe("checkKeyPair", () => {
  test("accepts a long-term pair, refuses ASIA, bad ids and bad secrets without echoing", () => {
    expect(() => checkKeyPair("p", STORED_ID, STORED_SECRET)).not.toThrow();
    for (const [id, secret, re] of [
      ["ASIAFAKESTOREDKEY001", STORED_SECRET, /temporary key/],
      ["akiafakestoredkey001", STORED_SECRET, /not shaped like one/],
      [STORED_ID, "tooShortSecretValue", /not 40 characters/],
      [STORED_ID, `${STORED_SECRET.slice(0, 39)} `, /not 40 characters/],
    ] as const) {
      let err: AwsxError | undefined;
      try {
        checkKeyPair("p", id, secret);
      } catch (e) {
        err = e as AwsxError;
      }
      expect(err?.code).toBe("E_USAGE");
      expect(err?.message).toMatch(re);
      expect(err?.message).not.toContain(secret.trim());
    }
  });
});

describe("withoutKeyLines (awsx import)", () => {
  test("drops only the pair of [foo], keeping comments, other keys and sections", () => {
    const text =
      "# top\r\n[a]\naws_access_key_id = X\n\n[foo] ; c\n# keep me\n" +
      "AWS_ACCESS_KEY_ID=K\nregion: eu-west-1\n  aws_secret_access_key : S\n" +
      "[b]\naws_secret_access_key = Y";
    expect(withoutKeyLines(text, "foo")).toBe(
      "# top\r\n[a]\naws_access_key_id = X\n\n[foo] ; c\n# keep me\nregion: eu-west-1\n" +
        "[b]\naws_secret_access_key = Y",
    );
  });

  test("a continuation line of a dropped key goes with it", () => {
    const text = "[foo]\naws_access_key_id = K\n    more\naws_secret_access_key = S\nx = 1\n";
    expect(withoutKeyLines(text, "foo")).toBe("[foo]\nx = 1\n");
  });

  test("refuses when [foo] does not hold exactly the pair", () => {
    expect(() => withoutKeyLines("[foo]\naws_access_key_id = K\n", "foo")).toThrow(/found 1/);
    expect(() => withoutKeyLines("[bar]\naws_access_key_id = K\n", "foo")).toThrow(AwsxError);
    expect(() => withoutKeyLines("[profile foo]\naws_access_key_id = K\n", "foo")).toThrow();
  });
});
