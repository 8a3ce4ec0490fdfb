/**
 * Typed errors of fetching a verification key from the network.
 *
 * Each is an `HttpSignatureError` of `@httpsig/core` with a stable code, thrown by the key lookup, so that core's
 * `verify` and every `@httpsig/server` entry point pass it on as they pass any key-lookup failure (the server
 * answers 401 with the code). The `message` is one fixed string per code, because servers send it to the client:
 * it never names an address class, an HTTP status, a host or anything a remote host sent. What went wrong in detail
 * is in `detail` (and `cause`), which are not enumerable: for logs, never serialised into an answer.
 *
 * @packageDocumentation
 */
import { HttpSignatureError } from '@httpsig/core';
import type { HttpSignatureErrorOptions } from '@httpsig/core';

/** Every stable code a remote key fetch fails with. */
export type KeyFetchErrorCode =
  | 'ERR_KEY_FETCH_REFUSED_URL'
  | 'ERR_KEY_FETCH_REFUSED_ADDRESS'
  | 'ERR_KEY_FETCH_TIMEOUT'
  | 'ERR_KEY_FETCH_TOO_LARGE'
  | 'ERR_KEY_FETCH_FAILED'
  | 'ERR_KEY_FETCH_BAD_DOCUMENT'
  | 'ERR_KEY_FETCH_OWNER_MISMATCH'
  | 'ERR_KEY_FETCH_RATE_LIMITED';

/** The codes of {@link KeyFetchErrorCode} as a list, e.g. to recognise a cached failure. */
export const KEY_FETCH_ERROR_CODES: readonly KeyFetchErrorCode[] = [
  'ERR_KEY_FETCH_REFUSED_URL', 'ERR_KEY_FETCH_REFUSED_ADDRESS', 'ERR_KEY_FETCH_TIMEOUT', 'ERR_KEY_FETCH_TOO_LARGE',
  'ERR_KEY_FETCH_FAILED', 'ERR_KEY_FETCH_BAD_DOCUMENT', 'ERR_KEY_FETCH_OWNER_MISMATCH', 'ERR_KEY_FETCH_RATE_LIMITED',
];

/**
 * The message of each code, the only text a client sees: generic, so that an answer does not map the server's
 * network (which hosts resolve to private addresses, what they answer) for whoever sends keyIds.
 */
export const KEY_FETCH_MESSAGES: Readonly<Record<KeyFetchErrorCode, string>> = {
  ERR_KEY_FETCH_REFUSED_URL: 'The keyId is not a URL this server fetches keys from',
  ERR_KEY_FETCH_REFUSED_ADDRESS: 'The key could not be fetched',
  ERR_KEY_FETCH_TIMEOUT: 'The key could not be fetched',
  ERR_KEY_FETCH_TOO_LARGE: 'The key document is too large',
  ERR_KEY_FETCH_FAILED: 'The key could not be fetched',
  ERR_KEY_FETCH_BAD_DOCUMENT: 'The key document is not usable',
  ERR_KEY_FETCH_OWNER_MISMATCH: 'The key document does not vouch for the key',
  ERR_KEY_FETCH_RATE_LIMITED: 'The key could not be fetched now',
};

/** Defines a property that logs may read but `JSON.stringify` and object spreads skip. */
function hidden(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: false, writable: false, configurable: true });
}

/**
 * Base class of the key fetch errors: a key could not be obtained from the network for the signature's keyId.
 *
 * @example
 * ```ts
 * try { await verify(request, { keyLookup }) } catch (err) {
 *   if (err instanceof KeyFetchError) log.warn('key fetch failed', err.code, err.keyId)
 * }
 * ```
 */
export class KeyFetchError extends HttpSignatureError<KeyFetchErrorCode> {
  /** `'KeyFetchError'` or the subclass name, for logs and `instanceof`-free checks. */
  override name = 'KeyFetchError';
  /**
   * What failed, in detail (e.g. which rule, which address class, which status), for logs only. Not enumerable:
   * a server's JSON answer never carries it; the client sees the generic `message` of the code.
   */
  declare readonly detail: string;

  /**
   * @param code - the stable code; the message is the fixed one of the code ({@link KEY_FETCH_MESSAGES}).
   * @param detail - what failed, for logs (kept out of the message).
   * @param options - keyId and cause.
   */
  constructor(code: KeyFetchErrorCode, detail: string, options?: HttpSignatureErrorOptions) {
    super(code, KEY_FETCH_MESSAGES[code], options);
    hidden(this, 'detail', detail);
  }
}

/** The keyId (or a redirect) is not a URL the fetcher may request: scheme, credentials, length, form. */
export class KeyFetchRefusedUrlError extends KeyFetchError {
  /** `'KeyFetchRefusedUrlError'`. */
  override name = 'KeyFetchRefusedUrlError';
  /** @param detail - which rule refused the URL (for logs). @param options - keyId and cause. */
  constructor(detail: string, options?: HttpSignatureErrorOptions) {
    super('ERR_KEY_FETCH_REFUSED_URL', detail, options);
  }
}

/**
 * The host resolves to an address the fetcher never connects to (loopback, private, link-local, metadata, ...).
 * Refused before any connection is made.
 */
export class KeyFetchRefusedAddressError extends KeyFetchError {
  /** `'KeyFetchRefusedAddressError'`. */
  override name = 'KeyFetchRefusedAddressError';
  /** The class of the refused address, e.g. `'loopback'` or `'private'` (not enumerable: for logs only). */
  declare readonly addressClass: string;
  /** @param addressClass - the class of the address. @param options - keyId and cause. */
  constructor(addressClass: string, options?: HttpSignatureErrorOptions) {
    super('ERR_KEY_FETCH_REFUSED_ADDRESS', `The key host resolves to a refused address (${addressClass})`, options);
    hidden(this, 'addressClass', addressClass);
  }
}

