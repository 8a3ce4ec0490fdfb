/**
 * What a key cache holds, and the bounded in-memory cache every lookup keeps in front of any shared one.
 *
 * @packageDocumentation
 */
import { KEY_FETCH_ERROR_CODES, type KeyFetchErrorCode } from './errors.js';
import { checkStoredMaterial, type RemoteKeyKind } from './key-material.js';
import { BoundedLru } from './lru.js';

/** A key fetched for a keyId: its extracted material, never the raw document. */
export interface CachedKey {
  /** The keyId. */
  keyId: string;
  /** The key type. */
  kind: RemoteKeyKind;
  /** The public key, SPKI PEM. */
  pem: string;
  /** The actor that owns the key, when the document named one. */
  owner?: string | undefined;
  /** When the key was fetched, Unix ms. */
  fetchedAt: number;
  /** When the entry expires, Unix ms. */
  expiresAt: number;
}

/** A remembered failure (negative caching): the code it failed with. */
export interface CachedFailure {
  /** The keyId. */
  keyId: string;
  /** The failure: a key fetch code, or `ERR_UNKNOWN_KEY` for a document without the key. */
  error: KeyFetchErrorCode | 'ERR_UNKNOWN_KEY';
  /** When the fetch was made, Unix ms. */
  fetchedAt: number;
  /** When the entry expires, Unix ms. */
  expiresAt: number;
}

/** One cache entry. */
export type KeyCacheEntry = CachedKey | CachedFailure;

/**
 * A cache of key entries shared between processes (e.g. {@link RedisKeyCache}). Entries read back are checked
 * by the caller; a cache that fails or is slow should resolve `undefined` rather than throw.
 */
export interface SharedKeyCache {
  /**
   * The entry for `keyId`, if any.
   * @param keyId - the keyId.
   * @param now - the current time, Unix ms.
   * @returns the entry, or undefined.
   */
  get(keyId: string, now: number): Promise<KeyCacheEntry | undefined>;
  /**
   * Stores an entry until its `expiresAt`.
   * @param entry - the entry.
   * @param now - the current time, Unix ms.
   */
  set(entry: KeyCacheEntry, now: number): Promise<void>;
}

const CODES = new Set<string>([...KEY_FETCH_ERROR_CODES, 'ERR_UNKNOWN_KEY']);

/**
 * Checks an entry read from outside the process: shape, keyId, times, and key material that parses as the
 * public key of the kind it claims. Anything else is refused (the caller fetches instead).
 *
 * @param value - the parsed value.
 * @param keyId - the keyId it was stored under.
 * @param now - the current time, Unix ms.
 * @returns the entry, or undefined when it is not a valid, unexpired entry for that keyId.
 */
export function checkCacheEntry(value: unknown, keyId: string, now: number): KeyCacheEntry | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entry = value as Record<string, unknown>;
  const { fetchedAt, expiresAt } = entry;
  if (entry['keyId'] !== keyId || typeof fetchedAt !== 'number' || typeof expiresAt !== 'number') return undefined;
  if (!Number.isFinite(fetchedAt) || !Number.isFinite(expiresAt) || expiresAt <= now || fetchedAt > now + 60_000) return undefined;
  if (typeof entry['error'] === 'string') {
    return CODES.has(entry['error']) ? { keyId, error: entry['error'] as CachedFailure['error'], fetchedAt, expiresAt } : undefined;
  }
  const owner = entry['owner'];
  if (owner !== undefined && typeof owner !== 'string') return undefined;
  const material = checkStoredMaterial(entry);
  if (material === undefined) return undefined;
  return { keyId, kind: material.kind, pem: material.pem, owner, fetchedAt, expiresAt };
}

/** Options of {@link MemoryKeyCache}. */
export interface MemoryKeyCacheOptions {
  /** Most entries kept; the least recently used goes first. Default 10,000. */
  maxEntries?: number | undefined;
  /**
   * Most failures (negative entries) kept per origin of the keyId; the oldest of that origin goes first, so that
   * keyIds made up on one host cannot push the working keys of other hosts out. Default 100.
   */
  maxFailuresPerOrigin?: number | undefined;
}

/** Default size of the in-memory key cache. */
export const DEFAULT_MAX_KEY_ENTRIES = 10_000;
/** Default bound on the failures remembered per origin. */
export const DEFAULT_MAX_FAILURES_PER_ORIGIN = 100;

/**
 * A bounded least-recently-used cache of key entries in this process, with per-entry expiry and a bound on the
 * failures kept per origin.
 *
 * @example
 * ```ts
 * const cache = new MemoryKeyCache({ maxEntries: 1000 })
 * ```
 */
export class MemoryKeyCache {
  readonly #entries: BoundedLru<KeyCacheEntry>;

  /**
   * @param options - the size bounds.
   * @throws RangeError when `maxEntries` or `maxFailuresPerOrigin` is not a positive integer.
   */
  constructor(options: MemoryKeyCacheOptions = {}) {
    const max = options.maxEntries ?? DEFAULT_MAX_KEY_ENTRIES;
    if (!Number.isInteger(max) || max < 1) throw new RangeError('maxEntries must be a positive integer');
    const failures = options.maxFailuresPerOrigin ?? DEFAULT_MAX_FAILURES_PER_ORIGIN;
    if (!Number.isInteger(failures) || failures < 1) throw new RangeError('maxFailuresPerOrigin must be a positive integer');
    this.#entries = new BoundedLru<KeyCacheEntry>({
      maxEntries: max, maxFailuresPerOrigin: failures, isFailure: (entry) => 'error' in entry, expiresAt: (entry) => entry.expiresAt,
    });
  }

  /** How many entries are held (expired ones included until touched or evicted). */
  get size(): number { return this.#entries.size; }

  /**
   * The unexpired entry for `keyId`, marked most recently used.
   * @param keyId - the keyId.
   * @param now - the current time, Unix ms.
   * @returns the entry, or undefined.
   */
  get(keyId: string, now: number): KeyCacheEntry | undefined {
    return this.#entries.get(keyId, now);
  }

  /**
   * Stores an entry, evicting the least recently used when full (and the oldest failure of the keyId's origin
   * when that origin has too many).
   * @param entry - the entry.
   */
  set(entry: KeyCacheEntry): void {
    this.#entries.set(entry.keyId, entry);
  }
}
