/**
 * Replay protection for both schemes: each verified signature is recorded once (RFC 9421 §7.2.2).
 * @packageDocumentation
 */

/**
 * Remembers verified signatures until they could no longer be accepted anyway. Back it with Redis
 * (`SET key 1 NX EXAT expiresAtSeconds`), a database, or {@link createMemoryReplayStore} for one process.
 */
export interface ReplayStore {
  /**
   * Records `key` if it is new.
   *
   * @param key - the record of a verified signature: a hash of the identity of the key that verified it and of
   *   the signed content (opaque, 43 characters; store it as is).
   * @param expiresAtSeconds - the last Unix second the signature is acceptable: the entry may be forgotten after it.
   * @param owner - the identity of the key that verified (a one-way fingerprint, never key material), so that a
   *   store can give each key a share of its capacity.
   * @returns `true` when the key was new and is now stored; `false` when it was seen before (a replay) or cannot
   * be stored (e.g. the store, or the key's share of it, is full). Anything but `true` makes the verification
   * fail: a store must never accept a signature it does not remember, nor forget one before `expiresAtSeconds`.
   */
  checkAndStore(key: string, expiresAtSeconds: number, owner?: string): Promise<boolean> | boolean;
}

/** Options of {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /**
   * Most entries kept. When full, expired entries are dropped; an entry is never dropped before it expires, so
   * while the store is still full every new nonce is refused (`false`, failing the verification closed).
   * Default 100 000.
   */
  maxEntries?: number | undefined;
  /**
   * Most entries one key (one `owner`) may hold, so that one key holder cannot fill the store for everyone:
   * over it, that key's new signatures are refused while the others still are recorded. Default a quarter of
   * `maxEntries` (at least 1).
   */
  maxEntriesPerKey?: number | undefined;
  /** The clock, Unix milliseconds; default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * An in-process {@link ReplayStore} (a bounded map). Fine for one server process; use a shared store when
 * several processes verify the same clients. Entries live until their expiry; when the store is full of
 * unexpired entries, or one key's share of it is, it refuses new signatures (so size `maxEntries` for your peak
 * rate × signature lifetime).
 *
 * @param options - capacity and clock.
 * @returns the store.
 * @example
 * ```ts
 * const replayStore = createMemoryReplayStore()
 * await verifyRfc9421(request, { keyLookup, replayStore })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9421#section-7.2.2
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  const perKey = options.maxEntriesPerKey ?? Math.max(1, Math.floor(maxEntries / 4));
  if (!Number.isInteger(perKey) || perKey < 1) throw new RangeError('maxEntriesPerKey must be a positive integer');
  const clock = options.now ?? Date.now;
  const entries = new Map<string, { expiry: number; owner: string | undefined }>();
  // Live-or-unswept entries per owner (calls without an owner are bounded by `maxEntries` only).
  const held = new Map<string, number>();
  const overShare = (owner: string | undefined): boolean => owner !== undefined && (held.get(owner) ?? 0) >= perKey;
  const forget = (key: string, owner: string | undefined): void => {
    entries.delete(key);
    if (owner === undefined) return;
    const count = (held.get(owner) ?? 1) - 1;
    if (count === 0) held.delete(owner);
    else held.set(owner, count);
  };
  // No entry expires before this (Unix seconds, a lower bound): a full store skips the sweep until then, so
  // refusing while full costs O(1) between sweeps.
  let earliestExpiry = Number.POSITIVE_INFINITY;
  return {
    checkAndStore(key: string, expiresAtSeconds: number, owner?: string): boolean {
      if (typeof expiresAtSeconds !== 'number' || Number.isNaN(expiresAtSeconds)) return false;
      const now = clock() / 1000;
      const seen = entries.get(key);
      if (seen !== undefined && seen.expiry >= now) return false;
      const sweep = (): void => {
        earliestExpiry = Number.POSITIVE_INFINITY;
        for (const [k, entry] of entries) {
          if (entry.expiry < now) forget(k, entry.owner);
          else if (entry.expiry < earliestExpiry) earliestExpiry = entry.expiry;
        }
      };
      if (seen === undefined && (entries.size >= maxEntries || overShare(owner))) {
        if (earliestExpiry >= now) return false;
        sweep();
        // Still full of live entries (or this key's share is): dropping one would let it be replayed. Refuse.
        if (entries.size >= maxEntries || overShare(owner)) return false;
      }
      if (seen !== undefined) forget(key, seen.owner);
      entries.set(key, { expiry: expiresAtSeconds, owner });
      if (owner !== undefined) held.set(owner, (held.get(owner) ?? 0) + 1);
      if (expiresAtSeconds < earliestExpiry) earliestExpiry = expiresAtSeconds;
      return true;
    },
  };
}
