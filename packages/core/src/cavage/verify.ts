/**
 * Verifying a draft-cavage HTTP Signature under a strict policy (the draft-cavage path of the root {@link core/src!verify}).
 * @packageDocumentation
 */
import { backend } from '#backend';
import { canonicalAlgorithm, isCavageAlgorithm, isHmacAlgorithm, primitiveFor } from './algorithms.js';
import { checkContentDigestMembers } from '../content-digest-check.js';
import { bodyDigests } from '../body-digest.js';
import { checkDigestEntries } from './digest.js';
import { recordSignature } from '../replay-record.js';
import {
  AlgorithmNotAllowedError, DigestMissingError, ExpiredSignatureError, HeaderNotSignedError, InvalidDateError,
  InvalidKeyError, MalformedSignatureError, MissingHeaderError, MissingSignatureError, NotYetValidSignatureError, SignatureMismatchError, UnknownKeyError,
} from '../errors.js';
import { headerTable, type HeaderTable } from '../headers.js';
import { parseHttpDate } from '../http-date.js';
import { isNameAt } from '../lib/char-class.js';
import { nowMilliseconds, DEFAULT_CLOCK_SKEW } from '../lib/clock.js';
import { andThen, isPromiseLike } from '../lib/promise-like.js';
import { assertKeyInput, assertUsableSecret, importAsymmetricKey, isPemText } from '../keys.js';
import type { AsymmetricKey } from '../runtime/backend.js';
import { bodyBytes, constantTimeEqualText } from '../lib/bytes.js';
import { checkReceivedRequest, targetHasQuery, type RequestTarget } from '../request-target.js';
import { reported } from '../telemetry.js';
import { parseSignatureHeader } from './signature-header.js';
import { signingStringFromTable } from './signing-string.js';
import { assertNoRepeatedSigned } from '../singleton-headers.js';
import type { BodyInput, SignableRequest } from '../types.js';
import type { CavageAlgorithm, SignatureParameters, VerificationKey, VerifyOptions, VerifyResult } from './types.js';

/** The headers a signature must cover unless the caller says otherwise (what JumpServer requires). */
export const DEFAULT_REQUIRED_HEADERS: readonly string[] = ['(request-target)', 'date'];
export { DEFAULT_CLOCK_SKEW };

/**
 * Whether an Authorization value starts with the `Signature` scheme (any case) and a space or tab. Internal.
 * @param value - an `Authorization` header value.
 * @returns true for `Signature …`.
 */
export function hasSignatureScheme(value: string): boolean {
  if (value.length < 10) return false;
  const after = value.charCodeAt(9);
  if (after !== 32 && after !== 9) return false;
  return isNameAt(value, 0, 'signature');
}

/** Finds the signature header value per the scheme option. */
function signatureHeaderOf(table: HeaderTable, scheme: VerifyOptions['scheme']): string {
  if (scheme !== 'signature') {
    const authorization = table.get('authorization');
    if (authorization !== undefined && hasSignatureScheme(authorization)) return authorization;
    if (scheme === 'authorization') throw new MissingSignatureError('The request has no Authorization: Signature header');
  }
  const signature = table.get('signature');
  if (signature === undefined) throw new MissingSignatureError();
  return signature;
}

/** The `created`/`expires` values the signature covers: a parameter counts only when its pseudo-header is signed. */
interface SignedTimes {
  created: number | undefined;
  expires: number | undefined;
}

/**
 * Keeps `created`/`expires` only when `(created)`/`(expires)` is in the signed headers (an unsigned one is
 * attacker-controlled). A signed pseudo-header without its parameter is a missing header, as it is when signing.
 */
function signedTimes(params: SignatureParameters): SignedTimes {
  const { keyId } = params;
  const createdSigned = params.headers.includes('(created)');
  const expiresSigned = params.headers.includes('(expires)');
  if (createdSigned && params.created === undefined) throw new MissingHeaderError('(created)', { keyId });
  if (expiresSigned && params.expires === undefined) throw new MissingHeaderError('(expires)', { keyId });
  return { created: createdSigned ? params.created : undefined, expires: expiresSigned ? params.expires : undefined };
}

