/**
 * HTTP dates (RFC 9110 §5.6.7 IMF-fixdate, the RFC 1123 form), as signed in the `Date` header.
 * @packageDocumentation
 */

/**
 * Formats a time as an IMF-fixdate, e.g. `Sun, 22 Nov 2026 10:00:00 GMT`.
 *
 * @param date - a `Date` or milliseconds since the epoch.
 * @returns the HTTP date string, always in GMT.
 * @example
 * ```ts
 * formatHttpDate(0) // 'Thu, 01 Jan 1970 00:00:00 GMT'
 * ```
 */
export function formatHttpDate(date: Date | number): string {
  return (typeof date === 'number' ? new Date(date) : date).toUTCString();
}

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};
const IMF_FIXDATE = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/**
 * Parses an IMF-fixdate (`Sun, 05 Jan 2014 21:31:40 GMT`). The weekday is not checked (draft-08's own
 * example date has a wrong one). Other date formats are refused, so a local time mislabelled in another
 * format cannot slip through.
 *
 * @param value - the header value.
 * @returns milliseconds since the epoch, or undefined when the value is not an IMF-fixdate.
 * @example
 * ```ts
 * parseHttpDate('Sun, 05 Jan 2014 21:31:40 GMT') // 1388957500000
 * ```
 */
export function parseHttpDate(value: string): number | undefined {
  // Requests arriving within the same second carry the same Date: remember the last answer.
  if (value === last.text) return last.ms;
  const ms = parseUncached(value);
  last = { text: value, ms };
  return ms;
}

let last: { text: string; ms: number | undefined } = { text: '', ms: undefined };

function parseUncached(value: string): number | undefined {
  const m = IMF_FIXDATE.exec(value.trim());
  if (m === null) return undefined;
  const month = MONTHS[(m[2] as string).toLowerCase()];
  if (month === undefined) return undefined;
  const [day, year, hour, minute, second] = [m[1], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return undefined;
  return ms;
}
