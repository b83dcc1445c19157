// credential_process output and Expiration times, read as botocore 1.43's ProcessProvider,
// EnvProvider and dateutil read them (each row checked against `aws` in differential.cases.ts
// or by hand with python3 -c "from dateutil.parser import parse").
import { parseExpirationTime } from "../../src/credentials/steps/expirationTime.js";
import { parsePythonJson, processCredentials } from "../../src/credentials/steps/processOutput.js";

const fail = (why: string) => new Error(why);
const KEYS = { AccessKeyId: "AKIAFAKEPROC0000001", SecretAccessKey: "procSecretFAKE" };
const read = (extra: Record<string, unknown>) =>
  processCredentials({ Version: 1, ...KEYS, ...extra }, fail);

describe("parsePythonJson", () => {
  test("reads NaN, Infinity and -Infinity in value positions, as json.loads does", () => {
    const v = parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN Infinity"}');
    expect(v).toEqual({ a: Number.NaN, b: [Infinity, -Infinity], c: "NaN Infinity" });
  });
  test(
    "leaves strings with escaped quotes alone, " + "and still rejects what json.loads rejects",
    () => {
      expect(parsePythonJson('{"a": "x\\"NaN", "b": 1}')).toEqual({ a: 'x"NaN', b: 1 });
      for (const bad of ["{NaN: 1}", "+Infinity", "-NaN", "nan", "\ufeff{}", "{'a': 1}"])
        expect(() => parsePythonJson(bad)).toThrow();
    },
  );
});

describe("processCredentials", () => {
  test("Version 1, 1.0 and true are Version 1 (Python's ==); others fail", () => {
    for (const v of [1, 1.0, true]) expect(read({ Version: v }).accessKeyId).toBe(KEYS.AccessKeyId);
    for (const v of [2, "1", false, null, Number.NaN])
      expect(() => read({ Version: v })).toThrow(/only Version 1 is supported/);
    expect(() => processCredentials(KEYS, fail)).toThrow(/printed Version <none>/);
  });
  test("AccessKeyId and SecretAccessKey: missing, empty, null or not a string fail", () => {
    for (const key of ["AccessKeyId", "SecretAccessKey"]) {
      const { [key]: _gone, ...rest } = KEYS as Record<string, string>;
      expect(() => processCredentials({ Version: 1, ...rest }, fail)).toThrow(
        new RegExp(`printed no ${key}`),
      );
      for (const v of ["", null, 5, true, ["a"]])
        expect(() => read({ [key]: v })).toThrow(new RegExp(`${key} that is not a non-empty`));
    }
  });
  test("SessionToken: a string is used; null, '', 0, false are no token; a number fails", () => {
    expect(read({ SessionToken: "tokFAKE" }).sessionToken).toBe("tokFAKE");
    for (const v of [null, "", 0, false, [], {}])
      expect(read({ SessionToken: v })).toEqual({
        accessKeyId: KEYS.AccessKeyId,
        secretAccessKey: KEYS.SecretAccessKey,
      });
    for (const v of [5, true, Number.NaN, ["t"], { t: 1 }])
      expect(() => read({ SessionToken: v })).toThrow(/SessionToken that is not a string/);
  });
  test("Expiration: null is none; naive or non-string fails; zoned (past too) is kept", () => {
    expect(read({ Expiration: null }).expiration).toBeUndefined();
    expect(read({ Expiration: "2031-01-01T00:00:00Z" }).expiration).toEqual(
      new Date("2031-01-01T00:00:00Z"),
    );
    for (const v of ["2031-01-01T00:00:00", "2031-01-01", "", 5, "soon"])
      expect(() => read({ Expiration: v })).toThrow(/not a time with a zone/);
    // A past one is read: refreshedOnce runs the process again (refreshedOnce.test).
    expect(read({ Expiration: "2020-01-01T00:00:00Z" }).expiration).toEqual(
      new Date("2020-01-01T00:00:00Z"),
    );
  });
  test("not an object fails", () => {
    for (const v of [null, [], "x", 1]) expect(() => processCredentials(v, fail)).toThrow();
  });
});

describe("parseExpirationTime (every source's Expiration)", () => {
  test("zoned ISO 8601 (extended and basic) and RFC 1123 are read", () => {
    const t = new Date("2031-01-01T00:00:00Z");
    for (const s of [
      "2031-01-01T00:00:00Z",
      "2031-01-01T02:00:00+02:00",
      "2030-12-31T19:00:00-0500",
      "Wed, 01 Jan 2031 00:00:00 GMT",
      "20310101T000000Z",
      "20310101T000000+0000",
      "20310101T0000Z",
      "20310101T020000+02",
    ])
      expect([s, parseExpirationTime(s)]).toEqual([s, t]);
    expect(parseExpirationTime("20310101T000000.5Z")).toEqual(new Date("2031-01-01T00:00:00.5Z"));
  });
  test("naive times (no zone), unknown zone names and non-strings are not read", () => {
    for (const s of [
      "2031-01-01",
      "2031-01-01T00:00:00",
      "20310101T000000",
      "20310101Z",
      "2031-01-01T00:00:00 EST",
      "soon",
      "",
      5,
      null,
    ])
      expect([s, parseExpirationTime(s)]).toEqual([s, undefined]);
  });
});
