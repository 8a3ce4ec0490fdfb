/**
 * Options of {@link withHttpSignature}: core's shared {@link SigningOptions} plus the body limit.
 *
 * @packageDocumentation
 */
import { DEFAULT_MAX_BODY_BYTES, splitClientOptions } from '@httpsig/core/adapter';
import type { SigningOptions } from '@httpsig/core';
import type { ClientOptions, Knocker } from '@httpsig/core/adapter';

/** Redirects followed when the request config does not set `maxRedirects` (follow-redirects' default). */
export const DEFAULT_MAX_REDIRECTS: number = 21;

/**
 * How {@link withHttpSignature} signs: the shared options of `@httpsig/core` (draft-cavage or RFC 9421) and the
 * adapter limit.
 */
export type AxiosSignatureOptions = SigningOptions & AxiosLimits;

/** The limit, redirect policy and double-knocking of the adapter: core's {@link ClientOptions}. */
export type AxiosLimits = ClientOptions;

/**
 * Splits the adapter limit from the options passed on to core `sign`. Internal.
 *
 * @param options - the caller's options.
 * @returns the signing options, the resolved limit and redirect policy, and core's double-knock policy.
 * @throws RangeError when `maxBodyBytes` is not a non-negative integer; TypeError when
 *   `signCrossOriginRedirects` is not a boolean or `doubleKnock` is invalid.
 */
export function splitOptions(options: AxiosSignatureOptions): {
  signing: SigningOptions;
  maxBodyBytes: number;
  signCrossOriginRedirects: boolean;
  knocker: Knocker;
} {
  return splitClientOptions(options);
}

export { DEFAULT_MAX_BODY_BYTES };

/**
 * Refuses axios's `auth` option when the signature travels in the `Authorization` header (draft-cavage with the
 * default `scheme: 'authorization'`): axios would replace `Authorization: Signature …` with `Basic …` and send the
 * request unsigned. Internal.
 *
 * @param auth - the request config's `auth`.
 * @param signings - the signing options in use (both specs' with double-knocking).
 * @throws TypeError before anything is sent when both are set; use `scheme: 'signature'` (the `Signature`
 *   header) or RFC 9421, or drop `auth`.
 */
export function assertAuthCompatible(auth: unknown, signings: readonly SigningOptions[]): void {
  if (auth === undefined || auth === null) return;
  if (signings.every((signing) => signing.scheme === 'rfc9421' || signing.scheme === 'signature')) return;
  throw new TypeError(
    "axios's auth option would replace the Authorization: Signature header and send the request unsigned; " +
    "sign into the Signature header (scheme: 'signature') or leave auth unset",
  );
}
