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
 * `'error'` behave as in fetch. With `doubleKnock`, a signed hop the server refuses (401, or a 4xx with an
 * `Accept-Signature` challenge) is signed once more with the other spec (draft-cavage ↔ RFC 9421) and sent again,
 * and the spec that worked is remembered for the origin (see `createKnocker` of `@httpsig/core/adapter`); a stream
 * body (`ReadableStream`, async iterable, the body of a `Request`) is never sent twice: its 401 is returned.
 *
 * @param options - the shared signing options of `@httpsig/core` plus `maxBodyBytes`, `maxRedirects`,
 *   `signCrossOriginRedirects` and `doubleKnock`.
 * @param fetchImpl - the fetch to call; default `globalThis.fetch`.
 * @returns a function with fetch's signature. Its promise rejects with `MissingHeaderError`
 *   (`ERR_MISSING_HEADER`) before anything is sent when a header to sign is absent, with `BodyTooLargeError` for a
 *   stream body over the limit, and with `TypeError` as fetch does (bad URL, too many redirects, redirect
 *   with `redirect: 'error'`). HTTP error statuses (such as 401) resolve as normal responses. With `doubleKnock`,
 *   an `Accept-Signature` challenge the client cannot follow rejects with core's typed error: `HeaderTooLargeError`
 *   (over 8192 characters or 16 members), `MalformedSignatureError`, `UnknownKeyError` or `AlgorithmNotAllowedError`
 *   (it asks for another key or algorithm).
 * @throws RangeError when a limit in `options` is not a non-negative integer; TypeError when
 *   `signCrossOriginRedirects` is not a boolean or `doubleKnock` is invalid.
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
  const { maxBodyBytes, maxRedirects, signCrossOriginRedirects, knocker } = splitOptions(options);
  if (typeof fetchImpl !== 'function') throw new TypeError('fetchImpl must be a fetch function');
  const send = (request: PreparedRequest, headers: Headers): Promise<Response> => fetchImpl(request.url.href, {
    ...request.init,
    method: request.method,
    headers,
    body: request.body ?? null,
    redirect: 'manual',
  });
  /** Sends a signed hop, and once more with the other spec when core's double-knock policy says so. */
  const knock = async (request: PreparedRequest): Promise<Response> => {
    let attempt = await knocker.first(request.url);
    let response = await send(request, await signRequest(request, attempt));
    let decision;
    try {
      decision = await knocker.decide(attempt, response.status, response.headers, request.replayable);
    } catch (error) {
      await response.body?.cancel().catch(() => undefined);
      throw error;
    }
    if (decision.retry !== undefined) {
      await response.body?.cancel().catch(() => undefined);
      attempt = decision.retry;
      response = await send(request, await signRequest(request, attempt));
    }
    await knocker.settle(attempt, response.status);
    return response;
  };
  return async function fetchSigned(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    let request: PreparedRequest = await prepareRequest(input, init, maxBodyBytes);
    for (let hops = 0; ; hops++) {
      const response = request.sign ? await knock(request) : await send(request, new Headers(request.headers));
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
