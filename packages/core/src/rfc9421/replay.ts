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
   * @returns `true` when the key was new (and is now stored), `false` when it was seen before (a replay).
   */
  checkAndStore(key: string, expiresAtSeconds: number): Promise<boolean> | boolean;
}

/** Options of {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most entries kept; when full, expired entries are dropped, then the oldest. Default 100 000. */
  maxEntries?: number | undefined;
  /** The clock, Unix milliseconds; default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * An in-process {@link ReplayStore} (a bounded map). Fine for one server process; use a shared store when
 * several processes verify the same clients.
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
  return {
    checkAndStore(key: string, expiresAtSeconds: number): boolean {
      const now = clock() / 1000;
      const seen = entries.get(key);
      if (seen !== undefined && seen >= now) return false;
      if (entries.size >= maxEntries) {
        for (const [k, expiry] of entries) if (expiry < now) entries.delete(k);
        // Still full: drop the oldest insertions (Map iterates in insertion order).
        for (const k of entries.keys()) {
          if (entries.size < maxEntries) break;
          entries.delete(k);
        }
      }
      entries.delete(key);
      entries.set(key, expiresAtSeconds);
      return true;
    },
  };
}
