/**
 * Reading a web-standard `Request` for verification and response signing: request target, headers, scheme.
 * Internal.
 * @packageDocumentation
 */
import type { TrustProxyOptions } from '../types.js';
import { applyTrustedProxy, type ProxiedTarget } from './proxy.js';

/**
 * The request target of an absolute request URL as the runtime gives it: everything from the first `/`
 * after the authority, not re-serialised.
 */
function targetOf(url: string): string {
  const start = url.indexOf('//');
  const slash = url.indexOf('/', start === -1 ? 0 : start + 2);
  if (slash === -1) return '/';
  const hash = url.indexOf('#', slash);
  return hash === -1 ? url.slice(slash) : url.slice(slash, hash);
}

/**
 * The request target, header pairs (lower-case names; `host` from the URL when absent) and scheme of a web
 * `Request`, after trusted-proxy handling. Internal.
 */
export function fetchTarget(request: Request, trust: TrustProxyOptions | undefined, remoteAddress: string | undefined): ProxiedTarget {
  const pairs: [string, string][] = [];
  request.headers.forEach((value, name) => { pairs.push([name.toLowerCase(), value]); });
  const url = new URL(request.url);
  if (!pairs.some(([name]) => name === 'host')) pairs.push(['host', url.host]);
  return applyTrustedProxy(targetOf(request.url), pairs, url.protocol.replace(':', ''), trust, () => remoteAddress);
}
