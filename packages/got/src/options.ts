/**
 * Options of {@link httpSignature}, and the few shapes of got it touches (structural, so this package has no
 * type or runtime import of got, which is ESM-only).
 *
 * @packageDocumentation
 */
import { DEFAULT_MAX_BODY_BYTES, splitClientOptions } from '@httpsig/core/adapter';
import type { SigningOptions } from '@httpsig/core';
import type { ClientOptions, Knocker } from '@httpsig/core/adapter';

/**
 * How {@link httpSignature} signs: the shared options of `@httpsig/core` (draft-cavage or RFC 9421) and the
 * adapter limit.
 */
export type GotSignatureOptions = SigningOptions & GotLimits;

/** The limit, redirect policy and double-knocking of the adapter: core's {@link ClientOptions}. */
export type GotLimits = ClientOptions;

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
  /** got's per-request context, copied to redirect hops and retries; marks a chain that is no longer signed. */
  context?: object | undefined;
  /** Basic-auth user name (got sends it as `Authorization: Basic`). */
  username?: string | undefined;
  /** Basic-auth password. */
  password?: string | undefined;
}

/** The parts of got's response to a redirect that `beforeRedirect` reads. */
export interface GotRedirectResponse {
  /** The URL of the hop that was answered with the redirect. */
  url: string;
}

/** The parts of got's response that the double-knock `afterResponse` hooks read. */
export interface GotKnockResponse {
  /** The status. */
  statusCode: number;
  /** The response headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** The request, with the options of its last hop. */
  request: { options: GotRequestOptions };
}

/** What {@link httpSignature} returns: hooks for `got.extend(...)`. */
export interface GotSignatureExtension {
  /** got hooks. */
  hooks: {
    /** Signs each request, and each retry, after got has finalised the body. */
    beforeRequest: Array<(options: GotRequestOptions) => Promise<undefined>>;
    /**
     * Drops the previous hop's signature, date and digest and signs the redirected request when it stays on the
     * same origin (or `signCrossOriginRedirects` allows it and it is not an https → http downgrade).
     */
    beforeRedirect: Array<(updatedOptions: GotRequestOptions, response: GotRedirectResponse) => Promise<void>>;
    /**
     * With `doubleKnock` (else empty): records the spec of an accepted request, and sends a refused one once more
     * signed with the other spec through got's `retryWithMergedOptions`.
     */
    afterResponse: Array<<R extends GotKnockResponse>(response: R, retryWithMergedOptions: (options: { preserveHooks?: true }) => unknown) => Promise<R>>;
  };
}

/**
 * Splits the adapter limit from the options passed on to core `sign`. Internal.
 *
 * @param options - the caller's options.
 * @returns the signing options, the resolved limit and redirect policy, and core's double-knock policy.
 * @throws RangeError when `maxBodyBytes` is not a non-negative integer; TypeError when
 *   `signCrossOriginRedirects` is not a boolean or `doubleKnock` is invalid.
 */
export function splitOptions(options: GotSignatureOptions): {
  signing: SigningOptions;
  maxBodyBytes: number;
  signCrossOriginRedirects: boolean;
  knocker: Knocker;
} {
  return splitClientOptions(options);
}

export { DEFAULT_MAX_BODY_BYTES };
