/**
 * Resolving keyIds to public keys over the network, with caching, negative caching, single-flight fetches and
 * rate-limited refresh for key rotation.
 *
 * @packageDocumentation
 */
import { KeyFetchError, KeyFetchOwnerMismatchError, KeyFetchRefusedUrlError, keyFetchErrorFor, type KeyFetchErrorCode } from './errors.js';
import { fetchKeyDocument, type FetchGuardOptions } from './fetch-guard.js';
import { MemoryKeyCache, type CachedKey, type KeyCacheEntry, type SharedKeyCache } from './key-cache.js';
import { extractKey, ownerListsKey, type KeyDocumentResolver } from './key-document.js';
import type { RemoteKeyKind } from './key-material.js';

/** Options of {@link RemoteKeys}: the fetch guard, the caches, refresh and document resolvers. */
export interface RemoteKeysOptions extends FetchGuardOptions {
  /** Most keys (and failures) kept in memory. Default 10,000. */
  maxEntries?: number | undefined;
  /** Shortest time a key is kept, seconds (also for `no-store`/`no-cache`). Default 60. */
  minTtl?: number | undefined;
  /** Longest time a key is kept, seconds, whatever `max-age` says. Default 86,400 (one day). */
  maxTtl?: number | undefined;
  /** How long a key is kept when the response has no `max-age`, seconds. Default 3600. */
  defaultTtl?: number | undefined;
  /** How long a failure is remembered (and answered without fetching), seconds. Default 60. */
  negativeTtl?: number | undefined;
  /** Least time between two fetches of one keyId caused by {@link RemoteKeys.refresh}, seconds. Default 60. */
  refreshInterval?: number | undefined;
  /**
   * For a key served as a document of its own (`{ id, owner, publicKeyPem }`), fetch the owner's document too and
   * require that it lists the key (as Mastodon does). Default true; `false` trusts the key document's `owner`
   * (still required on the keyId's origin).
   */
  confirmOwner?: boolean | undefined;
  /** A cache shared between processes, e.g. {@link RedisKeyCache}, behind the in-memory one. */
  sharedCache?: SharedKeyCache | undefined;
  /** Readers of document formats this package does not know. */
  resolvers?: readonly KeyDocumentResolver[] | undefined;
  /** The clock of the caches, Unix ms. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/** A key resolved for a keyId. */
export interface RemoteKey {
  /** The keyId. */
  keyId: string;
  /** The key type, which decides the algorithms. */
  kind: RemoteKeyKind;
  /** The public key, SPKI PEM. */
  pem: string;
  /** The actor that owns the key, when the document named one (check it against the activity's actor). */
  owner: string | undefined;
}

/** Longest keyId fetched, in characters. */
const MAX_KEY_ID_LENGTH = 2048;

function seconds(value: number | undefined, fallback: number, name: string): number {
  const s = value ?? fallback;
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) throw new RangeError(`${name} must be a finite number of seconds, 0 or more`);
  return s * 1000;
}

/** The outcome of one fetch: the entry to cache, and the error to throw to its callers. */
interface Outcome {
  entry: KeyCacheEntry;
  error: KeyFetchError | undefined;
}

const isKey = (entry: KeyCacheEntry): entry is CachedKey => !('error' in entry);

/**
 * Resolves keyIds (URLs) to public keys: fetched under the guard of {@link fetchKeyDocument}, read by
 * {@link extractKey}, kept in a bounded in-memory LRU (TTL from `Cache-Control: max-age`, clamped to
 * `minTtl`…`maxTtl`) and optionally a shared cache. Failures are remembered for `negativeTtl`. Concurrent
 * resolutions of one keyId share one fetch.
 *
 * One instance can back both schemes' lookups ({@link remoteKeyLookup} with `keys`).
 *
 * @example
 * ```ts
 * const keys = new RemoteKeys({ sharedCache: new RedisKeyCache({ client: redis }) })
 * const cavage = remoteKeyLookup({ keys })
 * const rfc9421 = remoteKeyLookup({ keys, scheme: 'rfc9421' })
 * ```
 */
