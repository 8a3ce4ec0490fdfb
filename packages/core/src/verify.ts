/**
 * Verification, whichever the scheme: draft-cavage (`src/cavage/`) or RFC 9421 (`src/rfc9421/`).
 * @packageDocumentation
 */
import { verifyCavage } from './cavage/verify.js';
import type { VerifyOptions, VerifyResult } from './cavage/types.js';
import { verifyRfc9421 } from './rfc9421/verify.js';
import type { Rfc9421Message, VerifyRfc9421Options, VerifyRfc9421Result } from './rfc9421/types.js';
import type { SignableRequest } from './types.js';
import { verifyAuto, type AutoVerifiableRequest, type VerifyAutoOptions, type VerifyAutoResult } from './verify-auto.js';

export { DEFAULT_REQUIRED_HEADERS, DEFAULT_CLOCK_SKEW } from './cavage/verify.js';

/**
 * Verifies a signed request. In order: the request target and `Host`, size caps and parsing, the required headers
 * policy, clock skew on `Date`/`created`/`expires`, the key lookup, the algorithm bound to the key, the signature
 * itself (HMAC compared in constant time); then, for a signature that verified, the body digest (a lazy `body` is
 * read only then); last, the replay record. Every failure throws; success returns what was verified. With
 * `requestTarget: 'with-or-without-query'`, a signature that does not verify over the draft's `(request-target)` is
 * checked once more over the path without the query (same key, no second lookup), and the result then says
 * `queryUnsigned: true`. `algorithm="ed25519-sha512"` is read as `ed25519` (an Ed25519 key only).
 *
 * @param request - `{ method, url, headers }` as received; `url` is the raw request target (`req.url`), an
 *   absolute URL only when its authority is the `Host` (or there is no `Host`).
 * @param options - key lookup, required headers, clock skew, body, limits.
 * @returns the verified keyId, algorithm, signed headers, the signed `created`/`expires` and signing string.
 * @throws {@link MissingSignatureError} `ERR_SIGNATURE_MISSING` — no signature header.
 * @throws {@link HeaderTooLargeError} `ERR_HEADER_TOO_LARGE` — over a size cap.
 * @throws {@link MalformedRequestError} `ERR_MALFORMED_REQUEST` — checked first: the request target is none of the
 *   four forms of RFC 9112 §3.2 (a path, an absolute URL, `*` for OPTIONS, `host:port` for CONNECT), or carries a
 *   fragment, a byte RFC 3986 does not allow in it, a bare `%`, or a leading `//`; or `Host` is repeated, is not
 *   `host[:port]` (userinfo, spaces, …), or differs from the authority of an absolute-form target (see
 *   {@link core/src/adapter!parseRequestTarget}). Nothing an application could read differently from the signing string is verified.
 * @throws {@link MalformedSignatureError} `ERR_MALFORMED_SIGNATURE` — unparsable signature header.
 * @throws {@link HeaderNotSignedError} `ERR_HEADER_NOT_SIGNED` — a required header is not covered.
 * @throws {@link MalformedRequestError} `ERR_MALFORMED_REQUEST` — a signed header that node:http keeps only once
 *   ({@link core/src/adapter!SINGLETON_HEADERS}) came more than once (seen in `[name, value]` pairs or array values).
 * @throws {@link MissingHeaderError} `ERR_MISSING_HEADER` — a signed header is absent.
 * @throws {@link InvalidDateError}, {@link ExpiredSignatureError}, {@link NotYetValidSignatureError} — time checks.
 *   A signed `(created)`/`(expires)` without its parameter is {@link MissingHeaderError}; a `created`/`expires`
 *   parameter whose pseudo-header is not signed is ignored (not checked, not reported).
 * @throws {@link UnknownKeyError} `ERR_UNKNOWN_KEY` — the lookup returned nothing.
 * @throws {@link AlgorithmNotAllowedError} `ERR_ALGORITHM_NOT_ALLOWED` — algorithm unknown, not allowed, or unfit for the key.
 * @throws {@link InvalidKeyError} `ERR_INVALID_KEY` — the looked-up key cannot be used (wrong type, an empty
 *   HMAC secret, public-key material given as an HMAC secret, an RSA key under `minRsaBits`, unreadable key).
 * @throws {@link DigestMissingError}, {@link DigestMismatchError} — body integrity.
 * @throws {@link SignatureMismatchError} `ERR_SIGNATURE_MISMATCH` — the signature does not verify.
 * @throws {@link ReplayedSignatureError} `ERR_SIGNATURE_REPLAYED` — with a `replayStore`: the signature was already
 *   accepted; {@link ReplayStoreUnavailableError} `ERR_REPLAY_STORE_UNAVAILABLE` — the store cannot record it (full,
 *   unreachable); {@link ReplayWindowTooLongError} `ERR_REPLAY_WINDOW_TOO_LONG` — valid beyond `maxReplayWindow`.
 * @throws RangeError when `now` is not a finite number or valid Date, or `clockSkew` is not a finite number >= 0.
 * @example
 * ```ts
 * const result = await verify({ method: req.method!, url: req.url!, headers: req.headers }, {   // req: node:http
 *   keyLookup: async (keyId) => ({ key: await secretFor(keyId), algorithms: ['hmac-sha256'] }),
 * })
 * ```
 * @see https://datatracker.ietf.org/doc/html/draft-cavage-http-signatures-12#section-2.5
 */
