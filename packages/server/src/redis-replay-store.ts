/**
 * The Redis replay store, shared by every process that talks to the same Redis.
 *
 * @packageDocumentation
 */
import { ReplayStoreUnavailableError, type ReplayEntry, type ReplayOutcome, type ReplayStore } from '@httpsig/core';

/**
 * The Redis commands the store needs, as `ioredis` (and compatible clients) expose them: `EVAL` (one atomic
 * script per verified request) and `CONFIG GET` (the eviction policy, checked once).
 */
export interface RedisReplayClient {
  /** `EVAL script numkeys key… arg…`: resolves the script's reply. */
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** `CONFIG GET maxmemory-policy`: resolves `['maxmemory-policy', policy]`. */
  config(subcommand: 'GET', parameter: string): Promise<unknown>;
}

/** The former name of {@link RedisReplayClient}. @deprecated Use {@link RedisReplayClient}. */
export type RedisSetClient = RedisReplayClient;

/** Options of {@link RedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /** A connected client, e.g. `new Redis(url)` from `ioredis`. */
  client: RedisReplayClient;
  /**
   * Prefix of every key written. Default `'httpsig:replay:'`. On Redis Cluster, include a hash tag
   * (`'{httpsig}:replay:'`) so that a record and its key's counter live in one slot.
   */
  prefix?: string | undefined;
  /** How long to wait for Redis, in ms, before failing closed. Default 1000. */
  timeout?: number | undefined;
  /**
   * Most unexpired signatures one key may have recorded at once, so that one key holder cannot fill Redis:
   * over it, that key's new signatures are refused (503) while other keys' are still recorded. Default 25,000.
   */
  maxEntriesPerKey?: number | undefined;
  /**
   * Check, before the first record, that Redis never evicts keys (`maxmemory-policy` is `noeviction`): under any
   * other policy a full Redis drops replay records and a refused signature is accepted again. Default `true`.
   * Set `false` only when `CONFIG` is disabled (managed Redis) and you have set `noeviction` yourself.
   */
  checkEvictionPolicy?: boolean | undefined;
}

/** Default {@link RedisReplayStoreOptions.maxEntriesPerKey}. */
export const DEFAULT_REDIS_MAX_ENTRIES_PER_KEY = 25_000;

/**
 * Atomically: refuse a recorded key (0); drop the key owner's expired records from its sorted set and refuse
 * when it holds its share (-1); else record the key with its TTL and count it for its owner (1).
 * KEYS: record, owner set (members scored by expiry on the verifier's clock; the set itself expires, by Redis'
 * clock, with its last record). ARGV: TTL ms, now ms, share (0: no owner).
 */
const RECORD_SCRIPT = `
local ttl = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local share = tonumber(ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if share > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= share then return -1 end
  redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
  local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', KEYS[2], math.max(1, tonumber(last[2]) - now))
end
redis.call('SET', KEYS[1], '1', 'PX', ttl)
return 1
`;

/**
 * Replay protection for a fleet of servers: one atomic script per verified request, so exactly one process
 * accepts a given signature; Redis expires the record when the signature's validity window ends, and each key
 * may hold at most `maxEntriesPerKey` unexpired records.
 *
 * Redis must not evict: with `allkeys-*` or `volatile-*` a full Redis drops records and replays are accepted
 * again. Before the first record the store reads `CONFIG GET maxmemory-policy` and refuses every request
 * (503 `ERR_REPLAY_STORE_UNAVAILABLE`) unless it is `noeviction`; call {@link RedisReplayStore.ready} at start-up to
 * fail loudly instead. Where `CONFIG` is disabled the check fails the same way: set `noeviction` on the service
 * and pass `checkEvictionPolicy: false`.
 * If Redis errors or does not answer within `timeout`, {@link RedisReplayStore.record} rejects with
 * `ReplayStoreUnavailableError` and the request is refused (`ERR_REPLAY_STORE_UNAVAILABLE`, 503). It implements
 * core's `ReplayStore`, so it also serves core `verify`/`verifyRfc9421` directly (`replayStore`).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * const replay = new RedisReplayStore({ client: new Redis(process.env.REDIS_URL!) })
 * await replay.ready() // throws unless maxmemory-policy is noeviction
 * app.use(expressMiddleware({ keyLookup, replay }))
 * ```
 */
