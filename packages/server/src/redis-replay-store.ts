/**
 * The Redis replay store, shared by every process that talks to the same Redis.
 *
 * @packageDocumentation
 */
import type { ReplayStore } from './types.js';

/**
 * The one Redis command the store needs, as `ioredis` (and compatible clients) expose it:
 * `SET key value PX ttl NX`, resolving `'OK'` when set and `null` when the key exists.
 */
export interface RedisSetClient {
  /** `SET key value PX milliseconds NX`: resolves `'OK'` when the key was set, `null` when it existed. */
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<unknown>;
}

/** Options of {@link RedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /** A connected client, e.g. `new Redis(url)` from `ioredis`. */
  client: RedisSetClient;
  /** Prefix of every key written. Default `'httpsig:replay:'`. */
  prefix?: string | undefined;
  /** How long to wait for Redis, in ms, before failing closed. Default 1000. */
  timeout?: number | undefined;
}

/**
 * Replay protection for a fleet of servers: one atomic `SET … PX … NX` per verified request, so exactly one
 * process accepts a given signature; Redis expires the key when the signature's validity window ends.
 * If Redis errors or does not answer within `timeout`, the store rejects and the request is refused
 * (`ERR_REPLAY_STORE_UNAVAILABLE`, 503).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis'
 * const replay = new RedisReplayStore({ client: new Redis(process.env.REDIS_URL) })
 * app.use(expressMiddleware({ keyLookup, replay }))
 * ```
 */
export class RedisReplayStore implements ReplayStore {
  readonly #client: RedisSetClient;
  readonly #prefix: string;
  readonly #timeout: number;

  /**
   * @param options - the client, key prefix and timeout.
   * @throws TypeError when the client has no `set` method.
   * @throws RangeError when `timeout` is not a positive number.
   */
  constructor(options: RedisReplayStoreOptions) {
    if (typeof options?.client?.set !== 'function') throw new TypeError('RedisReplayStore needs a Redis client');
    const timeout = options.timeout ?? 1000;
    if (!(timeout > 0) || !Number.isFinite(timeout)) throw new RangeError('timeout must be a positive number of ms');
    this.#client = options.client;
    this.#prefix = options.prefix ?? 'httpsig:replay:';
    this.#timeout = timeout;
  }

  /**
   * Atomically records `key` with a TTL reaching `expiresAt`.
   *
   * @param key - the replay key.
   * @param expiresAt - end of the validity window, Unix ms.
   * @param now - current time, Unix ms.
   * @returns true when Redis set the key (new), false when it existed (a replay).
   * @throws Error when Redis fails, answers unexpectedly or times out.
   */
  async add(key: string, expiresAt: number, now: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(expiresAt - now));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => { reject(new Error('Redis did not answer in time')); }, this.#timeout);
    });
    try {
      const reply = await Promise.race([this.#client.set(this.#prefix + key, '1', 'PX', ttl, 'NX'), timedOut]);
      if (reply === 'OK') return true;
      if (reply === null) return false;
      throw new Error('Unexpected reply from Redis SET NX');
    } finally {
      clearTimeout(timer);
    }
  }
}
