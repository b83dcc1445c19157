// The token times awsx reads (src/sso/tokenTime.ts), each with the UTC time it means or null
// for refused. Every row was checked against dateutil.parser.parse, which botocore reads
// them with (__tests__/integration/tokenTimeDateutil.test.ts runs it again): accepted rows
// mean the same time there, refused rows fail there too (no zone, not a date, out of range)
// unless `narrower` says why awsx refuses a form dateutil would take.
export interface TokenTimeCase {
  input: string;
  utc: string | null;
  narrower?: string;
}

const AT = "2026-12-07T18:00:00.000Z";

export const TOKEN_TIME_CASES: TokenTimeCase[] = [
  // What botocore writes, and what its and the CLI v2's fixtures write.
  { input: "2026-12-07T18:00:00Z", utc: AT },
  { input: "2026-12-07T18:00:00UTC", utc: AT },
  { input: "2026-12-07T18:00:00 UTC", utc: AT },
  // The SDKs and other tools.
  { input: "2026-12-07T18:00:00.000Z", utc: AT },
  { input: "2026-12-07T18:00:00.123Z", utc: "2026-12-07T18:00:00.123Z" },
  { input: "2026-12-07T18:00:00.123456789Z", utc: "2026-12-07T18:00:00.123Z" },
  { input: "2026-12-07T18:00:00,5Z", utc: "2026-12-07T18:00:00.500Z" },
  { input: "2026-12-07T18:00:00.123UTC", utc: "2026-12-07T18:00:00.123Z" },
  { input: "2026-12-07T18:00:00+00:00", utc: AT },
  { input: "2026-12-07T18:00:00+0000", utc: AT },
  { input: "2026-12-07T18:00:00+00", utc: AT },
  { input: "2026-12-07T18:00:00-0000", utc: AT },
  { input: "2026-12-07T18:00:00 +00:00", utc: AT },
  { input: "2026-12-07T18:00:00 Z", utc: AT },
  { input: "2026-12-07T18:00:00z", utc: AT },
  { input: "2026-12-07t18:00:00z", utc: AT },
  { input: "2026-12-07T18:00:00GMT", utc: AT },
  { input: "2026-12-07T18:00:00 GMT", utc: AT },
  { input: "2026-12-07T18:00:00.5+01:00", utc: "2026-12-07T17:00:00.500Z" },
  { input: "2026-12-07T18:00:00-05:00", utc: "2026-12-07T23:00:00.000Z" },
  { input: "2026-12-07T18:00:00+05:30", utc: "2026-12-07T12:30:00.000Z" },
  { input: "2026-12-07T18:00:00.123+0530", utc: "2026-12-07T12:30:00.123Z" },
  { input: "2026-12-07T18:00:00+23:59", utc: "2026-12-06T18:01:00.000Z" },
  { input: "2026-12-07 18:00:00Z", utc: AT },
  { input: "2026-12-07 18:00:00+00:00", utc: AT },
  { input: "2026-12-07T18:00Z", utc: AT },
  { input: "2026-12-07 18:00Z", utc: AT },
  { input: "2026-12-07T18Z", utc: AT },
  { input: "20261207T180000Z", utc: AT },
  { input: "20261207T1800Z", utc: AT },
  { input: "2026-12-07T180000Z", utc: AT },
  { input: "20261207T18:00:00Z", utc: AT },
  { input: "  2026-12-07T18:00:00Z", utc: AT },
  { input: "2026-12-07T18:00:00Z ", utc: AT },
  { input: "2024-02-29T00:00:00Z", utc: "2024-02-29T00:00:00.000Z" },
  { input: "9999-12-31T23:59:59Z", utc: "9999-12-31T23:59:59.000Z" },
  // Refused by botocore too: no zone (dateutil gives a naive time, and botocore's subtraction
  // from an aware clock raises TypeError), not a time, out of range.
  { input: "2026-12-07T18:00:00", utc: null },
  { input: "20261207T180000", utc: null },
  { input: "2026-12-07", utc: null },
  { input: "2026-12-07T18:00:00 EST", utc: null },
  { input: "2026-12-07T18:00:00ZZ", utc: null },
  { input: "", utc: null },
  { input: "not a date", utc: null },
  { input: "1796666400", utc: null },
  { input: "2026-12-07T18:00:00utc", utc: null },
  { input: "2026-12-07T18:00:00Utc", utc: null },
  { input: "2026-13-07T18:00:00Z", utc: null },
  { input: "2026-02-30T18:00:00Z", utc: null },
  { input: "2026-12-07T24:00:00Z", utc: null },
  { input: "2026-12-07T18:60:00Z", utc: null },
  { input: "2026-12-07T18:00:60Z", utc: null },
  { input: "2026-12-07T18:00:00+24:00", utc: null },
  { input: "2026-12-07T18:00:00+25:00", utc: null },
  { input: "2026-12-07T18:00:00.Z", utc: null },
  { input: "2026-12-07T18:00:00+00:00Z", utc: null },
  { input: "2026-12-07T18:00:00+00:00:00", utc: null },
  // dateutil takes these; no token writer does, and some mean what they do not say.
  {
    input: "2026-12-07T18:00:00UTC+3",
    utc: null,
    narrower: "dateutil reads UTC+3 the POSIX way, as three hours west of UTC",
  },
  { input: "2026-12-07T18:00:00+00:60", utc: null, narrower: "an offset of 60 minutes" },
  { input: "2026-12-07T18:00:00+5:30", utc: null, narrower: "a one-digit offset hour" },
  { input: "Mon, 07 Dec 2026 18:00:00 GMT", utc: null, narrower: "the HTTP date form" },
  { input: "2026/12/07 18:00:00Z", utc: null, narrower: "slashes in the date" },
  { input: "2026-12-07T18:00:00GMT+00:00", utc: null, narrower: "a name and an offset" },
];
