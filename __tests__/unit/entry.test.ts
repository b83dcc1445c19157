// Cache entries: anything malformed is a miss; freshness at the edges of the refresh window.
import {
  decodeEntry,
  encodeEntry,
  entryCredentials,
  isFresh,
  type CacheEntry,
} from "../../src/cache/cacheEntry.js";

const GOOD: CacheEntry = {
  v: 1,
  key: "k-0123abcd",
  profile: "prod",
  kind: "assumeRole",
  label: "arn:aws:iam::123456789012:role/prod",
  profiles: ["prod", "admin"],
  createdAt: "2030-01-01T00:00:00.000Z",
  expiration: "2030-01-01T01:00:00.000Z",
  credentials: {
    accessKeyId: "ASIAEXAMPLEKEY",
    secretAccessKey: "secretFAKE",
    sessionToken: "tokenFAKE",
  },
};
const clone = (): any => JSON.parse(JSON.stringify(GOOD));
const variant = (mutate: (e: any) => void): string => {
  const e = clone();
  mutate(e);
  return JSON.stringify(e);
};

describe("decodeEntry", () => {
  it("accepts a good entry, with and without the key check", () => {
    expect(decodeEntry(encodeEntry(GOOD))).toEqual(GOOD);
    expect(decodeEntry(encodeEntry(GOOD), "k-0123abcd")).toEqual(GOOD);
  });

  it(
    "accepts an entry without a session token, with an empty profile list, " + "with extra fields",
    () => {
      const noToken = variant((e) => delete e.credentials.sessionToken);
      expect(decodeEntry(noToken)?.credentials).toEqual({
        accessKeyId: "ASIAEXAMPLEKEY",
        secretAccessKey: "secretFAKE",
      });
      expect(decodeEntry(variant((e) => (e.profiles = [])))?.profiles).toEqual([]);
      expect(decodeEntry(variant((e) => (e.extra = { x: 1 })))?.key).toBe("k-0123abcd");
    },
  );

  it.each(["sessionToken", "webIdentity"])("accepts kind %s", (kind) => {
    expect(decodeEntry(variant((e) => (e.kind = kind)))?.kind).toBe(kind);
  });

  const BAD: Array<[string, string | undefined]> = [
    ["undefined", undefined],
    ["empty string", ""],
    ["not JSON", "{not json"],
    ["truncated JSON", encodeEntry(GOOD).slice(0, -1)],
    ["null", "null"],
    ["a number", "1"],
    ["a string", '"entry"'],
    ["an array", "[]"],
    ["an array holding the entry", `[${encodeEntry(GOOD)}]`],
    ["version 2", variant((e) => (e.v = 2))],
    ["version '1'", variant((e) => (e.v = "1"))],
    ["version 0", variant((e) => (e.v = 0))],
    ["no version", variant((e) => delete e.v)],
    ...(
      [
        "key",
        "profile",
        "kind",
        "label",
        "createdAt",
        "expiration",
        "credentials",
        "profiles",
      ] as const
    ).map((f): [string, string] => [`missing ${f}`, variant((e) => delete e[f])]),
    ...(["key", "profile", "kind", "label", "createdAt", "expiration"] as const).flatMap(
      (f): Array<[string, string]> => [
        [`empty ${f}`, variant((e) => (e[f] = ""))],
        [`numeric ${f}`, variant((e) => (e[f] = 12))],
        [`null ${f}`, variant((e) => (e[f] = null))],
      ],
    ),
    ["missing accessKeyId", variant((e) => delete e.credentials.accessKeyId)],
    ["missing secretAccessKey", variant((e) => delete e.credentials.secretAccessKey)],
    ["empty accessKeyId", variant((e) => (e.credentials.accessKeyId = ""))],
    ["numeric secretAccessKey", variant((e) => (e.credentials.secretAccessKey = 5))],
    ["numeric sessionToken", variant((e) => (e.credentials.sessionToken = 5))],
    ["null sessionToken", variant((e) => (e.credentials.sessionToken = null))],
    ["credentials null", variant((e) => (e.credentials = null))],
    ["credentials a string", variant((e) => (e.credentials = "ASIAEXAMPLEKEY:secret"))],
    ["credentials an array", variant((e) => (e.credentials = ["ASIAEXAMPLEKEY", "secret"]))],
    ["unknown kind", variant((e) => (e.kind = "static"))],
    ["kind in other case", variant((e) => (e.kind = "AssumeRole"))],
    ["profiles a string", variant((e) => (e.profiles = "prod"))],
    ["profiles with a number", variant((e) => (e.profiles = ["prod", 1]))],
    ["profiles null", variant((e) => (e.profiles = null))],
    ["expiration not a date", variant((e) => (e.expiration = "tomorrow-ish"))],
    ["expiration month 13", variant((e) => (e.expiration = "2030-13-01T00:00:00Z"))],
    ["createdAt not a date", variant((e) => (e.createdAt = "yesterday"))],
  ];

  it.each(BAD)("rejects %s", (_name, text) => {
    expect(decodeEntry(text)).toBeUndefined();
    expect(decodeEntry(text, "k-0123abcd")).toBeUndefined();
  });

  it("rejects an entry stored under another key", () => {
    expect(decodeEntry(encodeEntry(GOOD), "k-other")).toBeUndefined();
    expect(decodeEntry(encodeEntry(GOOD), "")).toBeUndefined();
  });

  it("rejects a non-string input", () => {
    expect(decodeEntry(42 as unknown as string)).toBeUndefined();
    expect(decodeEntry({ ...GOOD } as unknown as string)).toBeUndefined();
  });

  it("accepts up to 100000 characters and rejects anything longer", () => {
    const base = encodeEntry({ ...GOOD, label: "" }).length;
    const sized = (n: number) => encodeEntry({ ...GOOD, label: "x".repeat(n - base) });
    expect(sized(100_000)).toHaveLength(100_000);
    expect(decodeEntry(sized(100_000))?.label).toHaveLength(100_000 - base);
    expect(sized(100_001)).toHaveLength(100_001);
    expect(decodeEntry(sized(100_001))).toBeUndefined();
    expect(decodeEntry(" ".repeat(5_000_000) + encodeEntry(GOOD))).toBeUndefined();
  });

  it("entryCredentials turns the entry into credentials with a Date expiry", () => {
    expect(entryCredentials(GOOD)).toEqual({
      accessKeyId: "ASIAEXAMPLEKEY",
      secretAccessKey: "secretFAKE",
      sessionToken: "tokenFAKE",
      expiration: new Date("2030-01-01T01:00:00.000Z"),
    });
    expect(
      entryCredentials({
        ...GOOD,
        credentials: { accessKeyId: "A", secretAccessKey: "B", sessionToken: "" },
      }),
    ).toEqual({
      accessKeyId: "A",
      secretAccessKey: "B",
      expiration: new Date("2030-01-01T01:00:00.000Z"),
    });
  });
});

