/**
 * Replay protection for both schemes: each verified signature is recorded once (RFC 9421 §7.2.2). The one
 * {@link ReplayStore} contract, and {@link MemoryReplayStore}, the bounded in-process store.
 * @packageDocumentation
 */
import { ReplayStoreUnavailableError } from './errors.js';

/**
 * What a verifier asks a {@link ReplayStore} to remember: one verified signature. Times are Unix milliseconds,
 * on the verifier's clock.
 */
export interface ReplayEntry {
  /**
   * The record of the verified signature: a one-way hash (SHA-256, base64url, 43 characters) of the identity of
   * the key that verified it and of the exact signed content. Never key material; store it as is.
   */
  readonly key: string;
  /**
   * The identity of the key that verified (a one-way fingerprint, 43 characters), so that a store can give each
   * key a share of its capacity and one key holder cannot fill it for everyone.
   */
  readonly owner: string;
  /**
   * The first Unix millisecond at which the signature can no longer be accepted: the record must be kept while
   * `now < expiresAt`, and may be forgotten from then on.
   */
  readonly expiresAt: number;
  /** The verifier's current time, Unix milliseconds (what the signature's times were checked against). */
  readonly now: number;
}

/**
 * What {@link ReplayStore.record} answers: `'stored'` when the signature was new and is now remembered (accept),
 * `'replayed'` when it is remembered already and not expired (refuse, `ERR_SIGNATURE_REPLAYED`).
 */
export type ReplayOutcome = 'stored' | 'replayed';

/**
 * Remembers verified signatures until they could no longer be accepted anyway, so that each is accepted once.
 * One contract for both schemes, core `verify`/`verifyRfc9421` and `@httpsig/server`: implemented by
 * {@link MemoryReplayStore} (one process) and `RedisReplayStore` from `@httpsig/server` (a fleet), or by your
 * own (a database: an atomic insert-if-absent with a TTL).
 *
 * Fail closed: a store must never answer `'stored'` for a signature it will not remember until `expiresAt`, nor
 * forget one earlier (no eviction of live records). When it cannot answer — it is full, the key's share is full,
 * its backend is down or slow — it throws (ideally a {@link ReplayStoreUnavailableError}): the verification then
 * fails with `ERR_REPLAY_STORE_UNAVAILABLE` (the server answers 503), whatever was thrown becoming its `cause`.
 *
 * @example
 * ```ts
 * // A database-backed store: INSERT … ON CONFLICT DO NOTHING, expired rows purged by a job.
 * const replayStore: ReplayStore = {
 *   async record({ key, owner, expiresAt }) {
 *     const inserted = await db.insertIfAbsent('replay', { key, owner, expiresAt })
 *     return inserted ? 'stored' : 'replayed'
 *   },
 * }
 * ```
 */
export interface ReplayStore {
  /**
   * Atomically records `entry.key` unless it is recorded and unexpired (checking and recording are one step,
   * across every process that shares the store).
   *
   * @param entry - the record key, its owner, when it may be forgotten, and the verifier's clock.
   * @returns `'stored'` (or a promise of it) when the key was new and is now kept until `entry.expiresAt`;
   *   `'replayed'` when it is already kept.
   * @throws anything when it cannot record the key (full, over the owner's share, unreachable, timed out):
   *   verification fails closed with {@link ReplayStoreUnavailableError}.
   */
  record(entry: ReplayEntry): ReplayOutcome | Promise<ReplayOutcome>;
}

/** Options of {@link MemoryReplayStore} and {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most signatures remembered at once. Default {@link DEFAULT_MAX_REPLAY_ENTRIES} (about 15 MB). */
  maxEntries?: number | undefined;
  /**
   * Most signatures one key (one `owner`) may have remembered at once, so that one key holder cannot fill the
   * store for everyone: over it, that key's new signatures are refused (`ERR_REPLAY_STORE_UNAVAILABLE`) while the
   * other keys' are still recorded. Default a quarter of `maxEntries` (at least 1).
   */
  maxEntriesPerKey?: number | undefined;
}

