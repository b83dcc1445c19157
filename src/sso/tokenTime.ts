// The times of an SSO token file (expiresAt, registrationExpiresAt). botocore reads them with
// dateutil.parser.parse (tokens.py SSOTokenProvider, credentials.py SSOCredentialFetcher)
// and then subtracts the clock, which fails for a time without a zone: so the CLI reads any
// zoned form dateutil knows, and its own and the CLI v2's fixtures write `...T18:00:00UTC`.
// This reads the forms such files hold (ISO 8601 extended or basic, `T`, `t` or a space,
// fractions after `.` or `,`, zone `Z`, `UTC`, `GMT` or an offset), checked as dateutil
// checks them; __tests__/unit/tokenTime.test.ts pins the set against dateutil.

// YYYY-MM-DD or YYYYMMDD; HH, HH:MM, HH:MM:SS[.frac] or HHMM, HHMMSS[.frac].
const DATE = String.raw`(?<y>\d{4})(?<ds>-?)(?<mo>\d{2})\k<ds>(?<d>\d{2})`;
const TIME =
  String.raw`(?<h>\d{2})(?:(?<ts>:?)(?<mi>\d{2})` +
  String.raw`(?:\k<ts>(?<s>\d{2})(?:[.,](?<f>\d+))?)?)?`;
const ZONE = String.raw`[ \t]*(?<z>Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)`;
const FORM = new RegExp(`^${DATE}[Tt ]${TIME}${ZONE}$`);

const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

// The zone's offset east of UTC in minutes, or undefined when dateutil refuses it.
function offsetMinutes(zone: string): number | undefined {
  if (/^(Z|z|UTC|GMT)$/.test(zone)) return 0;
  const [, sign, hh, mm] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const h = Number(hh);
  const m = Number(mm ?? 0);
  if (h > 23 || m > 59) return undefined;
  return (sign === "-" ? -1 : 1) * (h * 60 + m);
}

// Epoch milliseconds of a token time, or undefined for a value the CLI would refuse (no zone,
// not a date, a day or hour out of range) or one awsx does not read (a named zone other than
// UTC/GMT, dateutil's many free-text forms).
export function parseTokenTime(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const g = FORM.exec(value.trim())?.groups;
  if (!g) return undefined;
  const [year, month, day, hour, minute, second] = [g.y, g.mo, g.d, g.h, g.mi, g.s].map((v) =>
    Number(v ?? 0),
  ) as number[];
  const frac = g.f ?? "";
  const zone = g.z;
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!)) return undefined;
  if (hour! > 23 || minute! > 59 || second! > 59) return undefined;
  const offset = offsetMinutes(zone!);
  if (offset === undefined) return undefined;
  const ms = Number(frac.slice(0, 3).padEnd(3, "0"));
  const utc = new Date(0);
  utc.setUTCFullYear(year!, month! - 1, day!);
  utc.setUTCHours(hour!, minute!, second!, ms);
  return utc.getTime() - offset * 60_000;
}

// A token time as ISO 8601 in UTC (the form awsx compares and keeps), or undefined.
export function tokenTimeIso(value: unknown): string | undefined {
  const t = parseTokenTime(value);
  return t === undefined ? undefined : new Date(t).toISOString();
}
