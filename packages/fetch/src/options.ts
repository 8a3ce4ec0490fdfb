/**
 * Options of {@link signedFetch}: core's shared {@link SigningOptions} plus the two limits only a client has.
 *
 * @packageDocumentation
 */
import { DEFAULT_MAX_BODY_BYTES, splitClientOptions } from '@httpsig/core/adapter';
import type { SigningOptions } from '@httpsig/core';
import type { ClientOptions, Knocker } from '@httpsig/core/adapter';

/** The most redirects followed, like fetch (WHATWG Fetch §4.4 step 4). */
export const DEFAULT_MAX_REDIRECTS: number = 20;

/**
 * How {@link signedFetch} signs: the shared {@link SigningOptions} of `@httpsig/core` (key, keyId, algorithm,
 * headers to sign, digest, scheme — draft-cavage or RFC 9421), the adapter limits, and `doubleKnock`.
 */
export type SignedFetchOptions = SigningOptions & FetchLimits;

/** The limits of a fetch client: core's {@link ClientOptions} and how many redirects to follow. */
export interface FetchLimits extends ClientOptions {
  /** Most redirects to follow (each same-origin one re-signed). Default {@link DEFAULT_MAX_REDIRECTS}. */
  maxRedirects?: number | undefined;
}

/** A function with the signature of `fetch` (`RequestInfo` spelled out, so that the types need no DOM library). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Splits adapter limits from the options passed on to core `sign`. Internal.
 *
 * @param options - the caller's options.
 * @returns the signing options, the resolved limits and core's double-knock policy.
 * @throws RangeError for an invalid limit; TypeError when `signCrossOriginRedirects` is not a boolean or
 *   `doubleKnock` is invalid.
 */
export function splitOptions(options: SignedFetchOptions): {
  signing: SigningOptions;
  maxBodyBytes: number;
  maxRedirects: number;
  signCrossOriginRedirects: boolean;
  knocker: Knocker;
} {
  const { maxRedirects = DEFAULT_MAX_REDIRECTS, ...rest } = options;
  if (!Number.isSafeInteger(maxRedirects) || maxRedirects < 0) throw new RangeError('maxRedirects must be a non-negative integer');
  return { ...splitClientOptions(rest), maxRedirects };
}

export { DEFAULT_MAX_BODY_BYTES };