export class RemoteKeys {
  readonly #options: RemoteKeysOptions;
  readonly #memory: MemoryKeyCache;
  readonly #shared: SharedKeyCache | undefined;
  readonly #inflight = new Map<string, Promise<Outcome>>();
  readonly #now: () => number;
  readonly #minTtl: number;
  readonly #maxTtl: number;
  readonly #defaultTtl: number;
  readonly #negativeTtl: number;
  readonly #refreshInterval: number;

  /**
   * @param options - guard, cache and refresh options.
   * @throws RangeError when a time or size option is out of range.
   */
  constructor(options: RemoteKeysOptions = {}) {
    this.#options = { ...options };
    this.#memory = new MemoryKeyCache({ maxEntries: options.maxEntries });
    this.#shared = options.sharedCache;
    this.#now = options.now ?? Date.now;
    this.#minTtl = seconds(options.minTtl, 60, 'minTtl');
    this.#maxTtl = seconds(options.maxTtl, 86_400, 'maxTtl');
    this.#defaultTtl = seconds(options.defaultTtl, 3600, 'defaultTtl');
    this.#negativeTtl = seconds(options.negativeTtl, 60, 'negativeTtl');
    this.#refreshInterval = seconds(options.refreshInterval, 60, 'refreshInterval');
    if (this.#maxTtl < this.#minTtl) throw new RangeError('maxTtl must not be less than minTtl');
  }

  /**
   * The key for `keyId`: from the cache, or fetched.
   *
   * @param keyId - the keyId (an http(s) URL; a `#fragment` names the key inside the document).
   * @returns the key, or `null` when the document has no key with that id.
   * @throws a {@link KeyFetchError} subclass when the key cannot be fetched or the document does not vouch for it
   *   (remembered for `negativeTtl`).
   */
  async resolve(keyId: string): Promise<RemoteKey | null> {
    let entry = this.#memory.get(keyId, this.#now());
    if (entry === undefined) {
      const outcome = await this.#singleFlight(keyId, true);
      if (outcome.error !== undefined) throw outcome.error;
      entry = outcome.entry;
    }
    if (isKey(entry)) return { keyId, kind: entry.kind, pem: entry.pem, owner: entry.owner };
    if (entry.error === 'ERR_UNKNOWN_KEY') return null;
    throw keyFetchErrorFor(entry.error, keyId);
  }

  /**
   * Fetches the key again after a signature failed with the cached one (the signer may have rotated its key),
   * unless the key was fetched less than `refreshInterval` ago: a stream of bad signatures causes at most one
   * fetch per keyId per interval. A failed refetch keeps the cached key (and counts for the interval).
   *
   * @param keyId - the keyId whose signature did not verify.
   * @returns true when a different key is now cached (verifying again may succeed), else false.
   */
  async refresh(keyId: string): Promise<boolean> {
    const now = this.#now();
    const cached = this.#memory.get(keyId, now);
    const before = cached !== undefined && isKey(cached) ? cached.pem : undefined;
    const shared = await this.#sharedGet(keyId, now);
    // Another process may have refreshed already: take its newer key without fetching.
    if (shared !== undefined && isKey(shared) && (cached === undefined || shared.fetchedAt > cached.fetchedAt)) {
      this.#memory.set(shared);
      if (shared.pem !== before) return true;
    }
    const latest = Math.max(cached?.fetchedAt ?? Number.NEGATIVE_INFINITY, shared?.fetchedAt ?? Number.NEGATIVE_INFINITY);
    if (now - latest < this.#refreshInterval) return false;
    const outcome = await this.#singleFlight(keyId, false);
    return isKey(outcome.entry) && outcome.entry.pem !== before;
  }

  /**
   * One fetch per keyId at a time; concurrent callers share it. `useShared`: a shared-cache entry may answer
   * instead of fetching (not when refreshing).
   */
  #singleFlight(keyId: string, useShared: boolean): Promise<Outcome> {
    const running = this.#inflight.get(keyId);
    if (running !== undefined) return running;
    const promise = (async (): Promise<Outcome> => {
      try {
        if (useShared) {
          const shared = await this.#sharedGet(keyId, this.#now());
          if (shared !== undefined) {
            this.#memory.set(shared);
            return { entry: shared, error: undefined };
          }
        }
        const outcome = await this.#fetch(keyId);
        await this.#store(outcome.entry);
        return outcome;
      } finally {
        this.#inflight.delete(keyId);
      }
    })();
    this.#inflight.set(keyId, promise);
    return promise;
  }

  /** Caches a fetch outcome; a failure does not replace a key that still works (it only counts the attempt). */
  async #store(entry: KeyCacheEntry): Promise<void> {
    if (!isKey(entry)) {
      const cached = this.#memory.get(entry.keyId, this.#now());
      if (cached !== undefined && isKey(cached)) {
        this.#memory.set({ ...cached, fetchedAt: entry.fetchedAt });
        return;
      }
    }
    this.#memory.set(entry);
    if (this.#shared !== undefined) await this.#shared.set(entry, this.#now()).catch(() => undefined);
  }

  /** The shared entry, its lifetime clamped to this process' own bounds (`maxTtl`, `negativeTtl`). */
  async #sharedGet(keyId: string, now: number): Promise<KeyCacheEntry | undefined> {
    if (this.#shared === undefined) return undefined;
    let entry: KeyCacheEntry | undefined;
    try { entry = await this.#shared.get(keyId, now); } catch { return undefined; }
    if (entry === undefined) return undefined;
    const longest = now + (isKey(entry) ? this.#maxTtl : this.#negativeTtl);
    return entry.expiresAt > longest ? { ...entry, expiresAt: longest } : entry;
  }

  /** Fetches and extracts; every outcome becomes an entry (a failure is a negative entry, with its error). */
  async #fetch(keyId: string): Promise<Outcome> {
    if (typeof keyId !== 'string' || keyId.length === 0 || keyId.length > MAX_KEY_ID_LENGTH) {
      return { entry: this.#failure(keyId, 'ERR_KEY_FETCH_REFUSED_URL'), error: new KeyFetchRefusedUrlError('The keyId is not a URL of accepted length', { keyId }) };
    }
    try {
      const document = await fetchKeyDocument(keyId, this.#options, keyId);
      const found = extractKey(document.json, { keyId, url: document.url }, this.#options.resolvers);
      if (found === null) return { entry: this.#failure(keyId, 'ERR_UNKNOWN_KEY'), error: undefined };
      if (found.standalone && found.owner !== undefined && this.#options.confirmOwner !== false) {
        // A key document only claims its owner: the owner's own document must list the key.
        const ownerDocument = await fetchKeyDocument(found.owner, this.#options, keyId);
        if (!ownerListsKey(ownerDocument.json, found.owner, keyId)) {
          throw new KeyFetchOwnerMismatchError('The key owner does not list the key', { keyId });
        }
      }
      const { maxAge, noStore } = document.cache;
      const ttl = noStore ? this.#minTtl : Math.min(this.#maxTtl, Math.max(this.#minTtl, maxAge === undefined ? this.#defaultTtl : maxAge * 1000));
      const now = this.#now();
      return { entry: { keyId, kind: found.material.kind, pem: found.material.pem, owner: found.owner, fetchedAt: now, expiresAt: now + ttl }, error: undefined };
    } catch (error) {
      if (!(error instanceof KeyFetchError)) throw error;
      // The callers of this fetch see the detailed error; later ones (from the cache) an error of the same code.
      return { entry: this.#failure(keyId, error.code), error };
    }
  }

  #failure(keyId: string, error: KeyFetchErrorCode | 'ERR_UNKNOWN_KEY'): KeyCacheEntry {
    const now = this.#now();
    return { keyId, error, fetchedAt: now, expiresAt: now + this.#negativeTtl };
  }
}
