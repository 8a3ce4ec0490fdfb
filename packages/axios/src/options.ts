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

/** The limit and redirect policy only the axios adapter has. */
export interface AxiosLimits {
  /**
   * Largest stream body buffered to be signed, in bytes. Default {@link DEFAULT_MAX_BODY_BYTES}. A larger
   * stream is refused with a `BodyTooLargeError` (`ERR_BODY_TOO_LARGE`) before anything is sent.
   */
  maxBodyBytes?: number | undefined;
  /**
   * Sign a redirect hop whose origin (scheme, host or port) differs from the request's. Default `false`: like
   * browsers drop `Authorization`, a redirect to another origin is followed WITHOUT any signature or
   * credential header (nor `auth`), and every later hop of that chain stays unsigned, so a server cannot make
   * the client hand its signature (valid for the same path at the original server when `host` is not signed)
   * to another origin. Set `true` only when every origin you may be redirected to is trusted. An https → http
   * downgrade is never signed, whatever this option says.
   */
  signCrossOriginRedirects?: boolean | undefined;
}

/**
 * Splits the adapter limit from the options passed on to core `sign`. Internal.
 *
 * @param options - the caller's options.
 * @returns the signing options, the resolved limit and redirect policy.
 * @throws RangeError when `maxBodyBytes` is not a non-negative integer; TypeError when
 *   `signCrossOriginRedirects` is not a boolean.
 */
export function splitOptions(options: AxiosSignatureOptions): {
  signing: SigningOptions;
  maxBodyBytes: number;
  signCrossOriginRedirects: boolean;
} {
  const { maxBodyBytes = DEFAULT_MAX_BODY_BYTES, signCrossOriginRedirects = false, ...signing } = options;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) throw new RangeError('maxBodyBytes must be a non-negative integer');
  if (typeof signCrossOriginRedirects !== 'boolean') throw new TypeError('signCrossOriginRedirects must be a boolean');
  return { signing, maxBodyBytes, signCrossOriginRedirects };
}

export { DEFAULT_MAX_BODY_BYTES };
