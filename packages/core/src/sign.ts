/**
 * Signing, whichever the scheme: draft-cavage (`src/cavage/`) or RFC 9421 (`src/rfc9421/`).
 * @packageDocumentation
 */
import { signCavage } from './cavage/sign.js';
import type { CavageSignOptions } from './cavage/types.js';
import type { Rfc9421Message, Rfc9421SignOptions, SignRfc9421Result } from './rfc9421/types.js';
import type { SignOptions } from './sign-options.js';
import type { SignableRequest, SignResult } from './types.js';

export { DEFAULT_SIGNED_HEADERS } from './cavage/signing-plan.js';

/**
 * Signs a request. Computes the body digest when asked, adds `Date` when it is signed but missing, builds the
 * signing string, signs it and formats the `Authorization` (or `Signature`) header.
 *
 * @param request - `{ method, url, headers }`; `url` is absolute or a path with query, used exactly as sent.
 * @param options - key, keyId, algorithm, headers to sign, `created`/`expires`, scheme, body + digest.
 * @returns the headers to add to the request (lower-case names) and the signing string.
 * @throws {@link MissingHeaderError} when a header to sign is absent from the request.
 * @throws {@link AlgorithmNotAllowedError} when the algorithm is unknown or does not fit the key.
 * @throws {@link InvalidKeyError} when the key cannot be imported, is not a string/bytes/key object, is an RSA
 *   key shorter than `minRsaBits` (default 2048), a `CryptoKey` that is not a signing key, or an HMAC secret that
 *   is empty or public-key material (PEM, DER, JWK, OpenSSH).
 * @throws TypeError on a malformed option (no keyId, no body for a digest, a control character in keyId) or a
 *   URL that is neither absolute, a path, `*`, nor (for CONNECT) `host:port`.
 * @throws RangeError when `now` is needed and is not a finite number or a valid Date.
 * @example
 * ```ts
 * const { headers } = await sign(
 *   { method: 'GET', url: 'https://jms.example.com/api/v1/users/users/?limit=10', headers: { Accept: 'application/json' } },
 *   { keyId: 'ak-id', key: 'ak-secret', algorithm: 'hmac-sha256', headers: ['(request-target)', 'accept', 'date'] },
 * )
 * // headers: { date: 'Sun, 22 Nov 2026 10:00:00 GMT', authorization: 'Signature keyId="ak-id",algorithm="hmac-sha256",…' }
 * ```
 * With `scheme: 'rfc9421'` the same call makes an RFC 9421 signature (`Signature-Input` + `Signature`, see
 * {@link core/src/rfc9421!signRfc9421}); `headers` then names the covered components and `signingString` is the signature base.
 * @see https://datatracker.ietf.org/doc/html/draft-cavage-http-signatures-12#section-2
 */
export function sign(request: SignableRequest, options: CavageSignOptions): Promise<SignResult>;
/**
 * Signs a request or response with RFC 9421 HTTP Message Signatures.
 * @param message - the request (or a response, with its request for `;req` components).
 * @param options - RFC 9421 options with `scheme: 'rfc9421'`.
 * @returns the `signature-input` and `signature` headers (and `content-digest` when asked), the signature base as
 *   `signingString`, and the label.
 */
export function sign(message: Rfc9421Message, options: Rfc9421SignOptions): Promise<SignResult>;
/**
 * Signs with whichever scheme the options name (what the client adapters call).
 * @param request - the request.
 * @param options - draft-cavage or RFC 9421 options.
 * @returns the headers to add and the signed string.
 */
export function sign(request: SignableRequest | Rfc9421Message, options: SignOptions): Promise<SignResult>;
export function sign(request: SignableRequest | Rfc9421Message, options: SignOptions): Promise<SignResult> {
  if (options?.scheme === 'rfc9421') return signWithRfc9421(request as Rfc9421Message, options);
  return signCavage(request as SignableRequest, options);
}

/** The RFC 9421 signer once loaded (a module import per call cost about a fifth of an RFC 9421 HMAC signature). */
let rfc9421Signer: typeof import('./rfc9421/sign.js') | undefined;

/** The RFC 9421 path of {@link sign}: `headers` is an alias of `components`. */
function signWithRfc9421(message: Rfc9421Message, options: Rfc9421SignOptions): Promise<SignResult> {
  if (rfc9421Signer !== undefined) return signLoaded(rfc9421Signer, message, options);
  // Loaded on first use: a page that signs draft-cavage only never downloads the RFC 9421 signer (scripts/size.mjs).
  return import('./rfc9421/sign.js').then((signer) => signLoaded((rfc9421Signer = signer), message, options));
}

function signLoaded(signer: typeof import('./rfc9421/sign.js'), message: Rfc9421Message, options: Rfc9421SignOptions): Promise<SignResult> {
  const asResult = (result: SignRfc9421Result): SignResult => ({ headers: result.headers, signingString: result.signatureBase, label: result.label });
  try {
    // The RFC 9421 signer reads neither `scheme`, `headers` nor `digestHeader`: the options go as they are (no copy
    // per call) unless `headers` stands for `components`.
    const { headers } = options;
    const result = signer.signRfc9421Steps(message, headers === undefined ? options : { ...options, components: headers });
    return result instanceof Promise ? result.then(asResult) : Promise.resolve(asResult(result));
  } catch (error) {
    return Promise.reject(error);
  }
}

