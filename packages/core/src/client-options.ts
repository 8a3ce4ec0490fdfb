/**
 * The options every HTTP client adapter adds to the signing options, and the redirect policy they share.
 * @packageDocumentation
 */
import { DEFAULT_MAX_BODY_BYTES } from './body-stream.js';
import { createKnocker, type DoubleKnockSetting, type Knocker } from './double-knock.js';
import type { SigningOptions } from './sign-options.js';
import type { DoubleKnockOptions } from './double-knock.js';

/** What a client adapter adds to the signing options. */
export interface ClientOptions {
  /**
   * Largest stream body buffered to be signed, in bytes. Default {@link DEFAULT_MAX_BODY_BYTES}. A larger stream is
   * refused with a `BodyTooLargeError` (`ERR_BODY_TOO_LARGE`) before anything is sent.
   */
  maxBodyBytes?: number | undefined;
  /**
   * Sign redirect hops that go to another origin (scheme, host or port). Default `false`: such hops, and every hop
   * after them, go out unsigned, as browsers drop `Authorization` — otherwise the other origin would receive a
   * signature that may be valid at the first one. An https → http downgrade is never signed.
   */
  signCrossOriginRedirects?: boolean | undefined;
  /**
   * Double-knocking (default off): sign with these options first and, when the server refuses (a 401, or a 4xx with
   * an `Accept-Signature` challenge), once more with the other spec (draft-cavage ↔ RFC 9421); the spec that worked
   * is remembered per origin (bounded, expiring). `true` derives the other spec's options from the same key and
   * keyId; see {@link DoubleKnockOptions}. A stream body is never sent twice.
   */
  doubleKnock?: DoubleKnockSetting;
}

/**
 * Separates the client options from the signing options passed on to core, with defaults applied.
 *
 * @param options - the caller's options.
 * @returns the signing options, the resolved client options and the double-knock policy (see {@link createKnocker}).
 * @throws RangeError when `maxBodyBytes` is not a non-negative integer; TypeError when `signCrossOriginRedirects`
 *   is not a boolean; the errors of {@link createKnocker} for a bad `doubleKnock`.
 * @example
 * ```ts
 * const { signing, maxBodyBytes, signCrossOriginRedirects } = splitClientOptions(options)
 * ```
 */
export function splitClientOptions(options: SigningOptions & ClientOptions): {
  signing: SigningOptions;
  maxBodyBytes: number;
  signCrossOriginRedirects: boolean;
  knocker: Knocker;
} {
  const { maxBodyBytes = DEFAULT_MAX_BODY_BYTES, signCrossOriginRedirects = false, doubleKnock, ...signing } = options;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) throw new RangeError('maxBodyBytes must be a non-negative integer');
  if (typeof signCrossOriginRedirects !== 'boolean') throw new TypeError('signCrossOriginRedirects must be a boolean');
  // What is left of signing options without the two client keys is signing options (TypeScript's rest type of a
  // union loses the `scheme` discriminant, hence the assertion).
  return { signing: signing as SigningOptions, maxBodyBytes, signCrossOriginRedirects, knocker: createKnocker(signing as SigningOptions, doubleKnock) };
}

/**
 * Whether a redirect from `from` to `to` may carry a signature: always for the same origin (scheme, host and port),
 * for another origin only when `signCrossOrigin` is set, never for an https → http downgrade.
 *
 * @param from - the URL of the hop that was redirected.
 * @param to - the redirect target.
 * @param signCrossOrigin - the `signCrossOriginRedirects` option.
 * @returns true when the next hop may be signed.
 * @example
 * ```ts
 * mayRedirectCarrySignature(new URL('https://a.example/x'), new URL('https://b.example/x'), false) // false
 * ```
 */
export function mayRedirectCarrySignature(from: URL, to: URL, signCrossOrigin: boolean): boolean {
  if (from.protocol === 'https:' && to.protocol !== 'https:') return false;
  // Two URLs with an opaque origin (`"null"`, e.g. a non-HTTP scheme) are never the same origin.
  return (to.origin !== 'null' && to.origin === from.origin) || signCrossOrigin;
}
