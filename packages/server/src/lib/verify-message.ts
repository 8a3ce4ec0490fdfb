/**
 * The verification pipeline every entry point shares: core `verify`, validity window, replay check, hooks.
 * Internal.
 * @packageDocumentation
 */
import { isHttpSignatureError, verify } from '@httpsig/core';
import { verifySync } from '@httpsig/core/adapter';
import { DEFAULT_CLOCK_SKEW } from '@httpsig/core/rfc9421';
import type { VerifyOptions, VerifyResult, VerifyRfc9421Result } from '@httpsig/core';
import type { ServerErrorCode } from '../errors.js';
import type { CavageServerVerifyOptions, Rfc9421ServerVerifyOptions, ServerVerifyOptions, SignatureVerification } from '../types.js';
import { signatureErrorStatus as statusFor } from '../response.js';
import { replayRecorder, replayStoreOf } from './replay.js';

/**
 * A request as received: raw request target, ordered header pairs (lower-case names), and the body: its bytes,
 * or a function reading them, which core calls only once the signature verified.
 */
export interface ReceivedMessage {
  method: string;
  url: string;
  headers: [string, string][];
  body: Uint8Array | (() => Promise<Uint8Array>);
  /** `http` or `https` (RFC 9421 `@scheme`, `@target-uri`). */
  scheme?: string | undefined;
}

/** Default `maxReplayWindow` of the server options, in seconds: one hour. */
export const DEFAULT_MAX_REPLAY_WINDOW: number = 3600;

/**
 * The replay window in milliseconds: `maxReplayWindow` (default one hour), but never less than what the server's
 * own clock policy accepts, `2 × clockSkew + maxAge` (a `Date` or `created` up to one skew ahead, valid for
 * `maxAge` and one skew more). The cap only refuses validity the signer chose beyond that, with a far `expires`.
 * @throws RangeError when `maxReplayWindow` is not a finite number of seconds, 0 or more, or `clockSkew` or
 *   `maxAge` is not finite.
 */
export function replayWindowOf(options: ServerVerifyOptions): number {
  const seconds = options.maxReplayWindow ?? DEFAULT_MAX_REPLAY_WINDOW;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError('maxReplayWindow must be a finite number of seconds, 0 or more');
  }
  const maxAge = options.scheme === 'rfc9421' ? options.maxAge ?? 0 : 0;
  const policy = 2 * (options.clockSkew ?? DEFAULT_CLOCK_SKEW) + maxAge;
  if (!Number.isFinite(policy)) throw new RangeError('clockSkew and maxAge must be finite numbers of seconds');
  return Math.max(seconds, policy) * 1000;
}

/**
 * Checks the server options that core does not check, once when a middleware is set up, so that a mistake fails
 * at start-up rather than on every request.
 * @throws RangeError for a bad `maxBodySize`, `bodyTimeout` or `maxReplayWindow` (see {@link replayWindowOf}).
 */
export function checkServerOptions(options: ServerVerifyOptions): void {
  bodyLimitOf(options);
  bodyTimeoutOf(options);
  replayWindowOf(options);
}

/** Default `bodyTimeout`, in seconds. */
export const DEFAULT_BODY_TIMEOUT: number = 10;

/**
 * The body deadline of the options, in milliseconds.
 * @throws RangeError when `bodyTimeout` is not a positive finite number of seconds.
 */
export function bodyTimeoutOf(options: ServerVerifyOptions): number {
  const seconds = options.bodyTimeout ?? DEFAULT_BODY_TIMEOUT;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || !(seconds > 0)) {
    throw new RangeError('bodyTimeout must be a positive number of seconds');
  }
  return seconds * 1000;
}

/** Default `maxBodySize`: 1 MiB. */
export const DEFAULT_MAX_BODY_SIZE: number = 1024 * 1024;

/** The effective body limit of the options. */
export function bodyLimitOf(options: ServerVerifyOptions): number {
  const limit = options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError('maxBodySize must be a non-negative integer');
  return limit;
}

function nowOf(now: VerifyOptions['now']): number {
  return now === undefined ? Date.now() : typeof now === 'number' ? now : now.getTime();
}

/**
 * Verifies a received message with core (draft-cavage, or RFC 9421 with `scheme: 'rfc9421'`); with replay
 * protection core records the signature in the server's store, within the server's validity window.
 */
