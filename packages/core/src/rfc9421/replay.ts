/**
 * Replay protection through the `nonce` signature parameter (RFC 9421 §2.3, §7.2.2).
 * @packageDocumentation
 */

/**
 * Remembers nonces until the signature that carried them could no longer be accepted anyway. Back it with
 * Redis (`SET key 1 NX EXAT expiresAtSeconds`), a database, or {@link createMemoryReplayStore} for one process.
 */
export interface ReplayStore {
  /**
   * Records `key` if it is new.
   *
   * @param key - the keyid and nonce of a verified signature (opaque; store it as is).
   * @param expiresAtSeconds - Unix seconds after which the entry may be forgotten.
   * @returns `true` when the key was new and is now stored; `false` when it was seen before (a replay) or cannot
   * be stored (e.g. the store is full). Anything but `true` makes the verification fail: a store must never
   * accept a nonce it does not remember, nor forget one before `expiresAtSeconds`.
   */
  checkAndStore(key: string, expiresAtSeconds: number): Promise<boolean> | boolean;
}

/** Options of {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /**
   * Most entries kept. When full, expired entries are dropped; an entry is never dropped before it expires, so
   * while the store is still full every new nonce is refused (`false`, failing the verification closed).
   * Default 100 000.
   */
  maxEntries?: number | undefined;
  /** The clock, Unix milliseconds; default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * An in-process {@link ReplayStore} (a bounded map). Fine for one server process; use a shared store when
 * several processes verify the same clients. Entries live until their expiry; when the store is full of
 * unexpired entries it refuses new nonces (so size `maxEntries` for your peak rate × signature lifetime).
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
  const clock = options.now ?? Date.now;
  const entries = new Map<string, number>();
  // No entry expires before this (Unix seconds, a lower bound): a full store skips the sweep until then, so
  // refusing while full costs O(1) between sweeps.
  let earliestExpiry = Number.POSITIVE_INFINITY;
  return {
    checkAndStore(key: string, expiresAtSeconds: number): boolean {
      if (typeof expiresAtSeconds !== 'number' || Number.isNaN(expiresAtSeconds)) return false;
      const now = clock() / 1000;
      const seen = entries.get(key);
      if (seen !== undefined && seen >= now) return false;
      if (seen === undefined && entries.size >= maxEntries) {
        if (earliestExpiry >= now) return false;
        earliestExpiry = Number.POSITIVE_INFINITY;
        for (const [k, expiry] of entries) {
          if (expiry < now) entries.delete(k);
          else if (expiry < earliestExpiry) earliestExpiry = expiry;
        }
        // Still full of live entries: dropping one would let its nonce be replayed. Refuse instead.
        if (entries.size >= maxEntries) return false;
      }
      entries.delete(key);
      entries.set(key, expiresAtSeconds);
      if (expiresAtSeconds < earliestExpiry) earliestExpiry = expiresAtSeconds;
      return true;
    },
  };
}
