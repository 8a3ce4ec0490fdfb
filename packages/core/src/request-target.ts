/**
 * The `(request-target)` pseudo-header and the authority of a request URL.
 * @packageDocumentation
 */

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/** The authority form of a CONNECT target (RFC 9110 §9.3.6): `host:port`, with an IP literal in brackets. */
const AUTHORITY_FORM = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+):[0-9]{1,5}$/;

/**
 * The path and query of a URL exactly as written (no re-encoding, no normalisation); the fragment is dropped.
 * Internal building block of {@link requestTarget}.
 */
export function pathAndQuery(url: string): string {
  let target: string;
  if (url.startsWith('/') || url === '*') {
    target = url;
  } else if (ABSOLUTE.test(url)) {
    const authorityStart = url.indexOf('//') + 2;
    let end = authorityStart;
    while (end < url.length) {
      const c = url.charCodeAt(end);
      if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
      end++;
    }
    target = url.slice(end);
    if (target === '' || target.startsWith('#')) target = '/';
    else if (target.startsWith('?')) target = `/${target}`;
  } else {
    throw new TypeError('url must be absolute (scheme://host/…) or a path starting with "/"');
  }
  const hash = target.indexOf('#');
  return hash === -1 ? target : target.slice(0, hash);
}

/**
 * The value of the `(request-target)` pseudo-header: the lower-cased method, a space, and the path with its
 * query exactly as sent (draft-cavage-12 §2.3). A CONNECT request whose target is in authority form
 * (`host:port`, as Node's `req.url` gives it) uses that authority as sent.
 *
 * @param method - the HTTP method, any case.
 * @param url - an absolute URL, a path with query, `*`, or `host:port` for CONNECT.
 * @returns e.g. `get /api/v1/users/?limit=10`, `connect example.com:443`.
 * @throws TypeError when the URL is none of those forms.
 * @example
 * ```ts
 * requestTarget('GET', 'https://jms.example.com/api/v1/users/users/?search=a%20b') // 'get /api/v1/users/users/?search=a%20b'
 * requestTarget('CONNECT', 'example.com:443') // 'connect example.com:443'
 * ```
 * @see https://datatracker.ietf.org/doc/html/draft-cavage-http-signatures-12#section-2.3
 */
export function requestTarget(method: string, url: string): string {
  const lower = method.toLowerCase();
  if (lower === 'connect' && AUTHORITY_FORM.test(url)) return `connect ${url}`;
  return `${lower} ${pathAndQuery(url)}`;
}

/**
 * The `Host` a client sends for an absolute URL: lower-cased host name, the port only when it is not the
 * scheme's default. Returns undefined for a path-only URL.
 */
export function hostOfUrl(url: string): string | undefined {
  if (!ABSOLUTE.test(url)) return undefined;
  try {
    const host = new URL(url).host;
    return host === '' ? undefined : host;
  } catch {
    return undefined;
  }
}