/** Connecting, or the whole fetch, took longer than allowed; the connection was closed. */
export class KeyFetchTimeoutError extends KeyFetchError {
  /** `'KeyFetchTimeoutError'`. */
  override name = 'KeyFetchTimeoutError';
  /** @param detail - which timeout (for logs). @param options - keyId and cause. */
  constructor(detail: string, options?: HttpSignatureErrorOptions) {
    super('ERR_KEY_FETCH_TIMEOUT', detail, options);
  }
}

/** The key document is longer than the size limit; reading stopped there and the connection was closed. */
export class KeyFetchTooLargeError extends KeyFetchError {
  /** `'KeyFetchTooLargeError'`. */
  override name = 'KeyFetchTooLargeError';
  /** The limit, in bytes (undefined when the failure is answered from the cache; not enumerable). */
  declare readonly limit: number | undefined;
  /** @param limit - the limit in bytes. @param options - keyId and cause. */
  constructor(limit: number | undefined, options?: HttpSignatureErrorOptions) {
    super('ERR_KEY_FETCH_TOO_LARGE', limit === undefined ? 'The key document was over the size limit (cached)'
      : `The key document is longer than the ${limit}-byte limit`, options);
    hidden(this, 'limit', limit);
  }
}

/** The fetch failed: a network error, TLS failure, an HTTP status other than 200, or too many redirects. */
export class KeyFetchFailedError extends KeyFetchError {
  /** `'KeyFetchFailedError'`. */
  override name = 'KeyFetchFailedError';
  /** The HTTP status answered, when there was one (not enumerable: for logs only). */
  declare readonly status: number | undefined;
  /**
   * @param detail - what failed (for logs). @param options - keyId and cause.
   * @param status - the HTTP status, when the host answered.
   */
  constructor(detail: string, options?: HttpSignatureErrorOptions, status?: number) {
    super('ERR_KEY_FETCH_FAILED', detail, options);
    hidden(this, 'status', status);
  }
}

/** The response is not a key document this package reads (content type, JSON, shape, key material). */
export class KeyFetchBadDocumentError extends KeyFetchError {
  /** `'KeyFetchBadDocumentError'`. */
  override name = 'KeyFetchBadDocumentError';
  /** @param detail - what is wrong, without echoing the document (for logs). @param options - keyId and cause. */
  constructor(detail: string, options?: HttpSignatureErrorOptions) {
    super('ERR_KEY_FETCH_BAD_DOCUMENT', detail, options);
  }
}

/**
 * The document does not vouch for the key: the key's `owner`/`controller` is not the actor the document is, or
 * the document's `id` is on another origin than the keyId.
 */
export class KeyFetchOwnerMismatchError extends KeyFetchError {
  /** `'KeyFetchOwnerMismatchError'`. */
  override name = 'KeyFetchOwnerMismatchError';
  /** @param detail - which binding failed (for logs). @param options - keyId and cause. */
  constructor(detail: string, options?: HttpSignatureErrorOptions) {
    super('ERR_KEY_FETCH_OWNER_MISMATCH', detail, options);
  }
}

/**
 * The fetch budget of the lookup is spent: too many fetches from the keyId's origin in the window, or too many
 * fetches running at once. Refused without fetching, and not remembered as a failure (a later request may fetch).
 */
export class KeyFetchRateLimitedError extends KeyFetchError {
  /** `'KeyFetchRateLimitedError'`. */
  override name = 'KeyFetchRateLimitedError';
  /** @param detail - which budget is spent (for logs). @param options - keyId. */
  constructor(detail: string, options?: HttpSignatureErrorOptions) {
    super('ERR_KEY_FETCH_RATE_LIMITED', detail, options);
  }
}

/**
 * A fresh error of the class for `code` (used when a cached failure is answered again).
 *
 * @param code - a key fetch code.
 * @param keyId - the keyId concerned.
 * @returns an error of that code with a fixed message.
 */
export function keyFetchErrorFor(code: KeyFetchErrorCode, keyId: string): KeyFetchError {
  const options = { keyId };
  switch (code) {
    case 'ERR_KEY_FETCH_REFUSED_URL': return new KeyFetchRefusedUrlError('The key URL was refused (cached)', options);
    case 'ERR_KEY_FETCH_REFUSED_ADDRESS': return new KeyFetchRefusedAddressError('cached', options);
    case 'ERR_KEY_FETCH_TIMEOUT': return new KeyFetchTimeoutError('The key fetch timed out (cached)', options);
    case 'ERR_KEY_FETCH_TOO_LARGE': return new KeyFetchTooLargeError(undefined, options);
    case 'ERR_KEY_FETCH_FAILED': return new KeyFetchFailedError('The key fetch failed (cached)', options);
    case 'ERR_KEY_FETCH_BAD_DOCUMENT': return new KeyFetchBadDocumentError('The key document was unusable (cached)', options);
    case 'ERR_KEY_FETCH_OWNER_MISMATCH': return new KeyFetchOwnerMismatchError('The key document did not vouch for the key (cached)', options);
    case 'ERR_KEY_FETCH_RATE_LIMITED': return new KeyFetchRateLimitedError('The fetch budget was spent (cached)', options);
  }
}
