/**
 * Signing a request the way an HTTP client is about to send it: the one step every client adapter shares.
 * @packageDocumentation
 */
import { normalizeHeaders } from './headers.js';
import { sign } from './sign.js';
import type { SigningOptions } from './sign-options.js';
import type { HeadersInit, SignResult } from './types.js';

const EMPTY = new Uint8Array(0);

/** A request as a client is about to send it. */
export interface OutgoingRequest {
  /** The method, any case. */
  method: string;
  /** The final URL (base URL, path and query already merged, as the client will request it). */
  url: URL;
  /** The headers the client will send (without the signature yet). */
  headers: HeadersInit;
  /** The exact body bytes the client will send, if any. */
  body?: Uint8Array | undefined;
}

/**
 * Signs an outgoing request with either scheme. The URL is signed as sent: its path and query for
 * draft-cavage `(request-target)`, its scheme and authority too for RFC 9421; the fragment never. `Host` is taken
 * from the URL when the headers have none (the port only when it is not the default, as clients send it). The body
 * is digested only when `options.digest` is set, and an absent body then digests as empty.
 *
 * @param request - the method, final URL, headers and body bytes.
 * @param options - the shared signing options.
 * @returns the headers to add and the signed string.
 * @throws {@link core/src!MissingHeaderError} when a header to sign is absent; the other errors of {@link core/src!sign}.
 * @example
 * ```ts
 * const { headers } = await signOutgoing({ method: 'POST', url: new URL(finalUrl), headers: pairs, body: bytes }, options)
 * ```
 */
export function signOutgoing(request: OutgoingRequest, options: SigningOptions): Promise<SignResult> {
  const signable = outgoingMessage(request);
  return sign(signable, options.digest === undefined ? options : { ...options, body: outgoingBody(request) });
}

/**
 * The request as it is signed: the URL without its fragment, and `Host` from the URL when the headers have none.
 * Internal (shared with the double-knock retry that signs for an `Accept-Signature`).
 *
 * @param request - the outgoing request.
 * @returns the method, absolute URL and header pairs.
 */
export function outgoingMessage(request: OutgoingRequest): { method: string; url: string; headers: [string, string][] } {
  const { url } = request;
  const headers = normalizeHeaders(request.headers);
  if (!headers.some(([name]) => name === 'host')) headers.push(['host', url.host]);
  return { method: request.method, url: url.origin + url.pathname + url.search, headers };
}

/**
 * The bytes a digest covers: the body, or none (an absent body digests as empty). Internal.
 * @param request - the outgoing request.
 * @returns the body bytes.
 */
export function outgoingBody(request: OutgoingRequest): Uint8Array {
  return request.body ?? EMPTY;
}
