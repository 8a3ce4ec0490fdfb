/**
 * Verifying a node:http `IncomingMessage` (shared by node:http, Express and the Fastify raw request). Internal.
 * @packageDocumentation
 */
import { MalformedRequestError } from '@httpsig/core';
import { sameAuthority } from '@httpsig/core/adapter';
import type { IncomingMessage } from 'node:http';
import type { ServerVerifyOptions, SignatureVerification, TrustProxyOptions } from '../types.js';
import { checkDeclaredLength, mayHaveBody, readNodeBody } from './node-body.js';
import { applyTrustedProxy, type ProxiedTarget } from './proxy.js';
import { verifiedTarget } from './target.js';
import { bodyLimitOf, bodyTimeoutOf, verifyMessageSync, withHooks, type ReceivedMessage } from './verify-message.js';

const EMPTY_BODY = new Uint8Array(0);

/** Ordered `[name, value]` pairs, lower-case names, from the raw header lines (repeats kept in order). */
export function rawHeaderPairs(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([(rawHeaders[i] as string).toLowerCase(), rawHeaders[i + 1] as string]);
  return pairs;
}

/**
 * The header pairs of a received request. Over HTTP/2 and later the authority comes as the `:authority`
 * pseudo-header and `Host` is usually absent (RFC 9113 §8.3.1): it then stands as `host`, as HTTP/1.1 sends it,
 * so a signed `host` (draft-cavage) or `@authority` (RFC 9421) verifies.
 */
export function requestHeaderPairs(req: Pick<IncomingMessage, 'rawHeaders' | 'httpVersionMajor'>): [string, string][] {
  const pairs = rawHeaderPairs(req.rawHeaders);
  if (req.httpVersionMajor < 2) return pairs;
  let authority: string | undefined;
  let host: string | undefined;
  for (const [name, value] of pairs) {
    if (name === 'host') host = value;
    else if (name === ':authority') authority = value;
  }
  if (authority === undefined) return pairs;
  if (host === undefined) {
    pairs.push(['host', authority]);
    return pairs;
  }
  // RFC 9113 §8.3.1: a Host that differs from :authority makes the request malformed (frameworks read either).
  if (!sameAuthority(authority, host, undefined)) throw new MalformedRequestError('The :authority of an HTTP/2 request differs from its Host');
  return pairs;
}

/** The scheme of the connection a request came on: `https` over TLS, else `http`. */
export function connectionScheme(req: Pick<IncomingMessage, 'socket'>): 'http' | 'https' {
  return (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true ? 'https' : 'http';
}

/**
 * The request target exactly as in the request line (checked, an absolute form turned into its origin form), the
 * headers and the connection's scheme, after trusted-proxy handling.
 * @param pairs - the header pairs of `req`, when already built.
 * @throws MalformedRequestError (`ERR_MALFORMED_REQUEST`) for a target or a proxy's original URL that an
 *   application may read differently (see `verifiedTarget`).
 */
export function nodeTarget(
  req: IncomingMessage, rawUrl: string, trust: TrustProxyOptions | undefined, pairs: [string, string][] = requestHeaderPairs(req),
): ProxiedTarget {
  const url = verifiedTarget(req.method ?? 'GET', rawUrl, pairs);
  return applyTrustedProxy(url, pairs, connectionScheme(req), trust, () => req.socket?.remoteAddress);
}

/**
 * Reads the body (re-exposing it) and verifies the request.
 *
 * @param rawUrl - the request target from the request line (`req.url`, or Express' `req.originalUrl`).
 */
export async function verifyIncoming(req: IncomingMessage, rawUrl: string, options: ServerVerifyOptions): Promise<SignatureVerification> {
  return verifyIncomingSync(req, rawUrl, options);
}

/**
 * {@link verifyIncoming} without a forced promise: a request without a body, verified with a synchronous key
 * lookup, no replay store and no hooks, gets its result in the same tick. Failures may be thrown.
 */
export function verifyIncomingSync(req: IncomingMessage, rawUrl: string, options: ServerVerifyOptions): SignatureVerification | Promise<SignatureVerification> {
  const pairs = requestHeaderPairs(req);
  const hasBody = mayHaveBody(req.httpVersionMajor, pairs);
  if (options.onError === undefined && options.onVerified === undefined) return verifyReceived(req, rawUrl, pairs, hasBody, options);
  return withHooks(options, () => verifyReceived(req, rawUrl, pairs, hasBody, options));
}

/**
 * Verifies the request. Its body, when it may have one, is read only once core has checked everything the
 * headers carry and the signature bytes verified: an unsigned or forged request is refused without reading a
 * body byte, and a request without a body is verified right here.
 */
function verifyReceived(
  req: IncomingMessage, rawUrl: string, pairs: [string, string][], hasBody: boolean, options: ServerVerifyOptions,
): SignatureVerification | Promise<SignatureVerification> {
  if (!hasBody) return verifyWithBody(req, rawUrl, pairs, EMPTY_BODY, options);
  // A declared length over the limit is refused from the headers (nothing is read).
  const limit = bodyLimitOf(options);
  checkDeclaredLength(req.headers, limit);
  const timeout = bodyTimeoutOf(options);
  return verifyWithBody(req, rawUrl, pairs, () => readNodeBody(req, limit, timeout), options);
}

/** Verifies the request with its body, or the function that reads it. */
function verifyWithBody(
  req: IncomingMessage, rawUrl: string, pairs: [string, string][], body: ReceivedMessage['body'], options: ServerVerifyOptions,
): SignatureVerification | Promise<SignatureVerification> {
  // Only RFC 9421 signs the scheme (`@scheme`, `@target-uri`); draft-cavage never reads it.
  const { url, headers, scheme } = nodeTarget(req, rawUrl, options.trustProxy, pairs);
  return verifyMessageSync({ method: req.method ?? 'GET', url, headers, body, scheme }, options);
}
