/**
 * Options of {@link httpSignature}, and the few shapes of got it touches (structural, so this package has no
 * type or runtime import of got, which is ESM-only).
 *
 * @packageDocumentation
 */
import { DEFAULT_MAX_BODY_BYTES } from '@httpsig/core';
import type { SigningOptions } from '@httpsig/core';

/**
 * How {@link httpSignature} signs: the shared options of `@httpsig/core` (draft-cavage or RFC 9421) and the
 * adapter limit.
 */
export type GotSignatureOptions = SigningOptions & GotLimits;

/** The limit only the got adapter has. */
export interface GotLimits {
  /**
   * Largest stream body buffered to be signed, in bytes. Default {@link DEFAULT_MAX_BODY_BYTES}. A larger
   * stream is refused with a `BodyTooLargeError` (`ERR_BODY_TOO_LARGE`, wrapped by got in a `RequestError`)
   * before anything is sent.
   */
  maxBodyBytes?: number | undefined;
}

/** The parts of got's normalised `Options` a hook reads and writes. */
export interface GotRequestOptions {
  /** The final URL: got has merged `prefixUrl` and `searchParams` into it. */
  url?: string | URL | undefined;
  /** The HTTP method, upper-case. */
  method: string;
  /** The request headers, lower-case names; the signature headers are written here. */
  headers: Record<string, string | string[] | undefined>;
  /** The finalised body: `json`/`form` are already serialised to a string, `FormData` is an encoder stream. */
  body?: unknown;
}

/** What {@link httpSignature} returns: hooks for `got.extend(...)`. */
export interface GotSignatureExtension {
  /** got hooks. */
  hooks: {
    /** Signs each request, and each retry, after got has finalised the body. */
    beforeRequest: Array<(options: GotRequestOptions) => Promise<undefined>>;
    /** Drops the previous hop's signature, date and digest and signs the redirected request. */
    beforeRedirect: Array<(updatedOptions: GotRequestOptions) => Promise<void>>;
  };
}

/**
 * Splits the adapter limit from the options passed on to core `sign`. Internal.
 *
 * @param options - the caller's options.
 * @returns the signing options and the resolved limit.
 * @throws RangeError when `maxBodyBytes` is not a non-negative integer.
 */
export function splitOptions(options: GotSignatureOptions): { signing: SigningOptions; maxBodyBytes: number } {
  const { maxBodyBytes = DEFAULT_MAX_BODY_BYTES, ...signing } = options;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) throw new RangeError('maxBodyBytes must be a non-negative integer');
  return { signing, maxBodyBytes };
}

export { DEFAULT_MAX_BODY_BYTES };
