/**
 * Typed errors of HTTP Signature signing and verification.
 *
 * Every failure is an {@link HttpSignatureError} with a stable {@link HttpSignatureErrorCode}, so callers can
 * `switch (err.code)`. Messages are fixed strings: they never contain a secret, a key or a signature. Where the
 * `keyId` of the failing signature is known it is attached (it is an identifier, safe to log).
 *
 * @packageDocumentation
 */

/** Every stable error code this library throws. */
export type HttpSignatureErrorCode =
  | 'ERR_SIGNATURE_MISSING'
  | 'ERR_MALFORMED_SIGNATURE'
  | 'ERR_HEADER_TOO_LARGE'
  | 'ERR_MISSING_HEADER'
  | 'ERR_HEADER_NOT_SIGNED'
  | 'ERR_UNKNOWN_KEY'
  | 'ERR_ALGORITHM_NOT_ALLOWED'
  | 'ERR_INVALID_KEY'
  | 'ERR_INVALID_DATE'
  | 'ERR_SIGNATURE_EXPIRED'
  | 'ERR_SIGNATURE_NOT_YET_VALID'
  | 'ERR_DIGEST_MISSING'
  | 'ERR_DIGEST_MISMATCH'
  | 'ERR_SIGNATURE_MISMATCH'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_MALFORMED_REQUEST'
  | 'ERR_SIGNATURE_REPLAYED'
  | 'ERR_REPLAY_STORE_UNAVAILABLE'
  | 'ERR_REPLAY_WINDOW_TOO_LONG';

/**
 * The registry symbol every copy of this package brands its error classes with: the base class holds its own
 * name under it, and `instanceof` matches by that brand plus the class name, so that an error thrown by one
 * copy (e.g. the CommonJS build) is an instance of the same class of another (e.g. the ESM build).
 */
const ERROR_BRAND: symbol = Symbol.for('@httpsig/core.error');

/** The brand of a constructor: the class name of a class derived from a branded base, else undefined. */
function brandOf(constructor: unknown): string | undefined {
  if (typeof constructor !== 'function' || !(ERROR_BRAND in constructor)) return undefined;
  return Object.hasOwn(constructor, ERROR_BRAND) ? String((constructor as unknown as Record<symbol, unknown>)[ERROR_BRAND]) : constructor.name;
}

/** Options shared by every {@link HttpSignatureError} constructor. */
export interface HttpSignatureErrorOptions {
  /** The `keyId` of the signature being verified, when it is known. */
  keyId?: string | undefined;
  /** The underlying error. It must not carry secret material in its message. */
  cause?: unknown;
}

/**
 * Base class of every error this library throws for a signature that cannot be made or accepted.
 *
 * @example
 * ```ts
 * try { await verify(request, options) } catch (err) {
 *   if (err instanceof HttpSignatureError) console.log(err.code, err.keyId)
 * }
 * ```
 * @typeParam Code - the code type: this package's codes by default; packages built on it (the server's
 *   replay errors, the JumpServer client) extend it with their own.
 */
export class HttpSignatureError<Code extends string = HttpSignatureErrorCode> extends Error {
  /** The stable machine-readable code of this failure. */
  readonly code: Code;
  /** The `keyId` of the signature concerned, when it was known at the time of failure. */
  readonly keyId: string | undefined;
  /** `'HttpSignatureError'`, for logs and `instanceof`-free checks. */
  override name = 'HttpSignatureError';

  /**
   * `instanceof` that survives the dual-package hazard: true for an instance of this class, and for an error
   * of another copy of this package whose class chain has a class of the same name.
   * @param value - the left operand of `instanceof`.
   * @returns whether `value` is an instance of this class or of its counterpart in another copy.
   */
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const wanted = brandOf(this);
    if (wanted === undefined || typeof value !== 'object' || value === null) return false;
    for (let proto: unknown = Object.getPrototypeOf(value); proto !== null && typeof proto === 'object'; proto = Object.getPrototypeOf(proto)) {
      if (brandOf((proto as { constructor?: unknown }).constructor) === wanted) return true;
    }
    return false;
  }

  /**
   * @param code - the stable code.
   * @param message - a fixed description; never include secrets, keys or signatures.
   * @param options - the keyId and cause, when known.
   */
  constructor(code: Code, message: string, options: HttpSignatureErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.keyId = options.keyId;
  }
}

