/**
 * The `now` option of sign and verify (both schemes), validated. Internal.
 * @packageDocumentation
 */

/**
 * Milliseconds since the Unix epoch for a `now` option; `Date.now()` when it is absent.
 *
 * @param now - a finite number of milliseconds, a valid `Date`, or undefined.
 * @returns the time in Unix milliseconds.
 * @throws RangeError when `now` is neither a finite number nor a valid `Date` (an invalid clock must not
 * disable the time checks).
 */
export function nowMilliseconds(now: unknown): number {
  if (now === undefined) return Date.now();
  const ms = typeof now === 'number' ? now : now instanceof Date ? now.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError('now must be a finite number of milliseconds or a valid Date');
  return ms;
}

/** Default allowed clock difference, in seconds, of both schemes (`clockSkew`). */
export const DEFAULT_CLOCK_SKEW = 300;
