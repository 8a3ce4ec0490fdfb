/**
 * Which request target and Host to verify against, with the opt-in reverse-proxy headers. Internal.
 * @packageDocumentation
 */
import { MalformedRequestError } from '@httpsig/core';
import { parseRequestTarget } from '@httpsig/core/adapter';
import type { TrustProxyOptions } from '../types.js';

/** `::ffff:127.0.0.1` and `127.0.0.1` are the same peer. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Whether the immediate peer is one of the configured proxies. */
export function isTrustedPeer(trust: TrustProxyOptions, remoteAddress: string | undefined): boolean {
  const { trusted } = trust;
  if (trusted === true) return true;
  if (typeof trusted === 'function') return trusted(remoteAddress) === true;
  if (remoteAddress === undefined) return false;
  const peer = plainAddress(remoteAddress);
  return trusted.some((address) => plainAddress(address) === peer);
}

/** The last value of a header among ordered pairs. */
function lastValue(headers: readonly (readonly [string, string])[], name: string): string | undefined {
  let value: string | undefined;
  for (const [n, v] of headers) if (n === name) value = v;
  return value;
}

/** The last non-empty entry of a comma-separated header value (the one the nearest proxy appended). */
function lastEntry(value: string | undefined): string | undefined {
  return value?.split(',').map((part) => part.replace(/^[ \t]+|[ \t]+$/g, '')).filter((part) => part !== '').pop();
}

/**
 * The original request target a trusted proxy passes: it must be a path the application would route on (origin
 * form, checked like a received target). Anything else, an absolute URL, `//host/x`, a fragment, an empty
 * value, means the proxy is misconfigured or passes what the client sent: refused rather than guessed at.
 * @throws MalformedRequestError (`ERR_MALFORMED_REQUEST`).
 */
function originalTarget(value: string): string {
  if (value === '' || parseRequestTarget(value).form !== 'origin') {
    throw new MalformedRequestError('The original-URL header of the trusted proxy is not a request path');
  }
  return value;
}

/** What to verify against: the request target, the header pairs and the scheme (`http`/`https`). */
export interface ProxiedTarget {
  url: string;
  headers: [string, string][];
  scheme: string;
}

/**
 * Applies the trusted-proxy options to a received request: the original request target replaces the raw
 * one, the original host replaces `host`, and the original scheme replaces the connection's. Untrusted peers,
 * or headers not configured, change nothing.
 *
 * @param url - the raw request target from the request line.
 * @param headers - ordered pairs, lower-case names.
 * @param scheme - the scheme of the connection the request came on.
 * @param remoteAddress - reads the immediate peer's address (only called when a proxy is configured).
 * @returns the request target, headers and scheme to verify.
 * @throws MalformedRequestError (`ERR_MALFORMED_REQUEST`) when the trusted proxy's original URL is not a path.
 */
export function applyTrustedProxy(
  url: string, headers: [string, string][], scheme: string, trust: TrustProxyOptions | undefined, remoteAddress: () => string | undefined,
): ProxiedTarget {
  if (trust === undefined || !isTrustedPeer(trust, remoteAddress())) return { url, headers, scheme };
  let target = url;
  let pairs = headers;
  let proto = scheme;
  if (trust.originalUrlHeader !== undefined) {
    const original = lastValue(headers, trust.originalUrlHeader.toLowerCase())?.replace(/^[ \t]+|[ \t]+$/g, '');
    if (original !== undefined) target = originalTarget(original);
  }
  if (trust.forwardedHostHeader !== undefined) {
    const host = lastEntry(lastValue(headers, trust.forwardedHostHeader.toLowerCase()));
    if (host !== undefined) pairs = [...headers.filter(([name]) => name !== 'host'), ['host', host]];
  }
  if (trust.forwardedProtoHeader !== undefined) {
    const forwarded = lastEntry(lastValue(headers, trust.forwardedProtoHeader.toLowerCase()))?.toLowerCase();
    if (forwarded === 'http' || forwarded === 'https') proto = forwarded;
  }
  return { url: target, headers: pairs, scheme: proto };
}
