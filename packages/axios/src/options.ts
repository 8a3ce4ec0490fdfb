/**
 * Options of {@link withHttpSignature}: core's shared {@link SigningOptions} plus the body limit.
 *
 * @packageDocumentation
 */
import { DEFAULT_MAX_BODY_BYTES } from '@httpsig/core';
import type { SigningOptions } from '@httpsig/core';

/** Redirects followed when the request config does not set `maxRedirects` (follow-redirects' default). */
export const DEFAULT_MAX_REDIRECTS: number = 21;

/**
 * How {@link withHttpSignature} signs: the shared options of `@httpsig/core` (draft-cavage or RFC 9421) and the
 * adapter limit.
 */
export type AxiosSignatureOptions = SigningOptions & AxiosLimits;

/** The limit only the axios adapter has. */
export interface AxiosLimits {
  /**
   * Largest stream body buffered to be signed, in bytes. Default {@link DEFAULT_MAX_BODY_BYTES}. A larger
   * stream is refused with a `BodyTooLargeError` (`ERR_BODY_TOO_LARGE`) before anything is sent.
   */
  maxBodyBytes?: number | undefined;
}

/**
 * Splits the adapter limit from the options passed on to core `sign`. Internal.
 *
 * @param options - the caller's options.
 * @returns the signing options and the resolved limit.
 * @throws RangeError when `maxBodyBytes` is not a non-negative integer.
 */
export function splitOptions(options: AxiosSignatureOptions): { signing: SigningOptions; maxBodyBytes: number } {
  const { maxBodyBytes = DEFAULT_MAX_BODY_BYTES, ...signing } = options;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) throw new RangeError('maxBodyBytes must be a non-negative integer');
  return { signing, maxBodyBytes };
}

export { DEFAULT_MAX_BODY_BYTES };
