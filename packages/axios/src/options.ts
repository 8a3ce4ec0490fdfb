/**
 * Options of {@link withHttpSignature}: core's shared {@link SigningOptions} plus the body limit.
 *
 * @packageDocumentation
 */
import { DEFAULT_MAX_BODY_BYTES, splitClientOptions } from '@httpsig/core';
import type { ClientOptions, SigningOptions } from '@httpsig/core';

/** Redirects followed when the request config does not set `maxRedirects` (follow-redirects' default). */
export const DEFAULT_MAX_REDIRECTS: number = 21;

/**
 * How {@link withHttpSignature} signs: the shared options of `@httpsig/core` (draft-cavage or RFC 9421) and the
 * adapter limit.
 */
export type AxiosSignatureOptions = SigningOptions & AxiosLimits;

/** The limit and redirect policy of the adapter: core's {@link ClientOptions}. */
export type AxiosLimits = ClientOptions;

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
  return splitClientOptions(options);
}

export { DEFAULT_MAX_BODY_BYTES };