export async function verifyMessage(message: ReceivedMessage, options: ServerVerifyOptions): Promise<SignatureVerification> {
  return verifyMessageEager(message, options);
}

/**
 * {@link verifyMessage} without a forced promise: the result itself when every step ran synchronously
 * (draft-cavage, a synchronous key lookup, no replay store), else a promise. Failures may be thrown.
 */
export function verifyMessageEager(message: ReceivedMessage, options: ServerVerifyOptions): SignatureVerification | Promise<SignatureVerification> {
  return options.scheme === 'rfc9421' ? verifyRfc9421Message(message, options) : verifyCavageMessage(message, options);
}

/**
 * Whether the body goes to core: a digest header is always checked; a body (a non-empty one, or one still to be
 * read) needs one unless allowed. Without either, the verifier never reads the body.
 */
function bodyToCheck(message: ReceivedMessage, options: ServerVerifyOptions, digestHeaders: readonly string[]): ReceivedMessage['body'] | undefined {
  const hasBody = typeof message.body === 'function' || message.body.length > 0;
  if (hasBody && options.requireDigest !== false) return message.body;
  const { headers } = message;
  for (let index = 0; index < headers.length; index++) if (digestHeaders.includes((headers[index] as [string, string])[0])) return message.body;
  return undefined;
}

function verifyCavageMessage(message: ReceivedMessage, options: CavageServerVerifyOptions): VerifyResult | Promise<VerifyResult> {
  const now = nowOf(options.now);
  const coreOptions: VerifyOptions = {
    keyLookup: options.keyLookup,
    requiredHeaders: options.requiredHeaders,
    clockSkew: options.clockSkew,
    scheme: options.scheme,
    maxHeaderLength: options.maxHeaderLength,
    maxSignedHeaders: options.maxSignedHeaders,
    now,
    // draft-cavage-12 §2.1.3 signs the digest header, not the body: the digest is recomputed here.
    // An empty body with no digest header has nothing to check; a digest header is checked even then.
    body: bodyToCheck(message, options, ['digest', 'content-digest']),
  };
  const store = replayStoreOf(options.replay);
  // Without replay protection core's answer is the answer, synchronous when the key lookup is.
  if (store === undefined) return verifySync(message, coreOptions);
  const replay = replayRecorder(store, now, replayWindowOf(options));
  return verify(message, { ...coreOptions, keyLookup: replay.lookup(options.keyLookup), replayStore: replay.store });
}

async function verifyRfc9421Message(message: ReceivedMessage, options: Rfc9421ServerVerifyOptions): Promise<VerifyRfc9421Result> {
  const now = nowOf(options.now);
  const {
    maxBodySize: _maxBodySize, requireDigest: _requireDigest, trustProxy: _trustProxy, replay, realm: _realm,
    onVerified: _onVerified, onError: _onError, maxReplayWindow: _maxReplayWindow, bodyTimeout: _bodyTimeout, ...coreOptions
  } = options;
  const body = bodyToCheck(message, options, ['content-digest']);
  const withBody = { ...coreOptions, now, ...(body === undefined ? {} : { body }) };
  const store = replayStoreOf(replay);
  if (store === undefined) return verify(message, withBody);
  // Core records the signature (keyed on the key that verified and the signature base, until its validUntil);
  // the server's store does not require a nonce.
  const recorder = replayRecorder(store, now, replayWindowOf(options));
  return verify(message, { ...withBody, keyLookup: recorder.lookup(options.keyLookup), replayStore: recorder.store, requireNonce: false });
}

/**
 * Runs a verification task with the options' hooks: `onVerified` after success, `onError` with the stable
 * code, keyId and status when it fails with a signature error (which is then rethrown).
 */
export async function withHooks<R extends SignatureVerification>(options: ServerVerifyOptions, task: () => R | Promise<R>): Promise<R> {
  let result: R;
  try {
    result = await task();
  } catch (error) {
    if (isHttpSignatureError(error) && options.onError !== undefined) {
      const code = error.code as ServerErrorCode;
      await options.onError({ code, keyId: error.keyId, status: statusFor(code) });
    }
    throw error;
  }
  if (options.onVerified !== undefined) {
    const headers = 'components' in result ? result.components : result.headers;
    await options.onVerified({ keyId: result.keyId, algorithm: result.algorithm, headers: [...headers] });
  }
  return result;
}
