/**
 * The bounded least-recently-used map behind the in-memory caches: a bound on entries, optionally on bytes, and on
 * the failures remembered per origin (so that one host naming endless keyIds cannot push the working keys out).
 *
 * @packageDocumentation
 */

/** Options of {@link BoundedLru}. */
export interface BoundedLruOptions<V> {
  /** Most entries kept. */
  maxEntries: number;
  /** Most failures kept per origin of the key (an http(s) URL); the oldest of that origin goes first. */
  maxFailuresPerOrigin: number;
  /** Whether a value is a failure. */
  isFailure: (value: V) => boolean;
  /** When a value expires, Unix ms. */
  expiresAt: (value: V) => number;
  /** Most bytes kept, with `sizeOf`. Default unbounded. */
  maxBytes?: number | undefined;
  /** The size of a value, bytes. */
  sizeOf?: ((value: V) => number) | undefined;
}

function originOf(key: string): string {
  try { return new URL(key).origin; } catch { return ''; }
}

/** A least-recently-used map with per-entry expiry and the bounds of {@link BoundedLruOptions}. */
export class BoundedLru<V> {
  readonly #entries = new Map<string, V>();
  readonly #failures = new Map<string, Set<string>>();
  readonly #options: BoundedLruOptions<V>;
  #bytes = 0;

  /** @param options - the bounds and how to read a value. */
  constructor(options: BoundedLruOptions<V>) {
    this.#options = options;
  }

  /** How many entries are held (expired ones included until touched or evicted). */
  get size(): number { return this.#entries.size; }

  /**
   * The unexpired value for `key`, marked most recently used.
   * @param key - the key.
   * @param now - the current time, Unix ms.
   * @returns the value, or undefined.
   */
  get(key: string, now: number): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    if (this.#options.expiresAt(value) <= now) { this.delete(key); return undefined; }
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /**
   * Stores a value, evicting the least recently used entries (and the oldest failures of the key's origin) while
   * a bound is exceeded. A value larger than `maxBytes` is not stored.
   * @param key - the key.
   * @param value - the value.
   */
  set(key: string, value: V): void {
    this.delete(key);
    const size = this.#options.sizeOf?.(value) ?? 0;
    const maxBytes = this.#options.maxBytes ?? Number.POSITIVE_INFINITY;
    if (size > maxBytes) return;
    this.#entries.set(key, value);
    this.#bytes += size;
    if (this.#options.isFailure(value)) {
      const origin = originOf(key);
      const failures = this.#failures.get(origin) ?? new Set<string>();
      failures.add(key);
      this.#failures.set(origin, failures);
      while (failures.size > this.#options.maxFailuresPerOrigin) this.delete(failures.values().next().value as string);
    }
    while (this.#entries.size > this.#options.maxEntries || this.#bytes > maxBytes) {
      this.delete(this.#entries.keys().next().value as string);
    }
  }

  /**
   * Removes the entry for `key`, if any.
   * @param key - the key.
   */
  delete(key: string): void {
    const value = this.#entries.get(key);
    if (value === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= this.#options.sizeOf?.(value) ?? 0;
    if (this.#options.isFailure(value)) {
      const origin = originOf(key);
      const failures = this.#failures.get(origin);
      failures?.delete(key);
      if (failures?.size === 0) this.#failures.delete(origin);
    }
  }
}
