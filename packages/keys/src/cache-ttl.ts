/**
 * How long fetched keys and key directories are kept: the defaults `RemoteKeys` and `KeyDirectories`
 * share, and the reading of their time options. Decided here once for both.
 *
 * @packageDocumentation
 */

/** Default `minTtl`: the shortest time a fetched key or directory is kept, seconds, whatever `Cache-Control` says. */
export const DEFAULT_MIN_TTL = 60;
/** Default `maxTtl`: the longest time a fetched key or directory is kept, seconds (one day). */
export const DEFAULT_MAX_TTL = 86_400;
/** Default `defaultTtl`: how long a response without `Cache-Control: max-age` is kept, seconds (one hour). */
export const DEFAULT_TTL = 3600;
/** Default `negativeTtl`: how long a failed fetch is remembered, seconds. */
export const DEFAULT_NEGATIVE_TTL = 60;
/** Default `refreshInterval`: the shortest time between two refetches caused by an unknown or rotated key, seconds. */
export const DEFAULT_REFRESH_INTERVAL = 60;

/**
 * A time option in seconds, as milliseconds.
 * @param value - the option as given.
 * @param fallback - its default, seconds.
 * @param name - the option's name, for the error.
 * @returns milliseconds.
 * @throws RangeError when the value is not a finite number of seconds, 0 or more.
 * @internal
 */
export function secondsOption(value: number | undefined, fallback: number, name: string): number {
  const s = value ?? fallback;
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) throw new RangeError(`${name} must be a finite number of seconds, 0 or more`);
  return s * 1000;
}
