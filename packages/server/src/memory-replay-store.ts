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
  /**
   * Most signatures one key may have remembered at once, so that one key holder cannot fill the store for
   * everyone: over it, that key's new signatures are refused (503) while other keys' are still recorded.
   * Default a quarter of `maxEntries` (at least 1).
   */
  maxEntriesPerKey?: number | undefined;
}

/** Default capacity of {@link MemoryReplayStore}. */
export const DEFAULT_MAX_REPLAY_ENTRIES = 100_000;

/**
 * Remembers verified signatures in this process until their validity window ends, in a fixed-size binary
 * min-heap ordered by expiry and indexed by a `Map`: an operation is O(log n) at worst (O(1) in the usual
 * case of expiries arriving in order) and memory never grows past `maxEntries`.
 *
 * Expired entries are dropped as new ones arrive, soonest-expiring first. An unexpired entry is never
 * forgotten early: when every slot holds an unexpired signature, or the signing key already holds its share
 * (`maxEntriesPerKey`), {@link MemoryReplayStore.add} throws (the verifier answers 503
 * `ERR_REPLAY_STORE_UNAVAILABLE`, failing closed) and the refusal is counted in {@link MemoryReplayStore.rejections}. Size the store for your peak rate of distinct signatures times the
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
  /** The most entries one key may hold. */
  readonly maxEntriesPerKey: number;
  /** The owner (key identity) of each entry that has one. */
  readonly #ownerOf = new Map<string, string>();
  /** How many entries each owner holds. */
  readonly #held = new Map<string, number>();
  /** Heap position of each key. */
  readonly #positions = new Map<string, number>();
  /** Heap of keys; `#expiries[i]` is the expiry of `#keys[i]`; the root (0) expires first. */
  readonly #keys: (string | undefined)[];
  readonly #expiries: Float64Array;
  #size = 0;
  #rejections = 0;

  /**
   * @param options - the capacity and the per-key share.
   * @throws RangeError when `maxEntries` or `maxEntriesPerKey` is not a positive integer.
   */
  constructor(options: MemoryReplayStoreOptions = {}) {
    const max = options.maxEntries ?? DEFAULT_MAX_REPLAY_ENTRIES;
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('maxEntries must be a positive integer');
    const perKey = options.maxEntriesPerKey ?? Math.max(1, Math.floor(max / 4));
    if (!Number.isSafeInteger(perKey) || perKey < 1) throw new RangeError('maxEntriesPerKey must be a positive integer');
    this.maxEntries = max;
    this.maxEntriesPerKey = perKey;
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
   * @param owner - the identity of the key that signed, for its share of the store.
   * @returns true when new, false on a replay.
   * @throws ReplayStoreUnavailableError (`ERR_REPLAY_STORE_UNAVAILABLE`) when the key is new but every slot
   *   holds an unexpired signature, or the owner holds its share: nothing is forgotten early, so the request
   *   must be refused.
   */
  add(key: string, expiresAt: number, now: number, owner?: string): boolean {
    const existing = this.#positions.get(key);
    if (existing !== undefined) {
      if ((this.#expiries[existing] as number) > now) return false;
      // Expired: record anew in the same slot and restore the heap order.
      this.#release(key);
      this.#claim(key, owner);
      this.#expiries[existing] = expiresAt;
      this.#siftDown(this.#siftUp(existing));
      return true;
    }
    // Drop up to two expired entries, so that an idle-then-busy store sheds stale keys as it goes.
    for (let i = 0; i < 2 && this.#size > 0 && (this.#expiries[0] as number) <= now; i++) this.#removeRoot();
    if (owner !== undefined && (this.#held.get(owner) ?? 0) >= this.maxEntriesPerKey) {
      // Its expired entries may sit anywhere: drop every expired one (soonest first), then look again.
      while (this.#size > 0 && (this.#expiries[0] as number) <= now) this.#removeRoot();
      if ((this.#held.get(owner) ?? 0) >= this.maxEntriesPerKey) {
        this.#rejections++;
        throw new ReplayStoreUnavailableError({ cause: new Error('This key holds its share of the in-memory replay store') });
      }
    }
    if (this.#size === this.maxEntries) {
      if ((this.#expiries[0] as number) > now) {
        this.#rejections++;
        throw new ReplayStoreUnavailableError({ cause: new Error('The in-memory replay store is full of unexpired signatures') });
      }
      this.#removeRoot();
    }
    const slot = this.#size++;
    this.#claim(key, owner);
    this.#keys[slot] = key;
    this.#expiries[slot] = expiresAt;
    this.#positions.set(key, slot);
    this.#siftUp(slot);
    return true;
  }

  /** Forgets every signature. */
  clear(): void {
    this.#positions.clear();
    this.#ownerOf.clear();
    this.#held.clear();
    this.#keys.fill(undefined);
    this.#size = 0;
  }

  /** Counts an entry against its owner's share. */
  #claim(key: string, owner: string | undefined): void {
    if (owner === undefined) return;
    this.#ownerOf.set(key, owner);
    this.#held.set(owner, (this.#held.get(owner) ?? 0) + 1);
  }

  /** Gives an entry's place in its owner's share back. */
  #release(key: string): void {
    const owner = this.#ownerOf.get(key);
    if (owner === undefined) return;
    this.#ownerOf.delete(key);
    const count = (this.#held.get(owner) ?? 1) - 1;
    if (count === 0) this.#held.delete(owner);
    else this.#held.set(owner, count);
  }

  /** Removes the soonest-expiring entry. */
  #removeRoot(): void {
    this.#release(this.#keys[0] as string);
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
