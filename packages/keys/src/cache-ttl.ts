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

/** The time options `RemoteKeys` and `KeyDirectories` share, seconds (each documented on those classes' options). */
export interface CacheTimeOptions {
  minTtl?: number | undefined;
  maxTtl?: number | undefined;
  defaultTtl?: number | undefined;
  negativeTtl?: number | undefined;
  refreshInterval?: number | undefined;
}

/**
 * The time options read once, in milliseconds.
 * @internal
 */
export interface CacheTimes {
  minTtl: number;
  maxTtl: number;
  defaultTtl: number;
  negativeTtl: number;
  refreshInterval: number;
}

/**
 * Reads the time options with their defaults.
 * @param options - the options as given, seconds.
 * @returns the times, milliseconds.
 * @throws RangeError when one is not a finite number of seconds, 0 or more, or `maxTtl` is less than `minTtl`.
 * @internal
 */
export function cacheTimes(options: CacheTimeOptions): CacheTimes {
  const times: CacheTimes = {
    minTtl: secondsOption(options.minTtl, DEFAULT_MIN_TTL, 'minTtl'),
    maxTtl: secondsOption(options.maxTtl, DEFAULT_MAX_TTL, 'maxTtl'),
    defaultTtl: secondsOption(options.defaultTtl, DEFAULT_TTL, 'defaultTtl'),
    negativeTtl: secondsOption(options.negativeTtl, DEFAULT_NEGATIVE_TTL, 'negativeTtl'),
    refreshInterval: secondsOption(options.refreshInterval, DEFAULT_REFRESH_INTERVAL, 'refreshInterval'),
  };
  if (times.maxTtl < times.minTtl) throw new RangeError('maxTtl must not be less than minTtl');
  return times;
}

/**
 * How long a fetched response is kept: `minTtl` for `no-store`/`no-cache`, else its `max-age` (or `defaultTtl`
 * without one) clamped to `minTtl`…`maxTtl`.
 * @param times - the cache's times.
 * @param cache - the response's `Cache-Control` directives.
 * @returns milliseconds.
 * @internal
 */
export function ttlOf(times: CacheTimes, cache: { maxAge: number | undefined; noStore: boolean }): number {
  if (cache.noStore) return times.minTtl;
  return Math.min(times.maxTtl, Math.max(times.minTtl, cache.maxAge === undefined ? times.defaultTtl : cache.maxAge * 1000));
}

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
