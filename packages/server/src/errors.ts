/**
 * Error codes and error classes that only the server side produces, on top of `@httpsig/core`'s.
 *
 * @packageDocumentation
 */
import { HttpSignatureError, isHttpSignatureError } from '@httpsig/core';
import type { HttpSignatureErrorCode, HttpSignatureErrorOptions } from '@httpsig/core';

/**
 * Every stable code a verification in this package can fail with: core's codes (among them
 * `ERR_BODY_TOO_LARGE` for a body over `maxBodySize`, and the replay codes `ERR_SIGNATURE_REPLAYED`,
 * `ERR_REPLAY_STORE_UNAVAILABLE`, `ERR_REPLAY_WINDOW_TOO_LONG`) plus `ERR_BODY_TIMEOUT` and `ERR_REQUEST_ABORTED`.
 */
export type ServerErrorCode =
  | HttpSignatureErrorCode
  | 'ERR_BODY_TIMEOUT'
  | 'ERR_REQUEST_ABORTED';

/**
 * An {@link HttpSignatureError} seen through this package's wider code union, so that
 * `switch (err.code)` also narrows on the server-only codes.
 */
export type ServerSignatureError = HttpSignatureError<ServerErrorCode>;

// The replay errors are core's (core verify throws them, for both schemes); re-exported from here as before.
export { ReplayedSignatureError, ReplayStoreUnavailableError, ReplayWindowTooLongError } from '@httpsig/core';

/**
 * The body of a request whose signature verified did not arrive within `bodyTimeout` (answered 408, and the
 * connection is closed): a slow sender cannot hold the verifier open.
 */
export class BodyTimeoutError extends HttpSignatureError<'ERR_BODY_TIMEOUT'> {
  /** `'BodyTimeoutError'`. */
  override name = 'BodyTimeoutError';
  /** @param options - keyId. */
  constructor(options?: HttpSignatureErrorOptions) {
    super('ERR_BODY_TIMEOUT', 'The request body did not arrive in time', options);
  }
}

/**
 * The client aborted the request (closed the connection or reset the stream) before its body was complete
 * (answered 400 when the connection is still there to answer on).
 */
export class RequestAbortedError extends HttpSignatureError<'ERR_REQUEST_ABORTED'> {
  /** `'RequestAbortedError'`. */
  override name = 'RequestAbortedError';
  /** @param options - keyId and the stream's error as cause. */
  constructor(options?: HttpSignatureErrorOptions) {
    super('ERR_REQUEST_ABORTED', 'The request was aborted before its body was complete', options);
  }
}

/**
 * Whether a value is a signature error of core or of this package, typed with {@link ServerErrorCode}.
 *
 * @param value - anything caught.
 * @returns true when it carries a stable HTTP signature error code.
 * @example
 * ```ts
 * try { await verifyNodeRequest(req, options) } catch (err) {
 *   if (isServerSignatureError(err) && err.code === 'ERR_SIGNATURE_REPLAYED') log.warn('replay from', err.keyId)
 * }
 * ```
 */
export function isServerSignatureError(value: unknown): value is ServerSignatureError {
  return isHttpSignatureError(value);
}
