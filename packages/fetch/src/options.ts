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
  /** Most redirects to follow (each one re-signed). Default {@link DEFAULT_MAX_REDIRECTS}. */
  maxRedirects?: number | undefined;
}

/** A function with the signature of `fetch`. */
export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/**
 * Splits adapter limits from the options passed on to core `sign`. Internal.
 *
 * @param options - the caller's options.
 * @returns the signing options and the resolved limits.
 */
export function splitOptions(options: SignedFetchOptions): {
  signing: SigningOptions;
  maxBodyBytes: number;
  maxRedirects: number;
} {
  const { maxBodyBytes = DEFAULT_MAX_BODY_BYTES, maxRedirects = DEFAULT_MAX_REDIRECTS, ...signing } = options;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) throw new RangeError('maxBodyBytes must be a non-negative integer');
  if (!Number.isSafeInteger(maxRedirects) || maxRedirects < 0) throw new RangeError('maxRedirects must be a non-negative integer');
  return { signing, maxBodyBytes, maxRedirects };
}

export { DEFAULT_MAX_BODY_BYTES };
