/**
 * `signedFetch`: a drop-in `fetch` that signs every request, and every same-origin redirect hop, with HTTP Signatures.
 *
 * @packageDocumentation
 */
import { splitOptions } from './options.js';
import type { FetchLike, SignedFetchOptions } from './options.js';
import { prepareRequest } from './prepare.js';
import type { PreparedRequest } from './prepare.js';
import { nextHop } from './redirect.js';
import { signRequest } from './sign-request.js';

/**
 * Wraps a fetch function so that each request is signed over what actually goes on the wire: the final URL
 * (path and query as sent), `Host` with its non-default port, a `Date` when absent, and a digest over the
 * exact body bytes (string, bytes, `URLSearchParams`, `Blob`, `FormData`, streams up to `maxBodyBytes`, or
 * the body of a `Request`). Redirects are followed here (`redirect: 'manual'` underneath) so that every
 * same-origin hop is signed again; a redirect to another origin (scheme, host or port) is followed WITHOUT a
 * signature or credential headers (and the rest of that chain stays unsigned) unless
 * `signCrossOriginRedirects` is true, and an https → http downgrade is never signed. `redirect: 'manual'` and
 * `'error'` behave as in fetch.
 *
 * @param options - the shared signing options of `@httpsig/core` plus `maxBodyBytes`, `maxRedirects` and
 *   `signCrossOriginRedirects`.
 * @param fetchImpl - the fetch to call; default `globalThis.fetch`.
 * @returns a function with fetch's signature. Its promise rejects with `MissingHeaderError`
 *   (`ERR_MISSING_HEADER`) before anything is sent when a header to sign is absent, with `BodyTooLargeError` for a
 *   stream body over the limit, and with `TypeError` as fetch does (bad URL, too many redirects, redirect
 *   with `redirect: 'error'`). HTTP error statuses (such as 401) resolve as normal responses.
 * @throws RangeError when a limit in `options` is not a non-negative integer; TypeError when
 *   `signCrossOriginRedirects` is not a boolean.
 * @example
 * ```ts
 * import { signedFetch } from '@httpsig/fetch'
 * const jms = signedFetch({ keyId: accessKeyId, key: secret, algorithm: 'hmac-sha256',
 *   headers: ['(request-target)', 'accept', 'date'] })
 * const res = await jms('https://jms.example.com/api/v1/users/users/?limit=10',
 *   { headers: { Accept: 'application/json' } })
 * ```
 */
export function signedFetch(options: SignedFetchOptions, fetchImpl: FetchLike = globalThis.fetch): FetchLike {
  const { signing, maxBodyBytes, maxRedirects, signCrossOriginRedirects } = splitOptions(options);
  if (typeof fetchImpl !== 'function') throw new TypeError('fetchImpl must be a fetch function');
  return async function fetchSigned(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    let request: PreparedRequest = await prepareRequest(input, init, maxBodyBytes);
    for (let hops = 0; ; hops++) {
      const headers = request.sign ? await signRequest(request, signing) : new Headers(request.headers);
      const response = await fetchImpl(request.url.href, {
        ...request.init,
        method: request.method,
        headers,
        body: request.body ?? null,
        redirect: 'manual',
      });
      if (request.redirect === 'manual') return response;
      const next = nextHop(request, response.status, response.headers.get('location'), signCrossOriginRedirects);
      if (next === undefined) return hops === 0 ? response : markRedirected(response, request.url);
      if (request.redirect === 'error') {
        await response.body?.cancel().catch(() => undefined);
        throw new TypeError('fetch failed: redirect with redirect mode "error"');
      }
      if (hops >= maxRedirects) {
        await response.body?.cancel().catch(() => undefined);
        throw new TypeError('fetch failed: redirect count exceeded');
      }
      await response.body?.cancel().catch(() => undefined);
      request = next;
    }
  };
}

/** Gives a response reached through redirects fetch's `redirected` and final `url`. */
function markRedirected(response: Response, url: URL): Response {
  Object.defineProperty(response, 'redirected', { value: true, configurable: true });
  Object.defineProperty(response, 'url', { value: url.href, configurable: true });
  return response;
}
