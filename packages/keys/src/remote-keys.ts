/**
 * Resolving keyIds to public keys over the network, with caching, negative caching, single-flight fetches and
 * rate-limited refresh for key rotation.
 *
 * @packageDocumentation
 */
import {
  DEFAULT_MAX_TTL, DEFAULT_MIN_TTL, DEFAULT_NEGATIVE_TTL, DEFAULT_REFRESH_INTERVAL, DEFAULT_TTL, cacheTimes, ttlOf, type CacheTimes,
} from './cache-ttl.js';
import { KeyFetchError, KeyFetchOwnerMismatchError, KeyFetchRefusedUrlError, keyFetchErrorFor, type KeyFetchErrorCode } from './errors.js';
import { FetchBudget, type FetchBudgetOptions } from './fetch-budget.js';
import { checkKeyUrl, fetchKeyDocument, type FetchedDocument, type FetchGuardOptions } from './fetch-guard.js';
import { DEFAULT_MAX_FAILURES_PER_ORIGIN, MemoryKeyCache, type CachedKey, type KeyCacheEntry, type SharedKeyCache } from './key-cache.js';
import { documentIdOf, extractKey, ownerListsKey, type KeyDocumentResolver } from './key-document.js';
import type { RemoteKeyKind } from './key-material.js';
import { BoundedLru } from './lru.js';

/** Options of {@link RemoteKeys}: the fetch guard, the caches, refresh and document resolvers. */
export interface RemoteKeysOptions extends FetchGuardOptions, FetchBudgetOptions {
  /** Most keys (and failures) kept in memory. Default 10,000. */
  maxEntries?: number | undefined;
  /** Most failures kept in memory per origin of the keyId (the oldest goes first). Default {@link DEFAULT_MAX_FAILURES_PER_ORIGIN} (100). */
  maxFailuresPerOrigin?: number | undefined;
  /**
   * Most fetched documents kept in memory, by URL without fragment: keyIds that differ only in their fragment
   * share one fetch. Default 1000.
   */
  maxDocuments?: number | undefined;
  /** Most bytes of fetched documents kept in memory. Default 16 MiB. */
  maxDocumentBytes?: number | undefined;
  /** Shortest time a key is kept, seconds (also for `no-store`/`no-cache`). Default {@link DEFAULT_MIN_TTL} (60). */
  minTtl?: number | undefined;
  /** Longest time a key is kept, seconds, whatever `max-age` says. Default {@link DEFAULT_MAX_TTL} (one day). */
  maxTtl?: number | undefined;
  /** How long a key is kept when the response has no `max-age`, seconds. Default {@link DEFAULT_TTL} (one hour). */
  defaultTtl?: number | undefined;
  /** How long a failure is remembered (and answered without fetching), seconds. Default {@link DEFAULT_NEGATIVE_TTL} (60). */
  negativeTtl?: number | undefined;
  /**
   * Least time between two fetches of one keyId caused by {@link RemoteKeys.refresh}, seconds. Default
   * {@link DEFAULT_REFRESH_INTERVAL} (60).
   */
  refreshInterval?: number | undefined;
  /**
   * For a key served as a document of its own (`{ id, owner, publicKeyPem }`, or a resolver's key with an owner),
   * fetch the owner's document too and require that it lists the key (as Mastodon does). Default true; with
   * `false` the owner's document is not fetched and the key is resolved WITHOUT an owner (`owner` undefined): an
   * unconfirmed claim never names an actor.
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


/** The outcome of one fetch: the entry to cache (none for a refusal by the budget), and the error to throw. */
interface Outcome {
  entry: KeyCacheEntry | undefined;
  error: KeyFetchError | undefined;
}

/** A fetched document as cached by its URL. */
interface DocumentHit {
  document: FetchedDocument;
  fetchedAt: number;
  expiresAt: number;
}

/** A document cache entry: the document, or the code its fetch failed with. */
type DocumentEntry = DocumentHit | { error: KeyFetchErrorCode; fetchedAt: number; expiresAt: number };

/** Default {@link RemoteKeysOptions.maxDocuments}. */
const DEFAULT_MAX_DOCUMENTS = 1000;
/** Default {@link RemoteKeysOptions.maxDocumentBytes}. */
const DEFAULT_MAX_DOCUMENT_CACHE_BYTES = 16 * 1024 * 1024;

function originOf(url: string): string | undefined {
  try { return new URL(url).origin; } catch { return undefined; }
}

function withoutFragment(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    return parsed.href;
  } catch { return undefined; }
}

