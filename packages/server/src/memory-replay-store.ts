/**
 * The bounded in-memory replay store (one process).
 *
 * @packageDocumentation
 */
import type { ReplayStore } from './types.js';

/** Options of {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most signatures remembered at once. Default 100,000 (about 15 MB). */
  maxEntries?: number | undefined;
}

/** Default capacity of {@link MemoryReplayStore}. */
export const DEFAULT_MAX_REPLAY_ENTRIES = 100_000;

/**
 * Remembers verified signatures in this process until their validity window ends, in a fixed-size ring
 * (insertion order) indexed by a `Map`: every operation is O(1) and memory never grows past `maxEntries`.
 *
 * Expired entries are dropped as new ones arrive. When more distinct signatures arrive within one window
 * than fit, the oldest are forgotten early and counted in {@link MemoryReplayStore.evictions}; size the
 * store for your peak request rate times the validity window (2 × clock skew for `Date`-bounded signatures).
 *
 * @example
 * ```ts
 * app.use(expressMiddleware({ keyLookup, replay: new MemoryReplayStore({ maxEntries: 500_000 }) }))
 * ```
 */
export class MemoryReplayStore implements ReplayStore {
  /** The capacity. */
  readonly maxEntries: number;
  readonly #slots = new Map<string, number>();
  readonly #keys: (string | undefined)[];
  readonly #expiries: Float64Array;
  #head = 0;
  #count = 0;
  #evictions = 0;

  /**
   * @param options - the capacity.
   * @throws RangeError when `maxEntries` is not a positive integer.
   */
  constructor(options: MemoryReplayStoreOptions = {}) {
    const max = options.maxEntries ?? DEFAULT_MAX_REPLAY_ENTRIES;
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('maxEntries must be a positive integer');
    this.maxEntries = max;
    this.#keys = new Array<string | undefined>(max);
    this.#expiries = new Float64Array(max);
  }

  /** How many signatures are remembered now (expired ones not yet dropped included). */
  get size(): number {
    return this.#slots.size;
  }

  /** How many unexpired signatures were forgotten early because the store was full. */
  get evictions(): number {
    return this.#evictions;
  }

  /**
   * Records `key` until `expiresAt` unless it is remembered and unexpired.
   *
   * @param key - the replay key.
   * @param expiresAt - end of the validity window, Unix ms.
   * @param now - current time, Unix ms.
   * @returns true when new, false on a replay.
   */
  add(key: string, expiresAt: number, now: number): boolean {
    const existing = this.#slots.get(key);
    if (existing !== undefined) {
      if ((this.#expiries[existing] as number) > now) return false;
      // Expired: free the slot's key so that the ring skips it, and record anew below.
      this.#keys[existing] = undefined;
      this.#slots.delete(key);
    }
    // Drop up to two expired entries from the oldest end, so an idle-then-busy store sheds stale keys.
    for (let i = 0; i < 2 && this.#count > 0; i++) {
      if (this.#keys[this.#head] !== undefined && (this.#expiries[this.#head] as number) > now) break;
      this.#release(now);
    }
    if (this.#count === this.maxEntries) this.#release(now);
    const slot = (this.#head + this.#count) % this.maxEntries;
    this.#keys[slot] = key;
    this.#expiries[slot] = expiresAt;
    this.#slots.set(key, slot);
    this.#count++;
    return true;
  }

  /** Forgets every signature. */
  clear(): void {
    this.#slots.clear();
    this.#keys.fill(undefined);
    this.#head = 0;
    this.#count = 0;
  }

  /** Frees the oldest slot. */
  #release(now: number): void {
    const key = this.#keys[this.#head];
    if (key !== undefined) {
      if ((this.#expiries[this.#head] as number) > now) this.#evictions++;
      this.#slots.delete(key);
      this.#keys[this.#head] = undefined;
    }
    this.#head = (this.#head + 1) % this.maxEntries;
    this.#count--;
  }
}
