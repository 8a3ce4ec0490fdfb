/**
 * The fetch budget of one resolver: a token bucket per origin (at most N fetches per window, refilled evenly) and
 * a bound on fetches running at once. A request may name any keyId it likes: without a budget, every signature
 * label of every unauthenticated request could make the server fetch.
 *
 * @packageDocumentation
 */
import { KeyFetchRateLimitedError } from './errors.js';

/** The fetch budget of a lookup: part of `RemoteKeysOptions` (and of `remoteKeyLookup` options). */
export interface FetchBudgetOptions {
  /** Most fetches from one origin per `fetchWindow` (a token bucket of that size). Default 120. */
  fetchesPerOrigin?: number | undefined;
  /** The window of `fetchesPerOrigin`, seconds. Default 60. */
  fetchWindow?: number | undefined;
  /** Most fetches running at once, all origins together. Default 16. */
  maxConcurrentFetches?: number | undefined;
}

/** Default {@link FetchBudgetOptions.fetchesPerOrigin}. */
export const DEFAULT_FETCHES_PER_ORIGIN = 120;
/** Default {@link FetchBudgetOptions.fetchWindow}, seconds. */
export const DEFAULT_FETCH_WINDOW = 60;
/** Default {@link FetchBudgetOptions.maxConcurrentFetches}. */
export const DEFAULT_MAX_CONCURRENT_FETCHES = 16;
/** Most origins whose buckets are remembered; the least recently used is forgotten first. */
const MAX_ORIGINS = 10_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer`);
  return n;
}

/**
 * Decides whether a fetch may start now. {@link FetchBudget.acquire} takes one token of the URL's origin and one
 * concurrency slot, or refuses with {@link KeyFetchRateLimitedError} without fetching.
 */
export class FetchBudget {
  readonly #perOrigin: number;
  readonly #window: number;
  readonly #concurrent: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  #running = 0;

  /**
   * @param options - the limits.
   * @param now - the clock, Unix ms.
   * @throws RangeError when a limit is not a positive integer (the window: a positive number of seconds).
   */
  constructor(options: FetchBudgetOptions, now: () => number) {
    this.#perOrigin = positiveInteger(options.fetchesPerOrigin, DEFAULT_FETCHES_PER_ORIGIN, 'fetchesPerOrigin');
    this.#concurrent = positiveInteger(options.maxConcurrentFetches, DEFAULT_MAX_CONCURRENT_FETCHES, 'maxConcurrentFetches');
    const window = options.fetchWindow ?? DEFAULT_FETCH_WINDOW;
    if (typeof window !== 'number' || !Number.isFinite(window) || window <= 0) throw new RangeError('fetchWindow must be a positive number of seconds');
    this.#window = window * 1000;
    this.#now = now;
  }

  /**
   * Takes a fetch from the budget of `url`'s origin.
   *
   * @param url - the URL about to be fetched.
   * @param keyId - for the error.
   * @returns the function to call when the fetch is over (frees the concurrency slot).
   * @throws {@link KeyFetchRateLimitedError} when the origin's bucket is empty or too many fetches are running.
   */
  acquire(url: URL, keyId: string): () => void {
    if (this.#running >= this.#concurrent) throw new KeyFetchRateLimitedError('Too many key fetches are running', { keyId });
    const origin = url.origin;
    const now = this.#now();
    const bucket = this.#buckets.get(origin) ?? { tokens: this.#perOrigin, updatedAt: now };
    this.#buckets.delete(origin);
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(this.#perOrigin, bucket.tokens + (elapsed * this.#perOrigin) / this.#window);
    bucket.updatedAt = now;
    this.#buckets.set(origin, bucket);
    while (this.#buckets.size > MAX_ORIGINS) this.#buckets.delete(this.#buckets.keys().next().value as string);
    if (bucket.tokens < 1) throw new KeyFetchRateLimitedError('The origin\'s key fetch budget is spent', { keyId });
    bucket.tokens -= 1;
    this.#running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running -= 1;
    };
  }
}