// The base class's brand (not enumerable, so it stays out of logs and serialisations).
Object.defineProperty(HttpSignatureError, ERROR_BRAND, { value: 'HttpSignatureError' });

/** The request carries no signature at all (no `Authorization: Signature …` and no `Signature` header). */
export class MissingSignatureError extends HttpSignatureError {
  /** `'MissingSignatureError'`, for logs and `instanceof`-free checks. */
  override name = 'MissingSignatureError';
  /** @param message - what is missing. @param options - keyId and cause. */
  constructor(message = 'The request carries no HTTP signature', options?: HttpSignatureErrorOptions) {
    super('ERR_SIGNATURE_MISSING', message, options);
  }
}

/** The signature header cannot be parsed: bad syntax, a duplicate or missing parameter, bad base64. */
export class MalformedSignatureError extends HttpSignatureError {
  /** `'MalformedSignatureError'`, for logs and `instanceof`-free checks. */
  override name = 'MalformedSignatureError';
  /** @param message - what is wrong, without echoing the header. @param options - keyId and cause. */
  constructor(message: string, options?: HttpSignatureErrorOptions) {
    super('ERR_MALFORMED_SIGNATURE', message, options);
  }
}

/** A header (or parameter list) is over the configured size limit; it was not parsed. */
export class HeaderTooLargeError extends HttpSignatureError {
  /** `'HeaderTooLargeError'`, for logs and `instanceof`-free checks. */
  override name = 'HeaderTooLargeError';
  /** @param message - which limit was hit. @param options - keyId and cause. */
  constructor(message: string, options?: HttpSignatureErrorOptions) {
    super('ERR_HEADER_TOO_LARGE', message, options);
  }
}

/** A header named in the signed header list is absent from the request (on sign or on verify). */
export class MissingHeaderError extends HttpSignatureError {
  /** `'MissingHeaderError'`, for logs and `instanceof`-free checks. */
  override name = 'MissingHeaderError';
  /** The lower-cased name of the missing header or pseudo-header. */
  readonly header: string;
  /** @param header - the missing header name. @param options - keyId and cause. */
  constructor(header: string, options?: HttpSignatureErrorOptions) {
    super('ERR_MISSING_HEADER', `The signed header "${header}" is missing from the request`, options);
    this.header = header;
  }
}

/** The verification policy requires a header (e.g. `(request-target)`, `date`) that the signature does not cover. */
export class HeaderNotSignedError extends HttpSignatureError {
  /** `'HeaderNotSignedError'`, for logs and `instanceof`-free checks. */
  override name = 'HeaderNotSignedError';
  /** The lower-cased name of the header that must be signed. */
  readonly header: string;
  /** @param header - the required header name. @param options - keyId and cause. */
  constructor(header: string, options?: HttpSignatureErrorOptions) {
    super('ERR_HEADER_NOT_SIGNED', `The header "${header}" is required to be signed`, options);
    this.header = header;
  }
}

/** The key lookup knows no key for the signature's `keyId`. */
export class UnknownKeyError extends HttpSignatureError {
  /** `'UnknownKeyError'`, for logs and `instanceof`-free checks. */
  override name = 'UnknownKeyError';
  /** @param options - keyId and cause. */
  constructor(options?: HttpSignatureErrorOptions) {
    super('ERR_UNKNOWN_KEY', 'No key is known for this keyId', options);
  }
}

/** The algorithm is unknown, not allowed for the key, or does not fit the key's type. */
export class AlgorithmNotAllowedError extends HttpSignatureError {
  /** `'AlgorithmNotAllowedError'`, for logs and `instanceof`-free checks. */
  override name = 'AlgorithmNotAllowedError';
  /** @param message - why the algorithm is refused. @param options - keyId and cause. */
  constructor(message: string, options?: HttpSignatureErrorOptions) {
    super('ERR_ALGORITHM_NOT_ALLOWED', message, options);
  }
}