export function verify(request: SignableRequest, options: VerifyOptions): Promise<VerifyResult>;
/**
 * Verifies an RFC 9421 signature (see {@link core/src/rfc9421!verifyRfc9421}): the same call with `scheme: 'rfc9421'`.
 * @param message - the request or response as received.
 * @param options - RFC 9421 verification options with `scheme: 'rfc9421'`.
 * @returns the verified label, keyId, algorithm, components, parameters and signature base.
 */
export function verify(message: Rfc9421Message, options: VerifyRfc9421Options & { scheme: 'rfc9421' }): Promise<VerifyRfc9421Result>;
/**
 * Verifies a request signed with either scheme (`scheme: 'auto'`), chosen by the request's own fields: RFC 9421
 * when it carries `Signature-Input` (its `Signature` then belongs to RFC 9421), else draft-cavage from
 * `Authorization: Signature` or `Signature` (as `cavage.scheme` says). Fails closed: a request with both a
 * `Signature-Input` and an `Authorization: Signature` is refused (`ERR_MALFORMED_SIGNATURE`) rather than verified
 * by one of them — the other would be an unverified credential beside a verified one, for the application (or a
 * proxy) to read as it likes; one with neither is `ERR_SIGNATURE_MISSING`. Nothing is tried twice: the request is
 * verified by one scheme only, whose failure is the answer (no fallback from a failing RFC 9421 signature to
 * draft-cavage).
 * @param request - the request as received (with `scheme`, `https` or `http`, for RFC 9421 `@target-uri`).
 * @param options - `{ scheme: 'auto', cavage, rfc9421 }`: each scheme's full options.
 * @returns that scheme's result with `scheme: 'cavage' | 'rfc9421'`.
 * @throws the errors of the scheme used; {@link MalformedSignatureError} for both credentials.
 * @example
 * ```ts
 * const result = await verify({ method: req.method!, url: req.url!, headers: req.headers }, {   // req: node:http
 *   scheme: 'auto',
 *   cavage: { keyLookup: cavageLookup, scheme: 'signature' },
 *   rfc9421: { keyLookup: rfc9421Lookup, requiredComponents: ['@method', '@target-uri'] },
 * })
 * if (result.scheme === 'rfc9421') console.log(result.label)
 * ```
 */
export function verify(request: AutoVerifiableRequest, options: VerifyAutoOptions): Promise<VerifyAutoResult>;
export function verify(
  request: SignableRequest | Rfc9421Message,
  options: VerifyOptions | (VerifyRfc9421Options & { scheme: 'rfc9421' }) | VerifyAutoOptions,
): Promise<VerifyResult | VerifyRfc9421Result | VerifyAutoResult> {
  if (options?.scheme === 'auto') return verifyAuto(request as AutoVerifiableRequest, options);
  // Passed on as given (no copy per call): verifyRfc9421 does not read `scheme`.
  if (options?.scheme === 'rfc9421') return verifyRfc9421(request as Rfc9421Message, options);
  return verifyCavage(request as SignableRequest, options);
}

