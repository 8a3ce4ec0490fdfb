/**
 * Verification that accepts either scheme in one call (`scheme: 'auto'` of the root {@link core/src!verify}): the
 * message's own fields say which one it is signed with, and each scheme keeps its full, separate options.
 * @packageDocumentation
 */
import { hasSignatureScheme, verifyCavage } from './cavage/verify.js';
import type { VerifyOptions, VerifyResult } from './cavage/types.js';
import { MalformedSignatureError } from './errors.js';
import { normalizeHeaders } from './headers.js';
import { verifyRfc9421 } from './rfc9421/verify.js';
import type { VerifyRfc9421Options, VerifyRfc9421Result } from './rfc9421/types.js';
import type { SignableRequest } from './types.js';

/**
 * Options of a verification that accepts draft-cavage and RFC 9421 (`scheme: 'auto'`): the options of each scheme,
 * used as they are for a request signed with it. Each has its own key lookup (`@httpsig/keys` makes one per scheme
 * over one shared cache), policy and clock.
 */
export interface VerifyAutoOptions {
  /** Selects the scheme by the request's fields (see {@link core/src!verify}). */
  scheme: 'auto';
  /** For a request without `Signature-Input`: draft-cavage, read from `Authorization: Signature` or `Signature` per its `scheme`. */
  cavage: VerifyOptions;
  /** For a request with `Signature-Input`: RFC 9421. */
  rfc9421: VerifyRfc9421Options;
}

/**
 * A request as received, for a `scheme: 'auto'` verification: `{ method, url, headers }` and, for RFC 9421's
 * `@scheme` and `@target-uri` when `url` is the origin form, the URI scheme the server knows from its listener.
 */
export type AutoVerifiableRequest = SignableRequest & { scheme?: string | undefined };

/** What a `scheme: 'auto'` verification returns: the result of the scheme that verified, which `scheme` names. */
export type VerifyAutoResult = (VerifyResult & { scheme: 'cavage' }) | (VerifyRfc9421Result & { scheme: 'rfc9421' });

/**
 * Which scheme a request is signed with: RFC 9421 when it has a `Signature-Input` field, else draft-cavage.
 * Internal.
 * @param headers - the request's headers.
 * @returns `'rfc9421'` or `'cavage'`.
 * @throws MalformedSignatureError when the request carries both a `Signature-Input` and an
 *   `Authorization: Signature` (two credentials: refused, never one of them chosen).
 */
export function schemeOf(headers: SignableRequest['headers']): 'cavage' | 'rfc9421' {
  let input = false;
  let authorization = false;
  for (const [name, value] of normalizeHeaders(headers)) {
    if (name === 'signature-input') input = true;
    else if (name === 'authorization' && hasSignatureScheme(value)) authorization = true;
  }
  if (input && authorization) {
    throw new MalformedSignatureError('The request carries both an RFC 9421 signature and an Authorization: Signature header');
  }
  return input ? 'rfc9421' : 'cavage';
}

/**
 * The `scheme: 'auto'` path of {@link core/src!verify}. Internal.
 * @param request - the request as received.
 * @param options - both schemes' options.
 * @returns the result of the scheme the request is signed with, tagged with `scheme`.
 */
export async function verifyAuto(request: AutoVerifiableRequest, options: VerifyAutoOptions): Promise<VerifyAutoResult> {
  if (typeof options.cavage !== 'object' || options.cavage === null || typeof options.rfc9421 !== 'object' || options.rfc9421 === null) {
    throw new TypeError("scheme: 'auto' needs both cavage and rfc9421 options");
  }
  if (schemeOf(request.headers) === 'rfc9421') {
    const { scheme: _scheme, ...rfc9421 } = options.rfc9421 as VerifyRfc9421Options & { scheme?: unknown };
    return { ...(await verifyRfc9421(request, rfc9421)), scheme: 'rfc9421' };
  }
  return { ...(await verifyCavage(request, options.cavage)), scheme: 'cavage' };
}