/** The allowed clock difference in seconds; `clockSkew` must be a finite number >= 0. */
function clockSkewOf(clockSkew: VerifyOptions['clockSkew']): number {
  if (clockSkew === undefined) return DEFAULT_CLOCK_SKEW;
  if (typeof clockSkew !== 'number' || !Number.isFinite(clockSkew) || clockSkew < 0) {
    throw new RangeError('clockSkew must be a finite number of seconds, 0 or more');
  }
  return clockSkew;
}

/**
 * Applies the clock-skew policy to `Date` and the signed `created`/`expires` (draft-cavage-12 §2.1.4, §2.1.5).
 * Unsigned `created`/`expires` parameters are not passed here: they neither extend nor shorten validity.
 * @returns the last Unix second at which the signature is acceptable: the earliest of a signed `Date` + skew,
 *   `expires` + skew, and (without `expires`) `created` + skew; undefined when nothing signed bounds it in time.
 */
function checkTimes(params: SignatureParameters, times: SignedTimes, table: HeaderTable, nowSeconds: number, skew: number): number | undefined {
  const { keyId } = params;
  const { created, expires } = times;
  let until: number | undefined;
  if (params.headers.includes('date')) {
    const text = table.get('date');
    if (text !== undefined) {
      const ms = parseHttpDate(text);
      if (ms === undefined) throw new InvalidDateError('The Date header is not an HTTP date', { keyId });
      const seconds = ms / 1000;
      if (seconds > nowSeconds + skew) throw new NotYetValidSignatureError('The Date header is in the future', { keyId });
      if (seconds < nowSeconds - skew) throw new ExpiredSignatureError('The Date header is too old', { keyId });
      until = seconds + skew;
    }
  }
  if (created !== undefined && created > nowSeconds + skew) {
    throw new NotYetValidSignatureError('The signature was created in the future', { keyId });
  }
  // Without a signed `expires`, a signature dated only by `created` ages out like a signed Date does; with a
  // signed `expires`, the signer chose the validity window.
  if (created !== undefined && expires === undefined && created < nowSeconds - skew) {
    throw new ExpiredSignatureError('The signature was created too long ago', { keyId });
  }
  if (expires !== undefined && expires < nowSeconds - skew) {
    throw new ExpiredSignatureError('The signature has expired', { keyId });
  }
  const signedEnd = expires ?? created;
  if (signedEnd !== undefined) until = until === undefined ? signedEnd + skew : Math.min(until, signedEnd + skew);
  return until;
}

/** Picks the algorithm: the client's, which must be allowed for the key, or the key's own when absent. */
function chooseAlgorithm(params: SignatureParameters, entry: VerificationKey): CavageAlgorithm {
  const { keyId } = params;
  const allowed = entry.algorithms;
  if (!Array.isArray(allowed) || allowed.length === 0) {
    throw new AlgorithmNotAllowedError('The key allows no algorithm', { keyId });
  }
  if (params.algorithm === undefined) return canonicalAlgorithm(allowed[0] as CavageAlgorithm);
  if (!isCavageAlgorithm(params.algorithm)) throw new AlgorithmNotAllowedError('The algorithm is not supported', { keyId });
  // `ed25519-sha512` and `ed25519` name one algorithm: either allowed name admits the other (still an Ed25519 key only).
  const wanted = canonicalAlgorithm(params.algorithm);
  if (!allowed.some((name) => canonicalAlgorithm(name) === wanted)) throw new AlgorithmNotAllowedError('The algorithm is not allowed for this key', { keyId });
  return wanted;
}

/**
 * Whether the key entry describes an HMAC secret: decided by its allowed algorithms and its explicit
 * `hs2019: 'hmac-sha512'`, never by the key's form.
 */
