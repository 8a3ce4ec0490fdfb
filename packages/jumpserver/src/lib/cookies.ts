/**
 * Internal: the cookies of one login conversation with one JumpServer (its `jms_sessionid` above all).
 *
 * Every request of a login goes to the same origin and path prefix, so only names, values and deletion
 * (`Max-Age=0` or an expiry in the past) matter; domain and path matching are not needed.
 */
export class CookieJar {
  readonly #values = new Map<string, string>();

  /**
   * Take the `Set-Cookie` headers of an answer.
   *
   * @param headers - the response headers.
   */
  store(headers: Headers): void {
    const lines = typeof headers.getSetCookie === 'function'
      ? headers.getSetCookie()
      : (headers.get('set-cookie') ?? '').split(/,(?=\s*[A-Za-z0-9_-]+=)/);
    for (const line of lines) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) continue;
      const deleted = attributes.some((attribute) => {
        const [key = '', raw = ''] = attribute.split('=', 2).map((part) => part.trim());
        if (key.toLowerCase() === 'max-age') return Number(raw) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(raw) < Date.now();
        return false;
      });
      if (deleted) this.#values.delete(name);
      else this.#values.set(name, value);
    }
  }

  /**
   * The names of the cookies held.
   *
   * @returns the names.
   */
  names(): string[] {
    return [...this.#values.keys()];
  }

  /**
   * The `Cookie` header value.
   *
   * @returns `a=1; b=2`, or an empty string.
   */
  header(): string {
    return [...this.#values].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