/** A key could not be imported (bad PEM, wrong passphrase, unsupported type). The key is never echoed. */
export class InvalidKeyError extends HttpSignatureError {
  /** `'InvalidKeyError'`, for logs and `instanceof`-free checks. */
  override name = 'InvalidKeyError';
  /** @param message - what is wrong with the key, without its content. @param options - keyId and cause. */
  constructor(message: string, options?: HttpSignatureErrorOptions) {
    super('ERR_INVALID_KEY', message, options);
  }
}

/**
 * The key needs WebCrypto and the runtime has none: `crypto.subtle` is undefined outside a secure context (a
 * page served over plain http from another host than localhost). Without it only RSA keys (PEM or DER) sign
 * and verify, on node-forge; EC and Ed25519 keys, JWKs and `CryptoKey`s need WebCrypto. Code `ERR_INVALID_KEY`.
 */
export class WebCryptoUnavailableError extends InvalidKeyError {
  /** `'WebCryptoUnavailableError'`, for logs and `instanceof`-free checks. */
  override name = 'WebCryptoUnavailableError';
  /** @param options - keyId and cause. */
  constructor(options?: HttpSignatureErrorOptions) {
    super('WebCrypto is not available (crypto.subtle is undefined outside a secure context, e.g. a page served over plain http): '
      + 'without it only RSA keys in PEM or DER work; serve the page over https (or from localhost), or use an RSA or HMAC key', options);
  }
}

/** The signed `Date` header, or a `created`/`expires` parameter, is not a valid date. */
export class InvalidDateError extends HttpSignatureError {
  /** `'InvalidDateError'`, for logs and `instanceof`-free checks. */
  override name = 'InvalidDateError';
  /** @param message - which value is invalid. @param options - keyId and cause. */
  constructor(message: string, options?: HttpSignatureErrorOptions) {
    super('ERR_INVALID_DATE', message, options);
  }
}

/** The signature is too old: `Date` before now − clock skew, or `expires` in the past. */
export class ExpiredSignatureError extends HttpSignatureError {
  /** `'ExpiredSignatureError'`, for logs and `instanceof`-free checks. */
  override name = 'ExpiredSignatureError';
  /** @param message - which check failed. @param options - keyId and cause. */
  constructor(message: string, options?: HttpSignatureErrorOptions) {
    super('ERR_SIGNATURE_EXPIRED', message, options);
  }
}

/** The signature is from the future: `Date` or `created` after now + clock skew. */
export class NotYetValidSignatureError extends HttpSignatureError {
  /** `'NotYetValidSignatureError'`, for logs and `instanceof`-free checks. */
  override name = 'NotYetValidSignatureError';
  /** @param message - which check failed. @param options - keyId and cause. */
  constructor(message: string, options?: HttpSignatureErrorOptions) {
    super('ERR_SIGNATURE_NOT_YET_VALID', message, options);
  }
}

/** A body was given but no supported, signed digest header covers it. */
export class DigestMissingError extends HttpSignatureError {
  /** `'DigestMissingError'`, for logs and `instanceof`-free checks. */
  override name = 'DigestMissingError';
  /** @param message - what is missing. @param options - keyId and cause. */
  constructor(message: string, options?: HttpSignatureErrorOptions) {
    super('ERR_DIGEST_MISSING', message, options);
  }
}

/** The digest header does not match the digest of the received body. */
export class DigestMismatchError extends HttpSignatureError {
  /** `'DigestMismatchError'`, for logs and `instanceof`-free checks. */
  override name = 'DigestMismatchError';
  /** @param message - which digest differs. @param options - keyId and cause. */
  constructor(message = 'The body digest does not match the body', options?: HttpSignatureErrorOptions) {
    super('ERR_DIGEST_MISMATCH', message, options);
  }
}

/** The signature does not verify over the signing string with the key. */
export class SignatureMismatchError extends HttpSignatureError {
  /** `'SignatureMismatchError'`, for logs and `instanceof`-free checks. */
  override name = 'SignatureMismatchError';
  /** @param options - keyId and cause. */
  constructor(options?: HttpSignatureErrorOptions) {
    super('ERR_SIGNATURE_MISMATCH', 'The signature does not match the request', options);
  }
}