function isSecretEntry(entry: VerificationKey, keyId: string): boolean {
  let hmac = entry.hs2019 === 'hmac-sha512';
  let asymmetric = false;
  for (const algorithm of entry.algorithms) {
    if (isHmacAlgorithm(algorithm)) hmac = true;
    else if (algorithm !== 'hs2019') asymmetric = true;
    else if (entry.hs2019 !== 'hmac-sha512') asymmetric = true;
  }
  if (hmac && asymmetric) throw new InvalidKeyError('A key cannot allow both HMAC and asymmetric algorithms', { keyId });
  return hmac;
}

/** Verifies the signature bytes with the entry's key: HMAC compared in constant time, or an asymmetric verify. */
function verifyBytes(params: SignatureParameters, entry: VerificationKey, algorithm: CavageAlgorithm, data: string): boolean | Promise<boolean> {
  const { keyId } = params;
  assertKeyInput(entry.key, keyId);
  if (isSecretEntry(entry, keyId)) {
    const { key } = entry;
    assertUsableSecret(key, keyId);
    const primitive = primitiveFor(algorithm, { type: 'secret' }, entry.hs2019);
    if (primitive?.type !== 'hmac') throw new AlgorithmNotAllowedError('The algorithm does not fit the key type', { keyId });
    // Compared as canonical base64 text, in constant time (measured faster than decoding the signature);
    // a non-canonical encoding of the right MAC is refused, which no conforming signer produces.
    return constantTimeEqualText(backend.hmacBase64(primitive.hash, key, data), params.signature);
  }
  const { key } = entry;
  if (key instanceof Uint8Array || (typeof key === 'string' && !isPemText(key))) {
    throw new InvalidKeyError('An asymmetric algorithm needs a public key', { keyId });
  }
  const withKey = (publicKey: AsymmetricKey): boolean | Promise<boolean> => {
    const primitive = primitiveFor(algorithm, publicKey, entry.hs2019);
    if (primitive === undefined || primitive.type === 'hmac') {
      throw new AlgorithmNotAllowedError('The algorithm does not fit the key type', { keyId });
    }
    // The base64 text as it came (checked to be base64 by the parser): the backend decodes it.
    return backend.verify(primitive, publicKey, data, params.signature);
  };
  const imported = importAsymmetricKey(key, 'verify', keyId, entry.minRsaBits);
  return imported instanceof Promise ? imported.then(withKey) : withKey(imported);
}

/**
 * Draft-cavage {@link core/src!verify} without a forced promise: returns the result itself when every step ran
 * synchronously (a synchronous `keyLookup`, and an HMAC secret or an already imported public key), and a
 * promise only when a step was asynchronous. Checks, results and errors are those of {@link core/src!verify}; a failure
 * is thrown synchronously, or rejects the promise when it happens after an asynchronous step.
 *
 * For middleware on a hot path, which would otherwise pay a promise and a microtask on every request
 * (`@httpsig/server`'s Express middleware calls `next()` in the same tick this way).
 *
 * @param request - `{ method, url, headers }` as received; `url` is the raw request target (`req.url`).
 * @param options - key lookup, required headers, clock skew, body, limits (draft-cavage only).
 * @returns the verify result, or a promise of it.
 * @throws the typed errors listed under {@link core/src!verify}; a TypeError for `scheme: 'rfc9421'` (use {@link core/src!verify}).
 * @example
 * ```ts
 * const outcome = verifySync(request, { keyLookup: (id) => keys.get(id) ?? null })
 * const result = outcome instanceof Promise ? await outcome : outcome
 * ```
 */
export function verifySync(request: SignableRequest, options: VerifyOptions): VerifyResult | Promise<VerifyResult> {
  if ((options as { scheme?: unknown } | undefined)?.scheme === 'rfc9421') {
    throw new TypeError('verifySync verifies draft-cavage signatures; call verify with scheme: \'rfc9421\'');
  }
  return reported('verify', 'cavage', verifyCavageSteps, request, options);
}

