/**
 * Options of {@link signedFetch}: core's shared {@link SigningOptions} plus the two limits only a client has.
 *
 * @packageDocumentation
 */
import { DEFAULT_MAX_BODY_BYTES } from '@httpsig/core';
import type { SigningOptions } from '@httpsig/core';

/** The most redirects followed, like fetch (WHATWG Fetch §4.4 step 4). */
export const DEFAULT_MAX_REDIRECTS: number = 20;

/**
 * How {@link signedFetch} signs: the shared {@link SigningOptions} of `@httpsig/core` (key, keyId, algorithm,
 * headers to sign, digest, scheme — draft-cavage or RFC 9421) and the adapter limits.
 */
export type SignedFetchOptions = SigningOptions & FetchLimits;

/** The limits only a fetch client has. */
export interface FetchLimits {
  /**
   * Largest body read from a stream to sign it, in bytes. Default {@link DEFAULT_MAX_BODY_BYTES}. A larger
   * stream is refused with a `BodyTooLargeError` (`ERR_BODY_TOO_LARGE`) before anything is sent.
   */
  maxBodyBytes?: number | undefined;
  /** Most redirects to follow (each same-origin one re-signed). Default {@link DEFAULT_MAX_REDIRECTS}. */
  maxRedirects?: number | undefined;
  /**
   * Sign a redirect hop whose origin (scheme, host or port) differs from the request's. Default `false`: like
   * browsers drop `Authorization`, a redirect to another origin is followed WITHOUT any signature or
   * credential header, and every later hop of that chain stays unsigned, so a server cannot make the client
   * hand its signature (valid for the same path at the original server when `host` is not signed) to another
   * origin. Set `true` only when every origin you may be redirected to is trusted. An https → http downgrade
   * is never signed, whatever this option says.
   */
  signCrossOriginRedirects?: boolean | undefined;
}

/** A function with the signature of `fetch`. */
export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/**
 * Splits adapter limits from the options passed on to core `sign`. Internal.
 *
 * @param options - the caller's options.
 * @returns the signing options and the resolved limits.
 * @throws RangeError for an invalid limit; TypeError when `signCrossOriginRedirects` is not a boolean.
 */
export function splitOptions(options: SignedFetchOptions): {
  signing: SigningOptions;
  maxBodyBytes: number;
  maxRedirects: number;
  signCrossOriginRedirects: boolean;
} {
  const { maxBodyBytes = DEFAULT_MAX_BODY_BYTES, maxRedirects = DEFAULT_MAX_REDIRECTS, signCrossOriginRedirects = false, ...signing } = options;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) throw new RangeError('maxBodyBytes must be a non-negative integer');
  if (!Number.isSafeInteger(maxRedirects) || maxRedirects < 0) throw new RangeError('maxRedirects must be a non-negative integer');
  if (typeof signCrossOriginRedirects !== 'boolean') throw new TypeError('signCrossOriginRedirects must be a boolean');
  return { signing, maxBodyBytes, maxRedirects, signCrossOriginRedirects };
}

export { DEFAULT_MAX_BODY_BYTES };