/**
 * A body that must be read whole (to digest or verify it) is longer than the configured limit. Reading
 * stopped at the limit; the stream was cancelled.
 */
export class BodyTooLargeError extends HttpSignatureError {
  /** `'BodyTooLargeError'`, for logs and `instanceof`-free checks. */
  override name = 'BodyTooLargeError';
  /** The limit that was exceeded, in bytes. */
  readonly limit: number;
  /** @param limit - the limit in bytes. @param options - keyId and cause. */
  constructor(limit: number, options?: HttpSignatureErrorOptions) {
    super('ERR_BODY_TOO_LARGE', `The body is longer than the ${limit}-byte limit`, options);
    this.limit = limit;
  }
}

/**
 * The request itself cannot be verified as it stands: a request target or `Host` that frameworks may read
 * differently from the verifier (a fragment, bytes RFC 9112 does not allow, userinfo in `Host`, an absolute-form
 * target naming another authority, ...). Refused before any signature is checked, so what an application sees is
 * never something other than what was verified.
 */
export class MalformedRequestError extends HttpSignatureError {
  /** `'MalformedRequestError'`, for logs and `instanceof`-free checks. */
  override name = 'MalformedRequestError';
  /** @param message - what is wrong, without echoing the request. @param options - keyId and cause. */
  constructor(message: string, options?: HttpSignatureErrorOptions) {
    super('ERR_MALFORMED_REQUEST', message, options);
  }
}

/**
 * The signature verified, but the same signed content was already accepted within its validity window (replay
 * protection is on: a `replayStore` answered `'replayed'`). A server answers 401.
 *
 * @example
 * ```ts
 * if (isHttpSignatureError(err) && err.code === 'ERR_SIGNATURE_REPLAYED') log.warn('replay from', err.keyId)
 * ```
 */
export class ReplayedSignatureError extends HttpSignatureError {
  /** `'ReplayedSignatureError'`. */
  override name = 'ReplayedSignatureError';
  /** @param options - keyId and cause. */
  constructor(options?: HttpSignatureErrorOptions) {
    super('ERR_SIGNATURE_REPLAYED', 'This signature was already used', options);
  }
}

/**
 * The replay store could not record a verified signature: it is full (or the key's share of it is), or its
 * backend failed or did not answer in time. Verification fails closed: the signature is refused rather than
 * accepted unchecked (a server answers 503). The store's own error is the `cause`.
 */
export class ReplayStoreUnavailableError extends HttpSignatureError {
  /** `'ReplayStoreUnavailableError'`. */
  override name = 'ReplayStoreUnavailableError';
  /** @param options - keyId and the store's error as cause. */
  constructor(options?: HttpSignatureErrorOptions) {
    super('ERR_REPLAY_STORE_UNAVAILABLE', 'The replay store is unavailable', options);
  }
}

/**
 * The signature verified, but it would stay acceptable for longer than `maxReplayWindow` (replay protection is
 * on): its replay record would have to outlive the window records are kept for. The client should sign with a
 * nearer `expires` (or the verifier set a larger `maxReplayWindow`). A server answers 401.
 */
export class ReplayWindowTooLongError extends HttpSignatureError {
  /** `'ReplayWindowTooLongError'`. */
  override name = 'ReplayWindowTooLongError';
  /** @param options - keyId. */
  constructor(options?: HttpSignatureErrorOptions) {
    super('ERR_REPLAY_WINDOW_TOO_LONG', 'The signature stays valid for longer than the server keeps replay records', options);
  }
}

/**
 * Whether a value is an {@link HttpSignatureError}, also across copies of this package loaded twice
 * (e.g. once as ESM and once as CommonJS).
 *
 * @param value - anything caught.
 * @returns true when it carries an HTTP signature error code.
 */
export function isHttpSignatureError(value: unknown): value is HttpSignatureError {
  if (value instanceof HttpSignatureError) return true;
  if (!(value instanceof Error) || !('keyId' in value)) return false;
  const code: unknown = (value as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_');
}
