/**
 * Verifying a node:http `IncomingMessage` (shared by node:http, Express and the Fastify raw request). Internal.
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http';
import type { ServerVerifyOptions, SignatureVerification } from '../types.js';
import { mayHaveBody, readNodeBody } from './node-body.js';
import { applyTrustedProxy } from './proxy.js';
import { bodyLimitOf, verifyMessageEager, withHooks } from './verify-message.js';

const EMPTY_BODY = new Uint8Array(0);

/** Ordered `[name, value]` pairs, lower-case names, from the raw header lines (repeats kept in order). */
export function rawHeaderPairs(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([(rawHeaders[i] as string).toLowerCase(), rawHeaders[i + 1] as string]);
  return pairs;
}

/** The request target exactly as in the request line, and the headers, after trusted-proxy handling. */
export function nodeTarget(req: IncomingMessage, rawUrl: string, options: ServerVerifyOptions): { url: string; headers: [string, string][] } {
  return applyTrustedProxy(rawUrl, rawHeaderPairs(req.rawHeaders), options.trustProxy, () => req.socket?.remoteAddress);
}

/**
 * Reads the body (re-exposing it) and verifies the request.
 *
 * @param rawUrl - the request target from the request line (`req.url`, or Express' `req.originalUrl`).
 */
export async function verifyIncoming(req: IncomingMessage, rawUrl: string, options: ServerVerifyOptions): Promise<SignatureVerification> {
  return verifyIncomingEager(req, rawUrl, options);
}

/**
 * {@link verifyIncoming} without a forced promise: a request without a body, verified with a synchronous key
 * lookup, no replay store and no hooks, gets its result in the same tick. Failures may be thrown.
 */
export function verifyIncomingEager(req: IncomingMessage, rawUrl: string, options: ServerVerifyOptions): SignatureVerification | Promise<SignatureVerification> {
  // A request without a body (most GETs) needs no stream handling: verified right here.
  const task = mayHaveBody(req)
    ? (): Promise<SignatureVerification> => readNodeBody(req, bodyLimitOf(options)).then((body) => verifyWithBody(req, rawUrl, body, options))
    : (): SignatureVerification | Promise<SignatureVerification> => verifyWithBody(req, rawUrl, EMPTY_BODY, options);
  return options.onError === undefined && options.onVerified === undefined ? task() : withHooks(options, task);
}

/** Verifies the request with its body already read. */
function verifyWithBody(req: IncomingMessage, rawUrl: string, body: Uint8Array, options: ServerVerifyOptions): SignatureVerification | Promise<SignatureVerification> {
  const { url, headers } = nodeTarget(req, rawUrl, options);
  const scheme = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true ? 'https' : 'http';
  return verifyMessageEager({ method: req.method ?? 'GET', url, headers, body, scheme }, options);
}
