/**
 * A point in time as execlens stores and serves it: ISO 8601 in UTC with six fractional digits,
 * `2026-01-01T08:15:30.787716Z`. OTLP sends nanoseconds and `timestamptz` keeps microseconds; a
 * JS `Date` keeps only milliseconds, so times travel as these strings (which sort as text).
 */
export type Timestamp = string;

const NANOS_PER_MICRO = 1000n;
const MICROS_PER_MILLI = 1000n;

/** The microseconds since the epoch of `unixNano` (truncated), as a Timestamp. */
export function timestampFromNanos(unixNano: bigint): Timestamp {
  return timestampFromMicros(unixNano / NANOS_PER_MICRO);
}

/** The last second formatted, as ISO text up to its seconds: the spans of a batch share a few seconds. */
let formattedSecond = Number.NaN;
let formattedPrefix = "";

export function timestampFromMicros(unixMicros: bigint): Timestamp {
  const exact = Number(unixMicros);
  // 0 to 2^53 µs (years 1970–2255): exact as a number, and a four-digit year
  if (Number.isSafeInteger(exact) && exact >= 0) {
    const second = Math.floor(exact / 1_000_000);
    if (second !== formattedSecond) {
      formattedPrefix = new Date(second * 1000).toISOString().slice(0, 19);
      formattedSecond = second;
    }
    return `${formattedPrefix}.${String(exact - second * 1_000_000).padStart(6, "0")}Z`;
  }
  const millis = unixMicros / MICROS_PER_MILLI;
  const micros = unixMicros % MICROS_PER_MILLI;
  const iso = new Date(Number(millis)).toISOString();
  return `${iso.slice(0, -1)}${String(micros).padStart(3, "0")}Z`;
}

/**
 * ISO 8601 date-times as clients send them (`T` or a space, 0–9 fractional digits, `Z` or an
 * offset of ±hh, ±hhmm or ±hh:mm; without one, UTC; a date alone is its midnight UTC) and as
 * PostgreSQL prints `timestamptz` in any session time zone.
 */
const DATE_TIME =
  /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d\d(?::?\d\d(?::?\d\d)?)?)?)?$/i;

/** A date-time normalised to a UTC Timestamp (fraction cut to microseconds); undefined when it is not one. */
export function parseTimestamp(text: string): Timestamp | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (match === null) return undefined;
  const [, year, month, day, hour = "0", minute = "0", second = "0", fraction = "", zone = "Z"] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = fields;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCDate() !== d) return undefined; // 2026-02-31
  const utcMillis = date.setUTCHours(h, mi, s, 0) - offsetMillis(zone);
  const micros = BigInt(`${fraction}000000`.slice(0, 6));
  return timestampFromMicros(BigInt(utcMillis) * MICROS_PER_MILLI + micros);
}

function offsetMillis(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const digits = zone.slice(1).replaceAll(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
  const seconds = Number(digits.slice(4, 6) || "0");
  return (zone.startsWith("-") ? -1 : 1) * (minutes * 60 + seconds) * 1000;
}

/** Microseconds since the epoch of a Timestamp this module made. */
export function timestampMicros(timestamp: Timestamp): bigint {
  const millis = BigInt(Date.parse(timestamp));
  return millis * MICROS_PER_MILLI + BigInt(timestamp.slice(23, 26));
}

/**
 * Microseconds from `from` to `to`, as a number: whole milliseconds apart, then the microseconds,
 * exact in a double for spans of up to 285 years (no BigInt on a path run per call written).
 */
export function microsBetween(from: Timestamp, to: Timestamp): number {
  return (Date.parse(to) - Date.parse(from)) * 1000 + Number(to.slice(23, 26)) - Number(from.slice(23, 26));
}