export class RedisReplayStore implements ReplayStore {
  readonly #client: RedisReplayClient;
  readonly #prefix: string;
  readonly #timeout: number;
  readonly #share: number;
  readonly #checkPolicy: boolean;
  /** The eviction policy check, once it passed. */
  #checked: Promise<void> | undefined;

  /**
   * @param options - the client, key prefix, timeout, per-key share and policy check.
   * @throws TypeError when the client has no `eval` method.
   * @throws RangeError when `timeout` is not a positive number or `maxEntriesPerKey` not a positive integer.
   */
  constructor(options: RedisReplayStoreOptions) {
    if (typeof options?.client?.eval !== 'function') throw new TypeError('RedisReplayStore needs a Redis client');
    const timeout = options.timeout ?? 1000;
    if (!(timeout > 0) || !Number.isFinite(timeout)) throw new RangeError('timeout must be a positive number of ms');
    const share = options.maxEntriesPerKey ?? DEFAULT_REDIS_MAX_ENTRIES_PER_KEY;
    if (!Number.isSafeInteger(share) || share < 1) throw new RangeError('maxEntriesPerKey must be a positive integer');
    this.#client = options.client;
    this.#prefix = options.prefix ?? 'httpsig:replay:';
    this.#timeout = timeout;
    this.#share = share;
    this.#checkPolicy = options.checkEvictionPolicy !== false;
  }

  /**
   * Checks that Redis answers and never evicts keys (`maxmemory-policy` `noeviction`). Optional: the first
   * record runs the same check; call it at start-up to fail there.
   *
   * @returns when the policy is `noeviction` (or the check is off).
   * @throws Error naming the policy when it is not `noeviction`, or when `CONFIG GET` fails or times out.
   */
  ready(): Promise<void> {
    if (!this.#checkPolicy) return Promise.resolve();
    // Only a passed check is kept: a failure (Redis down, a policy being fixed) is checked again next time.
    this.#checked ??= this.#policyCheck().catch((error: unknown) => {
      this.#checked = undefined;
      throw error;
    });
    return this.#checked;
  }

  async #policyCheck(): Promise<void> {
    let reply: unknown;
    try {
      reply = await this.#withTimeout(this.#client.config('GET', 'maxmemory-policy'));
    } catch (cause) {
      throw new Error('Cannot read the Redis maxmemory-policy (CONFIG GET); set noeviction and checkEvictionPolicy: false', { cause });
    }
    const policy = Array.isArray(reply) ? reply[1] : undefined;
    if (policy !== 'noeviction') {
      throw new Error(`Redis maxmemory-policy is ${String(policy)}: replay records could be evicted and replays accepted; set noeviction`);
    }
  }

  /**
   * Atomically records `entry.key` with a TTL reaching `entry.expiresAt`, counted against `entry.owner`'s share.
   *
   * @param entry - the record key, its owner, its expiry and the verifier's clock (Unix ms).
   * @returns `'stored'` when the key was new and is now recorded, `'replayed'` when it existed.
   * @throws {@link ReplayStoreUnavailableError} when Redis fails, answers unexpectedly or times out, when its
   *   eviction policy is not `noeviction`, or when the owner holds its share (the cause says which).
   */
  async record(entry: ReplayEntry): Promise<ReplayOutcome> {
    try {
      await this.ready();
      const { key, owner, expiresAt, now } = entry;
      const ttl = Math.max(1, Math.ceil(expiresAt - now));
      const share = owner === undefined ? 0 : this.#share;
      const reply = await this.#withTimeout(this.#client.eval(
        RECORD_SCRIPT, 2, this.#prefix + key, `${this.#prefix}owner:${owner ?? '-'}`, ttl, Math.floor(now), share,
      ));
      if (reply === 1) return 'stored';
      if (reply === 0) return 'replayed';
      if (reply === -1) throw new Error('This key holds its share of the Redis replay store');
      throw new Error('Unexpected reply from the Redis replay script');
    } catch (cause) {
      throw new ReplayStoreUnavailableError({ cause });
    }
  }

  /** Waits for a Redis reply at most `timeout` ms. */
  async #withTimeout<T>(reply: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => { reject(new Error('Redis did not answer in time')); }, this.#timeout);
    });
    try {
      return await Promise.race([reply, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
