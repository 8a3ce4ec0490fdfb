/**
 * The `Cache-Control` directives a key cache reads (RFC 9111 §5.2.2).
 * @packageDocumentation
 */

/** What a key cache takes from a response's `Cache-Control`. */
export interface CacheDirectives {
  /** `max-age` in seconds, when present and valid. */
  maxAge: number | undefined;
  /** `no-store` or `no-cache` was present: keep the key only for the shortest allowed time. */
  noStore: boolean;
}

/**
 * Reads `max-age` and `no-store`/`no-cache` from a `Cache-Control` value; anything unreadable is ignored.
 *
 * @param header - the header value, if any.
 * @returns the directives.
 */
export function parseCacheControl(header: string | undefined): CacheDirectives {
  const directives: CacheDirectives = { maxAge: undefined, noStore: false };
  if (header === undefined || header.length > 1024) return directives;
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name === 'no-store' || name === 'no-cache') directives.noStore = true;
    else if (name === 'max-age' && eq !== -1) {
      const value = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (/^[0-9]{1,10}$/.test(value)) directives.maxAge = Number(value);
    }
  }
  return directives;
}