/** Default capacity of {@link MemoryReplayStore}: 100 000 signatures. */
export const DEFAULT_MAX_REPLAY_ENTRIES = 100_000;

/**
 * Remembers verified signatures in this process (Node.js, browsers, workers) until they expire, in a fixed-size
 * binary min-heap ordered by expiry and indexed by a `Map`: a record is O(log n) at worst (O(1) in the usual case
 * of expiries arriving in order), nothing is ever swept, and memory never grows past `maxEntries`.
 *
 * Expired entries are dropped as new ones arrive, soonest-expiring first. An unexpired entry is never forgotten
 * early: when every slot holds an unexpired signature, or the signing key already holds its share
 * (`maxEntriesPerKey`), {@link MemoryReplayStore.record} throws {@link ReplayStoreUnavailableError} (fail closed;
 * a server answers 503) and counts the refusal in {@link MemoryReplayStore.rejections}. Size it for your peak rate
 * of distinct signatures times their validity window. Use a shared store (Redis) when several processes verify
 * the same clients.
 *
 * @example
 * ```ts
 * const replayStore = new MemoryReplayStore({ maxEntries: 500_000 })
 * await verifyRfc9421(request, { keyLookup, replayStore })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9421#section-7.2.2
 */
export class MemoryReplayStore implements ReplayStore {
  /** The capacity. */
  readonly maxEntries: number;
  /** The most entries one key may hold. */
  readonly maxEntriesPerKey: number;
  /** How many entries each owner holds. */
  readonly #held = new Map<string, number>();
  /** Heap position of each key. */
  readonly #positions = new Map<string, number>();
  /** Heap of keys; `#expiries[i]` and `#owners[i]` are the expiry and owner of `#keys[i]`; the root (0) expires first. */
  readonly #keys: (string | undefined)[];
  readonly #owners: (string | undefined)[];
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
    this.#owners = new Array<string | undefined>(max);
    this.#expiries = new Float64Array(max);
  }

  /** How many signatures are remembered now (expired ones not yet dropped included). */
  get size(): number {
    return this.#size;
  }

  /** How many new signatures were refused (with an error) because the store, or the key's share, was full. */
  get rejections(): number {
    return this.#rejections;
  }

  /**
   * Records `entry.key` until `entry.expiresAt` unless it is remembered and unexpired.
   *
   * @param entry - the record key, its owner, its expiry and the verifier's clock (Unix ms).
   * @returns `'stored'` when new, `'replayed'` when remembered and unexpired.
   * @throws {@link ReplayStoreUnavailableError} `ERR_REPLAY_STORE_UNAVAILABLE` when the key is new but every slot
   *   holds an unexpired signature, or the owner holds its share: nothing is forgotten early, so the signature
   *   must be refused.
   * @throws TypeError when `expiresAt` or `now` is not a number.
   */
  record(entry: ReplayEntry): ReplayOutcome {
    const { key, owner, expiresAt, now } = entry;
    if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt) || typeof now !== 'number' || Number.isNaN(now)) {
      throw new TypeError('A replay entry needs numeric expiresAt and now');
    }
    const existing = this.#positions.get(key);
    if (existing !== undefined) {
      if ((this.#expiries[existing] as number) > now) return 'replayed';
      if (this.#owners[existing] === owner) {
        // Expired, same owner (its share is unchanged): record anew in the same slot and restore the heap order.
        this.#expiries[existing] = expiresAt;
        this.#siftDown(this.#siftUp(existing));
        return 'stored';
      }
      // Expired, under another owner: drop it, and record the key as a new one (checked against its owner's share).
      this.#removeAt(existing);
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
    this.#claim(owner);
    this.#keys[slot] = key;
    this.#owners[slot] = owner;
    this.#expiries[slot] = expiresAt;
    this.#positions.set(key, slot);
    this.#siftUp(slot);
    return 'stored';
  }

  /** Forgets every signature. */
  clear(): void {
    this.#positions.clear();
    this.#held.clear();
    this.#keys.fill(undefined);
    this.#owners.fill(undefined);
    this.#size = 0;
  }

  /** Counts an entry against its owner's share (an entry without an owner counts against `maxEntries` only). */
  #claim(owner: string | undefined): void {
    if (owner === undefined) return;
    this.#held.set(owner, (this.#held.get(owner) ?? 0) + 1);
  }

  /** Gives an entry's place in its owner's share back. */
  #release(owner: string | undefined): void {
    if (owner === undefined) return;
    const count = (this.#held.get(owner) ?? 1) - 1;
    if (count === 0) this.#held.delete(owner);
    else this.#held.set(owner, count);
  }

  /** Removes the entry at a heap position, and restores the heap order. */
  #removeAt(position: number): void {
    this.#release(this.#owners[position]);
    this.#positions.delete(this.#keys[position] as string);
    const last = --this.#size;
    if (position !== last) {
      this.#place(position, this.#keys[last] as string, this.#expiries[last] as number, this.#owners[last]);
      this.#siftDown(this.#siftUp(position));
    }
    this.#keys[last] = undefined;
    this.#owners[last] = undefined;
  }

  /** Removes the soonest-expiring entry. */
  #removeRoot(): void {
    this.#release(this.#owners[0]);
    this.#positions.delete(this.#keys[0] as string);
    const last = --this.#size;
    if (last > 0) this.#place(0, this.#keys[last] as string, this.#expiries[last] as number, this.#owners[last]);
    this.#keys[last] = undefined;
    this.#owners[last] = undefined;
    if (last > 0) this.#siftDown(0);
  }

  /** Puts an entry at a heap position. */
  #place(position: number, key: string, expiry: number, owner: string | undefined): void {
    this.#keys[position] = key;
    this.#owners[position] = owner;
    this.#expiries[position] = expiry;
    this.#positions.set(key, position);
  }

  /** Moves the entry at `position` towards the root while it expires before its parent; returns where it ends. */
  #siftUp(position: number): number {
    const key = this.#keys[position] as string;
    const expiry = this.#expiries[position] as number;
    const owner = this.#owners[position];
    let at = position;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const parentExpiry = this.#expiries[parent] as number;
      if (parentExpiry <= expiry) break;
      this.#place(at, this.#keys[parent] as string, parentExpiry, this.#owners[parent]);
      at = parent;
    }
    if (at !== position) this.#place(at, key, expiry, owner);
    return at;
  }

  /** Moves the entry at `position` away from the root while a child expires before it. */
  #siftDown(position: number): void {
    const key = this.#keys[position] as string;
    const expiry = this.#expiries[position] as number;
    const owner = this.#owners[position];
    const size = this.#size;
    let at = position;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && (this.#expiries[right] as number) < (this.#expiries[left] as number) ? right : left;
      const childExpiry = this.#expiries[child] as number;
      if (childExpiry >= expiry) break;
      this.#place(at, this.#keys[child] as string, childExpiry, this.#owners[child]);
      at = child;
    }
    if (at !== position) this.#place(at, key, expiry, owner);
  }
}

/**
 * A {@link MemoryReplayStore}: the bounded in-process store (kept for existing callers; `new MemoryReplayStore()`
 * is the same).
 *
 * @param options - capacity and per-key share.
 * @returns the store.
 * @throws RangeError when `maxEntries` or `maxEntriesPerKey` is not a positive integer.
 * @example
 * ```ts
 * const replayStore = createMemoryReplayStore()
 * await verifyRfc9421(request, { keyLookup, replayStore })
 * ```
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): MemoryReplayStore {
  return new MemoryReplayStore(options);
}