const isKey = (entry: KeyCacheEntry): entry is CachedKey => !('error' in entry);

/**
 * Resolves keyIds (URLs) to public keys: fetched under the guard of {@link fetchKeyDocument}, read by
 * {@link extractKey}, kept in a bounded in-memory LRU (TTL from `Cache-Control: max-age`, clamped to
 * `minTtl`…`maxTtl`) and optionally a shared cache. Fetched documents are cached by URL without fragment, so
 * keyIds that differ only in their fragment share one fetch. Failures are remembered for `negativeTtl` (a bounded
 * number per origin). Concurrent resolutions of one keyId (and fetches of one URL) share one fetch. Fetches are
 * bounded per origin per window and in number at once (`fetchesPerOrigin`, `fetchWindow`, `maxConcurrentFetches`).
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
  readonly #documents: BoundedLru<DocumentEntry>;
  readonly #documentFlights = new Map<string, Promise<DocumentHit>>();
  readonly #budget: FetchBudget;
  readonly #now: () => number;
  readonly #times: CacheTimes;

  /**
   * @param options - guard, cache and refresh options.
   * @throws RangeError when a time or size option is out of range.
   */
  constructor(options: RemoteKeysOptions = {}) {
    this.#options = { ...options };
    this.#memory = new MemoryKeyCache({ maxEntries: options.maxEntries, maxFailuresPerOrigin: options.maxFailuresPerOrigin });
    this.#shared = options.sharedCache;
    this.#now = options.now ?? Date.now;
    const maxDocuments = options.maxDocuments ?? DEFAULT_MAX_DOCUMENTS;
    if (!Number.isInteger(maxDocuments) || maxDocuments < 1) throw new RangeError('maxDocuments must be a positive integer');
    const maxDocumentBytes = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_CACHE_BYTES;
    if (!Number.isInteger(maxDocumentBytes) || maxDocumentBytes < 1) throw new RangeError('maxDocumentBytes must be a positive integer');
    this.#documents = new BoundedLru<DocumentEntry>({
      maxEntries: maxDocuments,
      maxBytes: maxDocumentBytes,
      maxFailuresPerOrigin: options.maxFailuresPerOrigin ?? DEFAULT_MAX_FAILURES_PER_ORIGIN,
      sizeOf: (entry) => ('document' in entry ? entry.document.bytes : 0),
      isFailure: (entry) => 'error' in entry,
      expiresAt: (entry) => entry.expiresAt,
    });
    this.#budget = new FetchBudget(options, this.#now);
    this.#times = cacheTimes(options);
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
      if (outcome.entry === undefined) return null;
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
    if (now - latest < this.#times.refreshInterval) return false;
    const outcome = await this.#singleFlight(keyId, false);
    return outcome.entry !== undefined && isKey(outcome.entry) && outcome.entry.pem !== before;
  }

  /**
   * One fetch per keyId at a time; concurrent callers share it. `useShared`: a shared-cache entry (and a cached
   * document) may answer instead of fetching (not when refreshing).
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
        const outcome = await this.#fetch(keyId, !useShared);
        if (outcome.entry !== undefined) await this.#store(outcome.entry);
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
    const longest = now + (isKey(entry) ? this.#times.maxTtl : this.#times.negativeTtl);
    return entry.expiresAt > longest ? { ...entry, expiresAt: longest } : entry;
  }

  /**
   * Fetches and extracts; every outcome becomes an entry (a failure is a negative entry, with its error), except a
   * refusal by the fetch budget, which is not remembered. `fresh`: fetch every document again (a refresh).
   *
   * The rules, the same for every kind of document (Mastodon's, generalised): the document is read (after
   * redirects) from the keyId's origin; its `id` is the URL it was read from, else it is fetched again by that id
   * (on the keyId's origin) and must be there; the key's `id` is the keyId; and the key's owner lists the key: the
   * actor document the key was read from, or, for a key served on its own, the owner's document fetched from the
   * owner's URL.
   */
  async #fetch(keyId: string, fresh: boolean): Promise<Outcome> {
    if (typeof keyId !== 'string' || keyId.length === 0 || keyId.length > MAX_KEY_ID_LENGTH) {
      return { entry: this.#failure(keyId, 'ERR_KEY_FETCH_REFUSED_URL'), error: new KeyFetchRefusedUrlError('The keyId is not a URL of accepted length', { keyId }) };
    }
    try {
      let hit = await this.#document(keyId, keyId, fresh);
      const keyOrigin = originOf(keyId);
      if (originOf(hit.document.url) !== keyOrigin) {
        throw new KeyFetchOwnerMismatchError('The document was read from another origin than the keyId', { keyId });
      }
      const claimed = documentIdOf(hit.document.json);
      if (claimed !== undefined && claimed !== hit.document.url && originOf(claimed) === keyOrigin) {
        // The document claims to be another URL of the same host: only that URL can say what it holds.
        hit = await this.#document(claimed, keyId, fresh);
      }
      const found = extractKey(hit.document.json, { keyId, url: hit.document.url }, this.#options.resolvers);
      if (found === null) return { entry: this.#failure(keyId, 'ERR_UNKNOWN_KEY'), error: undefined };
      let owner = found.owner;
      let expiresAt = hit.expiresAt;
      if (found.standalone && owner !== undefined) {
        if (this.#options.confirmOwner === false) {
          owner = undefined;
        } else {
          // A key document only claims its owner: the owner's own document, read from the owner's URL, must list it.
          const ownerHit = await this.#document(owner, keyId, fresh);
          if (ownerHit.document.url !== withoutFragment(owner) || !ownerListsKey(ownerHit.document.json, owner, keyId, found.material)) {
            throw new KeyFetchOwnerMismatchError('The key owner does not list the key', { keyId });
          }
          expiresAt = Math.min(expiresAt, ownerHit.expiresAt);
        }
      }
      return { entry: { keyId, kind: found.material.kind, pem: found.material.pem, owner, fetchedAt: hit.fetchedAt, expiresAt }, error: undefined };
    } catch (error) {
      if (!(error instanceof KeyFetchError)) throw error;
      if (error.code === 'ERR_KEY_FETCH_RATE_LIMITED') return { entry: undefined, error };
      // The callers of this fetch see the detailed error; later ones (from the cache) an error of the same code.
      return { entry: this.#failure(keyId, error.code), error };
    }
  }

  /**
   * The document at `url` (without fragment): from the document cache unless `fresh`, else fetched, one fetch per
   * URL at a time, within the fetch budget.
   */
  async #document(url: string, keyId: string, fresh: boolean): Promise<DocumentHit> {
    const target = checkKeyUrl(url, this.#options, keyId);
    const key = target.href;
    if (!fresh) {
      const cached = this.#documents.get(key, this.#now());
      if (cached !== undefined) {
        if ('error' in cached) throw keyFetchErrorFor(cached.error, keyId);
        return cached;
      }
    }
    let running = this.#documentFlights.get(key);
    if (running === undefined) {
      running = this.#fetchDocument(target, keyId).finally(() => { this.#documentFlights.delete(key); });
      this.#documentFlights.set(key, running);
    }
    return running;
  }

  /** Fetches one document within the budget and caches the outcome (a budget refusal is not cached). */
  async #fetchDocument(target: URL, keyId: string): Promise<DocumentHit> {
    const release = this.#budget.acquire(target, keyId);
    try {
      const document = await fetchKeyDocument(target.href, this.#options, keyId);
      const ttl = ttlOf(this.#times, document.cache);
      const now = this.#now();
      const hit: DocumentHit = { document, fetchedAt: now, expiresAt: now + ttl };
      this.#documents.set(target.href, hit);
      return hit;
    } catch (error) {
      if (error instanceof KeyFetchError) {
        const now = this.#now();
        this.#documents.set(target.href, { error: error.code, fetchedAt: now, expiresAt: now + this.#times.negativeTtl });
      }
      throw error;
    } finally {
      release();
    }
  }

  #failure(keyId: string, error: KeyFetchErrorCode | 'ERR_UNKNOWN_KEY'): KeyCacheEntry {
    const now = this.#now();
    return { keyId, error, fetchedAt: now, expiresAt: now + this.#times.negativeTtl };
  }
}
