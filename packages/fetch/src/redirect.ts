/**
 * The next hop of a redirect, the way fetch computes it (WHATWG Fetch §4.4 "HTTP-redirect fetch"), so that
 * {@link signedFetch} can follow redirects itself and sign every same-origin hop.
 *
 * @packageDocumentation
 */
import { mayRedirectCarrySignature } from '@httpsig/core/adapter';
import type { PreparedRequest } from './prepare.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'];
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'signature', 'signature-input'];


/**
 * The request for the next hop, or undefined when the response is not a redirect to follow.
 *
 * @param request - the request that got `response`.
 * @param status - the response status.
 * @param location - the response `Location` header, if any.
 * @param signCrossOrigin - the `signCrossOriginRedirects` option.
 * @returns the next request: method rewritten to GET and body dropped for 303 (and 301/302 after POST),
 *   credentials dropped when the origin changes, and `sign` false from the first hop that may not carry a
 *   signature on (see `mayRedirectCarrySignature` of `@httpsig/core`).
 * @throws TypeError for an unparsable `Location`.
 */
export function nextHop(
  request: PreparedRequest,
  status: number,
  location: string | null,
  signCrossOrigin: boolean,
): PreparedRequest | undefined {
  if (!REDIRECT_STATUSES.has(status) || location === null) return undefined;
  const url = new URL(location, request.url);
  url.hash = '';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('redirect to a non-HTTP URL');
  const headers = new Headers(request.headers);
  let { method, body } = request;
  const upper = method.toUpperCase();
  if (((status === 301 || status === 302) && upper === 'POST') || (status === 303 && upper !== 'GET' && upper !== 'HEAD')) {
    method = 'GET';
    body = undefined;
    for (const name of BODY_HEADERS) headers.delete(name);
  }
  if (url.origin !== request.url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  const sign = request.sign && mayRedirectCarrySignature(request.url, url, signCrossOrigin);
  return { ...request, url, method, headers, body, sign, replayable: body === undefined || request.replayable };
}
