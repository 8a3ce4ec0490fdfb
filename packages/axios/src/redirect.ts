/**
 * The next hop of a redirect, with the rules follow-redirects (axios's Node redirect handler) and fetch
 * apply: 303 (and 301/302 after POST) become GET without body; credentials are dropped across origins.
 *
 * @packageDocumentation
 */
import { mayRedirectCarrySignature } from '@httpsig/core/adapter';
import { AxiosHeaders } from 'axios';
import type { Hop } from './hop.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host', 'signature', 'signature-input'];


/**
 * The next hop, or undefined when the response is not a redirect to follow.
 *
 * @param hop - the hop that got the response.
 * @param status - the response status.
 * @param location - the `Location` header, if any.
 * @param signCrossOrigin - the `signCrossOriginRedirects` option.
 * @returns the next hop; its `sign` is false from the first hop that may not carry a signature on (see
 *   `mayRedirectCarrySignature` of `@httpsig/core`).
 * @throws TypeError for an unparsable `Location` or a non-HTTP target.
 */
export function nextHop(hop: Hop, status: number, location: unknown, signCrossOrigin: boolean): Hop | undefined {
  if (!REDIRECT_STATUSES.has(status) || typeof location !== 'string' || location === '') return undefined;
  const url = new URL(location, hop.url);
  url.hash = '';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('redirect to a non-HTTP URL');
  const headers = new AxiosHeaders(hop.headers);
  let { method, body } = hop;
  if (((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD')) {
    method = 'GET';
    body = undefined;
    for (const name of Object.keys(headers.toJSON())) if (/^content-/i.test(name)) headers.delete(name);
  }
  const crossOrigin = hop.crossOrigin || url.origin !== hop.url.origin;
  if (url.origin !== hop.url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  const sign = hop.sign && mayRedirectCarrySignature(hop.url, url, signCrossOrigin);
  return { url, method, headers, body, sign, crossOrigin, replayable: body === undefined || hop.replayable };
}
