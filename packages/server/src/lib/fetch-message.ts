/**
 * Reading a web-standard `Request` for verification and response signing: request target, headers, scheme.
 * Internal.
 * @packageDocumentation
 */
import { MalformedRequestError } from '@httpsig/core';
import { parseRequestTarget } from '@httpsig/core/adapter';
import type { TrustProxyOptions } from '../types.js';
import { applyTrustedProxy, type ProxiedTarget } from './proxy.js';
import { verifiedTarget } from './target.js';

/**
 * The request target, header pairs (lower-case names; `host` from the URL when absent) and scheme of a web
 * `Request`, after trusted-proxy handling. The URL is checked with core's parser (a fragment or userinfo is
 * refused) and must name the `Host` it came with. Internal.
 * @throws MalformedRequestError (`ERR_MALFORMED_REQUEST`) when it does not.
 */
export function fetchTarget(request: Request, trust: TrustProxyOptions | undefined, remoteAddress: string | undefined): ProxiedTarget {
  const pairs: [string, string][] = [];
  request.headers.forEach((value, name) => { pairs.push([name.toLowerCase(), value]); });
  const parsed = parseRequestTarget(request.url, request.method);
  if (parsed.form !== 'absolute') throw new MalformedRequestError('The URL of a Request must be absolute');
  if (!pairs.some(([name]) => name === 'host')) pairs.push(['host', parsed.authority as string]);
  const url = verifiedTarget(request.method, request.url, pairs);
  return applyTrustedProxy(url, pairs, parsed.scheme as string, trust, () => remoteAddress);
}
