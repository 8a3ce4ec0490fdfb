/** Types of test-support/redis-server.mjs. */

/** A running redis-server. */
export interface RedisServer {
  /** Its loopback port. */
  port: number;
  /** Stops it (SIGTERM) and resolves when it has exited. */
  stop(): Promise<void>;
}

/** A free loopback TCP port. */
export function freePort(): Promise<number>;

/**
 * Starts redis-server on a free loopback port, without persistence.
 * @param extraArgs - more command-line options, e.g. `['--maxmemory-policy', 'allkeys-lru']`.
 */
export function startRedis(extraArgs?: readonly string[]): Promise<RedisServer>;
