/**
 * Which signature spec worked for an origin: the memory of double-knocking, bounded and expiring. Internal: made by
 * the double-knock policy (`knock-policy.ts`) from the `doubleKnock` options.
 * @packageDocumentation
 */
import type { DoubleKnockOptions, SignatureSpec } from './double-knock.js';

/** Default `maxOrigins`: 1000 origins. */
export const DEFAULT_KNOCK_MAX_ORIGINS = 1000;
/** Default `ttl`: one day, in seconds. */
export const DEFAULT_KNOCK_TTL = 86_400;

/** Bounds of a {@link KnockMemory}: those of the `doubleKnock` options. */
export type KnockMemoryOptions = Pick<DoubleKnockOptions, 'maxOrigins' | 'ttl' | 'now'>;

/**
 * A least-recently-used map from origin to the spec a server accepted, each entry expiring `ttl` seconds after it
 * was recorded. Only a success is recorded (see `createKnocker`); a failure never changes it.
 */
export class KnockMemory {
  readonly #entries = new Map<string, { spec: SignatureSpec; expiresAt: number }>();
  readonly #maxOrigins: number;
  readonly #ttlMs: number;
  readonly #clock: () => number;

  /**
   * @param options - the bounds and clock.
   * @throws RangeError when `maxOrigins` is not a positive integer or `ttl` not a positive finite number;
   *   TypeError when `now` is not a function.
   */
  constructor(options: KnockMemoryOptions = {}) {
    const { maxOrigins = DEFAULT_KNOCK_MAX_ORIGINS, ttl = DEFAULT_KNOCK_TTL, now = Date.now } = options;
    if (!Number.isSafeInteger(maxOrigins) || maxOrigins < 1) throw new RangeError('maxOrigins must be a positive integer');
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) throw new RangeError('ttl must be a positive number of seconds');
    if (typeof now !== 'function') throw new TypeError('now must be a function');
    this.#maxOrigins = maxOrigins;
    this.#ttlMs = ttl * 1000;
    this.#clock = now;
  }

  /** How many origins are held (expired ones until they are read or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The spec that worked for `origin`, unless it expired; marks the origin most recently used.
   * @param origin - a URL origin (`https://host:port`).
   * @returns the spec, or undefined.
   */
  get(origin: string): SignatureSpec | undefined {
    const entry = this.#entries.get(origin);
    if (entry === undefined) return undefined;
    this.#entries.delete(origin);
    if (entry.expiresAt <= this.#clock()) return undefined;
    this.#entries.set(origin, entry);
    return entry.spec;
  }

  /**
   * Records that `spec` worked for `origin`, for `ttl` from now, evicting the least recently used origin past the bound.
   * A later success with the spec already remembered does not extend its time: the preferred spec is tried afresh at
   * least once per `ttl`, so a server that starts to accept it is noticed.
   * @param origin - a URL origin.
   * @param spec - the spec the server accepted.
   */
  remember(origin: string, spec: SignatureSpec): void {
    const now = this.#clock();
    const previous = this.#entries.get(origin);
    this.#entries.delete(origin);
    const kept = previous !== undefined && previous.spec === spec && previous.expiresAt > now;
    this.#entries.set(origin, kept ? previous : { spec, expiresAt: now + this.#ttlMs });
    if (this.#entries.size > this.#maxOrigins) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}