describe("isFresh", () => {
  const MIN = 60_000;
  const created = Date.parse("2030-01-01T00:00:00.000Z");
  const entry = (lifeMs: number): CacheEntry => ({
    ...GOOD,
    createdAt: new Date(created).toISOString(),
    expiration: new Date(created + lifeMs).toISOString(),
  });
  const at = (e: CacheEntry, msBeforeExpiry: number) =>
    new Date(Date.parse(e.expiration) - msBeforeExpiry);

  it("one-hour session, 15-minute window: fresh only while more than 15 minutes are left", () => {
    const e = entry(60 * MIN);
    expect(isFresh(e, at(e, 15 * MIN + 1), 15 * MIN)).toBe(true);
    expect(isFresh(e, at(e, 15 * MIN), 15 * MIN)).toBe(false);
    expect(isFresh(e, at(e, 15 * MIN - 1), 15 * MIN)).toBe(false);
    expect(isFresh(e, new Date(created), 15 * MIN)).toBe(true);
  });

  it("a session shorter than twice the window: the window shrinks to half the lifetime", () => {
    const e = entry(20 * MIN);
    expect(isFresh(e, at(e, 10 * MIN + 1), 15 * MIN)).toBe(true);
    expect(isFresh(e, at(e, 10 * MIN), 15 * MIN)).toBe(false);
    expect(isFresh(e, at(e, 10 * MIN - 1), 15 * MIN)).toBe(false);
    expect(isFresh(e, new Date(created), 15 * MIN)).toBe(true);
  });

  it("a 15-minute session with a 15-minute window is still usable for its first half", () => {
    const e = entry(15 * MIN);
    expect(isFresh(e, new Date(created), 15 * MIN)).toBe(true);
    expect(isFresh(e, at(e, 7.5 * MIN + 1), 15 * MIN)).toBe(true);
    expect(isFresh(e, at(e, 7.5 * MIN), 15 * MIN)).toBe(false);
  });

  it("exactly twice the window: both rules give the same edge", () => {
    const e = entry(30 * MIN);
    expect(isFresh(e, at(e, 15 * MIN + 1), 15 * MIN)).toBe(true);
    expect(isFresh(e, at(e, 15 * MIN), 15 * MIN)).toBe(false);
  });

  it("a zero window: fresh until the last millisecond", () => {
    const e = entry(60 * MIN);
    expect(isFresh(e, at(e, 1), 0)).toBe(true);
    expect(isFresh(e, at(e, 0), 0)).toBe(false);
  });

  it("expired entries are never fresh", () => {
    const e = entry(60 * MIN);
    expect(isFresh(e, at(e, -1), 15 * MIN)).toBe(false);
    expect(isFresh(e, at(e, -60 * MIN), 0)).toBe(false);
  });
});
