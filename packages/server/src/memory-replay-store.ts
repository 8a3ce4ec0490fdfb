/**
 * The bounded in-memory replay store (one process).
 *
 * @packageDocumentation
 */
import { ReplayStoreUnavailableError } from './errors.js';
import type { ReplayStore } from './types.js';

/** Options of {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most signatures remembered at once. Default 100,000 (about 15 MB). */
  maxEntries?: number | undefined;
}

/** Default capacity of {@link MemoryReplayStore}. */
export const DEFAULT_MAX_REPLAY_ENTRIES = 100_000;

/**
 * Remembers verified signatures in this process until their validity window ends, in a fixed-size binary
 * min-heap ordered by expiry and indexed by a `Map`: an operation is O(log n) at worst (O(1) in the usual
 * case of expiries arriving in order) and memory never grows past `maxEntries`.
 *
 * Expired entries are dropped as new ones arrive, soonest-expiring first. An unexpired entry is never
 * forgotten early: when every slot holds an unexpired signature, {@link MemoryReplayStore.add} throws
 * (the verifier answers 503 `ERR_REPLAY_STORE_UNAVAILABLE`, failing closed) and the refusal is counted in
 * {@link MemoryReplayStore.rejections}. Size the store for your peak rate of distinct signatures times the
 * validity window (up to 2 × clock skew for `Date`-bounded signatures, longer for a signed `expires`).
 *
 * @example
 * ```ts
 * app.use(expressMiddleware({ keyLookup, replay: new MemoryReplayStore({ maxEntries: 500_000 }) }))
 * ```
 */
export class MemoryReplayStore implements ReplayStore {
  /** The capacity. */
  readonly maxEntries: number;
  /** Heap position of each key. */
  readonly #positions = new Map<string, number>();
  /** Heap of keys; `#expiries[i]` is the expiry of `#keys[i]`; the root (0) expires first. */
  readonly #keys: (string | undefined)[];
  readonly #expiries: Float64Array;
  #size = 0;
  #rejections = 0;

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
    return this.#size;
  }

  /** How many new signatures were refused (with an error) because the store was full of unexpired ones. */
  get rejections(): number {
    return this.#rejections;
  }

  /**
   * Records `key` until `expiresAt` unless it is remembered and unexpired.
   *
   * @param key - the replay key.
   * @param expiresAt - end of the validity window, Unix ms (the key is refused while `now < expiresAt`).
   * @param now - current time, Unix ms.
   * @returns true when new, false on a replay.
   * @throws ReplayStoreUnavailableError (`ERR_REPLAY_STORE_UNAVAILABLE`) when the key is new but every slot
   *   holds an unexpired signature: nothing is forgotten early, so the request must be refused.
   */
  add(key: string, expiresAt: number, now: number): boolean {
    const existing = this.#positions.get(key);
    if (existing !== undefined) {
      if ((this.#expiries[existing] as number) > now) return false;
      // Expired: record anew in the same slot and restore the heap order.
      this.#expiries[existing] = expiresAt;
      this.#siftDown(this.#siftUp(existing));
      return true;
    }
    // Drop up to two expired entries, so that an idle-then-busy store sheds stale keys as it goes.
    for (let i = 0; i < 2 && this.#size > 0 && (this.#expiries[0] as number) <= now; i++) this.#removeRoot();
    if (this.#size === this.maxEntries) {
      if ((this.#expiries[0] as number) > now) {
        this.#rejections++;
        throw new ReplayStoreUnavailableError({ cause: new Error('The in-memory replay store is full of unexpired signatures') });
      }
      this.#removeRoot();
    }
    const slot = this.#size++;
    this.#keys[slot] = key;
    this.#expiries[slot] = expiresAt;
    this.#positions.set(key, slot);
    this.#siftUp(slot);
    return true;
  }

  /** Forgets every signature. */
  clear(): void {
    this.#positions.clear();
    this.#keys.fill(undefined);
    this.#size = 0;
  }

  /** Removes the soonest-expiring entry. */
  #removeRoot(): void {
    this.#positions.delete(this.#keys[0] as string);
    const last = --this.#size;
    if (last > 0) this.#place(0, this.#keys[last] as string, this.#expiries[last] as number);
    this.#keys[last] = undefined;
    if (last > 0) this.#siftDown(0);
  }

  /** Puts an entry at a heap position. */
  #place(position: number, key: string, expiry: number): void {
    this.#keys[position] = key;
    this.#expiries[position] = expiry;
    this.#positions.set(key, position);
  }

  /** Moves the entry at `position` towards the root while it expires before its parent; returns where it ends. */
  #siftUp(position: number): number {
    const key = this.#keys[position] as string;
    const expiry = this.#expiries[position] as number;
    let at = position;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const parentExpiry = this.#expiries[parent] as number;
      if (parentExpiry <= expiry) break;
      this.#place(at, this.#keys[parent] as string, parentExpiry);
      at = parent;
    }
    if (at !== position) this.#place(at, key, expiry);
    return at;
  }

  /** Moves the entry at `position` away from the root while a child expires before it. */
  #siftDown(position: number): void {
    const key = this.#keys[position] as string;
    const expiry = this.#expiries[position] as number;
    const size = this.#size;
    let at = position;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && (this.#expiries[right] as number) < (this.#expiries[left] as number) ? right : left;
      const childExpiry = this.#expiries[child] as number;
      if (childExpiry >= expiry) break;
      this.#place(at, this.#keys[child] as string, childExpiry);
      at = child;
    }
    if (at !== position) this.#place(at, key, expiry);
  }
}
