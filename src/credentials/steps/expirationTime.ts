// One reading of an Expiration for every source (credential_process, AWS_CREDENTIAL_EXPIRATION,
// instance metadata, containers): botocore parses them all with dateutil and then compares the
// time with an aware clock, so a time without a zone fails there before any request.

// A time with a zone after it: dateutil reads a time without one as naive, and botocore then
// fails comparing it with the clock; names other than UTC/GMT/UT are naive to it too.
const ZONED = /\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:z|[+-]\d\d(?::?\d\d)?|(?:utc|gmt|ut))\s*$/i;

// ISO 8601's basic format (20310101T000000Z), which dateutil reads too.
const BASIC = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)?(?:[.,](\d+))?(z|[+-]\d\d(?::?\d\d)?)$/i;

function fromBasic(m: RegExpExecArray): number {
  const [, y, mo, d, h, mi, s = "00", frac, zone] = m;
  const z = zone!.toUpperCase() === "Z" ? "Z" : zoneWithColon(zone!);
  const ms = frac ? `.${frac.slice(0, 3).padEnd(3, "0")}` : "";
  return Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${z}`);
}

const zoneWithColon = (zone: string): string => {
  const digits = zone.slice(1).replace(":", "");
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2) || "00"}`;
};

// The time an Expiration names, or undefined when botocore could not use it: not a string,
// not a date, or a date or time without a zone.
export function parseExpirationTime(v: unknown): Date | undefined {
  if (typeof v !== "string") return undefined;
  const basic = BASIC.exec(v.trim());
  const ms = basic ? fromBasic(basic) : ZONED.test(v) ? Date.parse(v) : Number.NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