/**
 * The draft-cavage path of {@link core/src!verify}: one promise per call, everything runs synchronously unless the lookup or
 * a key import is asynchronous. Internal.
 * @param request - the request as received.
 * @param options - draft-cavage verification options.
 * @returns the verify result.
 */
export function verifyCavage(request: SignableRequest, options: VerifyOptions): Promise<VerifyResult> {
  try {
    const result = reported('verify', 'cavage', verifyCavageSteps, request, options);
    return result instanceof Promise ? result : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The draft-cavage checks, in order; synchronous until a step is not (the lookup or a key import). */
function verifyCavageSteps(request: SignableRequest, options: VerifyOptions): VerifyResult | Promise<VerifyResult> {
  if (typeof options?.keyLookup !== 'function') throw new TypeError('verify needs a keyLookup function');
  const nowMs = nowMilliseconds(options.now);
  const skew = clockSkewOf(options.clockSkew);
  const queryLess = queryLessAllowed(options.requestTarget);
  const table = headerTable(request.headers);
  // Before anything else: a target or Host an application may read differently is never verified.
  const host = table.get('host');
  const target = checkReceivedRequest(request.method, request.url, host === undefined ? [] : [host]);
  const params = parseSignatureHeader(signatureHeaderOf(table, options.scheme ?? 'any'), options);
  const { keyId } = params;
  // node:http keeps only the first line of these; the signature covers all of them joined.
  assertNoRepeatedSigned(table.repeated, params.headers, keyId);

  const required = options.requiredHeaders;
  for (const name of required === undefined ? DEFAULT_REQUIRED_HEADERS : Array.from(required, (h) => h.toLowerCase())) {
    if (!params.headers.includes(name)) throw new HeaderNotSignedError(name, { keyId });
  }
  const times = signedTimes(params);
  const validUntil = checkTimes(params, times, table, nowMs / 1000, skew);
  if (options.replayStore !== undefined && validUntil === undefined) {
    // Nothing signed bounds the signature in time: a replay record would have to be kept for ever.
    throw new HeaderNotSignedError('date', { keyId });
  }

  const found = options.keyLookup(keyId, params);
  // The query-less form is tried only where it differs: `(request-target)` signed, and a query in the target.
  const retryWithoutQuery = queryLess && params.headers.includes('(request-target)') && targetHasQuery(request.url);
  const checked: Checked = { table, target, params, times, validUntil, retryWithoutQuery };
  if (isPromiseLike(found)) return Promise.resolve(found).then((entry) => verifyWithEntry(request, options, checked, entry));
  return verifyWithEntry(request, options, checked, found);
}

/** What the checks before the key lookup established. */
interface Checked {
  table: HeaderTable;
  /** The request target, parsed and checked once. */
  target: RequestTarget;
  params: SignatureParameters;
  times: SignedTimes;
  validUntil: number | undefined;
  /** Whether a mismatch is tried again over `(request-target)` without the query (`'with-or-without-query'`). */
  retryWithoutQuery: boolean;
}

/**
 * Whether `requestTarget` admits the query-less `(request-target)`.
 * @throws TypeError for a value other than `'with-query'` and `'with-or-without-query'`.
 */
function queryLessAllowed(requestTarget: VerifyOptions['requestTarget']): boolean {
  if (requestTarget === undefined || requestTarget === 'with-query') return false;
  if (requestTarget === 'with-or-without-query') return true;
  throw new TypeError("requestTarget must be 'with-query' or 'with-or-without-query'");
}

/**
 * The checks after the key lookup: algorithm bound to the key, signing string, signature bytes; then, only for a
 * signature that verified, the body digest (the signature covers the digest header, so a forged request never
 * gets its body read or hashed) and the replay record.
 */
function verifyWithEntry(
  request: SignableRequest, options: VerifyOptions, checked: Checked, entry: VerificationKey | null | undefined,
): VerifyResult | Promise<VerifyResult> {
  const { params } = checked;
  const { keyId } = params;
  if (entry === null || entry === undefined) throw new UnknownKeyError({ keyId });
  const algorithm = chooseAlgorithm(params, entry);
  const signingString = receivedSigningString(request, checked, keyId);
  const valid = verifyBytes(params, entry, algorithm, signingString);
  const next = (ok: boolean): VerifyResult | Promise<VerifyResult> => {
    if (ok || !checked.retryWithoutQuery) return afterSignature(ok, options, checked, entry, algorithm, signingString, false);
    // The compatibility form, once: the same key and algorithm over the path without the query.
    const queryLess = receivedSigningString(request, checked, keyId, true);
    const second = verifyBytes(params, entry, algorithm, queryLess);
    if (typeof second === 'boolean') return afterSignature(second, options, checked, entry, algorithm, queryLess, true);
    return second.then((again) => afterSignature(again, options, checked, entry, algorithm, queryLess, true));
  };
  return typeof valid === 'boolean' ? next(valid) : valid.then(next);
}

/** Once the signature bytes were checked: refuses a mismatch, then checks the body digest and records the replay. */
function afterSignature(
  valid: boolean, options: VerifyOptions, checked: Checked, entry: VerificationKey, algorithm: CavageAlgorithm, signingString: string,
  queryUnsigned: boolean,
): VerifyResult | Promise<VerifyResult> {
  const { params } = checked;
  const { keyId } = params;
  if (!valid) throw new SignatureMismatchError({ keyId });
  const result = verifiedResult(params, algorithm, signingString, checked);
  if (queryUnsigned) result.queryUnsigned = true;
  const { body, replayStore } = options;
  if (body === undefined && replayStore === undefined) return result;
  const bodyChecked = body === undefined
    ? undefined
    : andThen(typeof body === 'function' ? body() : body, (bytes) => { checkBodyDigest(params, checked.table, bytes); });
  if (replayStore === undefined) return andThen(bodyChecked, () => result);
  return andThen(bodyChecked, () => andThen(
    recordSignature(replayStore, entry, signingString, checked.validUntil as number, keyId, options),
    () => result,
  ));
}

/** The result of a verification whose signature bytes matched. */
function verifiedResult(params: SignatureParameters, algorithm: CavageAlgorithm, signingString: string, checked: Checked): VerifyResult {
  const { times, validUntil } = checked;
  const result: VerifyResult = { keyId: params.keyId, algorithm, headers: params.headers, signingString, validUntil };
  if (times.created !== undefined) result.created = times.created;
  if (times.expires !== undefined) result.expires = times.expires;
  return result;
}

/**
 * The signing string of a received request. A request target that cannot be signed (e.g. an authority-form
 * target on a method other than CONNECT, or no method) is the client's fault: a typed error, so servers answer
 * 401 rather than 500.
 */
function receivedSigningString(request: SignableRequest, checked: Checked, keyId: string, withoutQuery = false): string {
  try {
    return signingStringFromTable(
      request.method, request.url, checked.table, checked.params.headers, checked.times, keyId, withoutQuery, withoutQuery ? undefined : checked.target,
    );
  } catch (error) {
    if (error instanceof TypeError) throw new MalformedSignatureError('The request target cannot be used in a signing string', { keyId });
    throw error;
  }
}

/** Recomputes every signed digest header over the received body; a non-empty body needs one. */
function checkBodyDigest(params: SignatureParameters, table: HeaderTable, body: BodyInput): void {
  const { keyId } = params;
  let checked = false;
  // One digest per algorithm, shared by both headers.
  const digests = bodyDigests(body);
  if (params.headers.includes('digest')) {
    checkDigestEntries(table.get('digest') as string, digests, keyId);
    checked = true;
  }
  if (params.headers.includes('content-digest')) {
    checkContentDigestMembers(table.get('content-digest') as string, digests, keyId);
    checked = true;
  }
  if (!checked && bodyBytes(body).length > 0) {
    throw new DigestMissingError('The request has a body but no signed digest', { keyId });
  }
}
