/**
 * A key cache in Redis, so that a fleet of verifiers fetches each key once.
 *
 * @packageDocumentation
 */
import { checkCacheEntry, type KeyCacheEntry, type SharedKeyCache } from './key-cache.js';

/**
 * The two Redis commands the cache needs, as `ioredis` (and compatible clients) expose them.
 */
export interface RedisKeyCacheClient {
  /** `GET key`: the value, or null. */
  get(key: string): Promise<string | null>;
  /** `SET key value PX milliseconds`. */
  set(key: string, value: string, px: 'PX', milliseconds: number): Promise<unknown>;
}

/** Options of {@link RedisKeyCache}. */
export interface RedisKeyCacheOptions {
  /** A connected client, e.g. `new Redis(url)` from `ioredis`. */
  client: RedisKeyCacheClient;
  /** Prefix of every key written. Default `'httpsig:key:'`. */
  prefix?: string | undefined;
  /** How long to wait for Redis, in ms, before going on without it. Default 500. */
  timeout?: number | undefined;
}

/**
 * Fetched keys shared through Redis: each entry is the extracted key material (kind, SPKI PEM, owner) or a
 * remembered failure, as JSON, expiring with the entry. Every value read back is checked — shape, keyId, expiry,
 * and a PEM that parses as the public key of the kind it claims — and a value that fails is ignored (the key
 * is fetched again), never trusted. A Redis error or timeout is a cache miss: verification goes on without it.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * const keyLookup = remoteKeyLookup({ sharedCache: new RedisKeyCache({ client: new Redis(process.env.REDIS_URL!) }) })
 * ```
 */
export class RedisKeyCache implements SharedKeyCache {
  readonly #client: RedisKeyCacheClient;
  readonly #prefix: string;
  readonly #timeout: number;

  /**
   * @param options - the client, key prefix and timeout.
   * @throws TypeError when the client lacks `get` or `set`.
   * @throws RangeError when `timeout` is not a positive number.
   */
  constructor(options: RedisKeyCacheOptions) {
    if (typeof options?.client?.get !== 'function' || typeof options.client.set !== 'function') {
      throw new TypeError('RedisKeyCache needs a Redis client');
    }
    const timeout = options.timeout ?? 500;
    if (!(timeout > 0) || !Number.isFinite(timeout)) throw new RangeError('timeout must be a positive number of ms');
    this.#client = options.client;
    this.#prefix = options.prefix ?? 'httpsig:key:';
    this.#timeout = timeout;
  }

  /**
   * The checked entry for `keyId`; undefined when absent, invalid, expired, or Redis fails.
   * @param keyId - the keyId.
   * @param now - the current time, Unix ms.
   * @returns the entry, or undefined.
   */
  async get(keyId: string, now: number): Promise<KeyCacheEntry | undefined> {
    let text: unknown;
    try { text = await this.#bounded(this.#client.get(this.#prefix + keyId)); } catch { return undefined; }
    if (typeof text !== 'string' || text.length > 65_536) return undefined;
    let value: unknown;
    try { value = JSON.parse(text); } catch { return undefined; }
    return checkCacheEntry(value, keyId, now);
  }

  /**
   * Stores an entry until it expires; a Redis failure is ignored.
   * @param entry - the entry.
   * @param now - the current time, Unix ms.
   */
  async set(entry: KeyCacheEntry, now: number): Promise<void> {
    const ttl = Math.ceil(entry.expiresAt - now);
    if (ttl <= 0) return;
    try { await this.#bounded(this.#client.set(this.#prefix + entry.keyId, JSON.stringify(entry), 'PX', ttl)); } catch { /* a cache */ }
  }

  async #bounded<T>(promise: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('Redis did not answer in time')), this.#timeout); });
    try { return await Promise.race([promise, timedOut]); } finally { clearTimeout(timer); }
  }
}
