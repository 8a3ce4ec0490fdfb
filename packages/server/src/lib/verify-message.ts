/**
 * The verification pipeline every entry point shares: core `verify`, validity window, replay check, hooks.
 * Internal.
 * @packageDocumentation
 */
import { DEFAULT_CLOCK_SKEW, HeaderNotSignedError, isHttpSignatureError, parseHttpDate, verify, verifyEager } from '@httpsig/core';
import type { VerifyOptions, VerifyResult, VerifyRfc9421Result } from '@httpsig/core';
import { ReplayStoreUnavailableError, ReplayWindowTooLongError, ReplayedSignatureError } from '../errors.js';
import type { ServerErrorCode } from '../errors.js';
import type {
  CavageServerVerifyOptions, ReplayStore, Rfc9421ServerVerifyOptions, ServerVerifyOptions, SignatureVerification,
} from '../types.js';
import { signatureErrorStatus as statusFor } from '../response.js';
import { replayKey, replayStoreOf, validUntil } from './replay.js';

/** A request as received: raw request target, ordered header pairs (lower-case names), body bytes. */
export interface ReceivedMessage {
  method: string;
  url: string;
  headers: [string, string][];
  body: Uint8Array;
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
 * @throws RangeError for a bad `maxBodySize` or `maxReplayWindow` (see {@link replayWindowOf}).
 */
export function checkServerOptions(options: ServerVerifyOptions): void {
  bodyLimitOf(options);
  replayWindowOf(options);
}

/** Default `maxBodySize`: 1 MiB. */
export const DEFAULT_MAX_BODY_SIZE: number = 1024 * 1024;

/** The effective body limit of the options. */
export function bodyLimitOf(options: ServerVerifyOptions): number {
  const limit = options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError('maxBodySize must be a non-negative integer');
  return limit;
}

/** The joined value of a header, like core's header table (values trimmed, joined with ", "). */
function headerValue(headers: readonly (readonly [string, string])[], name: string): string | undefined {
  let value: string | undefined;
  for (const [n, v] of headers) if (n === name) value = value === undefined ? v.trim() : `${value}, ${v.trim()}`;
  return value;
}

function nowOf(now: VerifyOptions['now']): number {
  return now === undefined ? Date.now() : typeof now === 'number' ? now : now.getTime();
}

/**
 * Verifies a received message with core (draft-cavage, or RFC 9421 with `scheme: 'rfc9421'`), bounds its
 * validity window, and applies replay protection.
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

/** Whether the body goes to core: a digest header is always checked; a non-empty body needs one unless allowed. */
function bodyToCheck(message: ReceivedMessage, options: ServerVerifyOptions, digestHeaders: readonly string[]): Uint8Array | undefined {
  if (message.body.length > 0 && options.requireDigest !== false) return message.body;
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
  if (store === undefined) return verifyEager(message, coreOptions);
  return verify(message, coreOptions).then((result) => withReplayCheck(message, options, store, result, now));
}

async function withReplayCheck(
  message: ReceivedMessage, options: CavageServerVerifyOptions, store: ReplayStore, result: VerifyResult, now: number,
): Promise<VerifyResult> {
  const dateText = result.headers.includes('date') ? headerValue(message.headers, 'date') : undefined;
  const signedDate = dateText === undefined ? undefined : parseHttpDate(dateText);
  const end = validUntil(result, signedDate, options.clockSkew ?? DEFAULT_CLOCK_SKEW);
  if (end === undefined) throw new HeaderNotSignedError('date', { keyId: result.keyId });
  await refuseReplay(store, result.keyId, result.signingString, end, now, replayWindowOf(options));
  return result;
}

async function verifyRfc9421Message(message: ReceivedMessage, options: Rfc9421ServerVerifyOptions): Promise<VerifyRfc9421Result> {
  const now = nowOf(options.now);
  const {
    maxBodySize: _maxBodySize, requireDigest: _requireDigest, trustProxy: _trustProxy, replay, realm: _realm,
    onVerified: _onVerified, onError: _onError, maxReplayWindow: _maxReplayWindow, ...coreOptions
  } = options;
  const body = bodyToCheck(message, options, ['content-digest']);
  const result = await verify(message, { ...coreOptions, now, ...(body === undefined ? {} : { body }) });
  const store = replayStoreOf(replay);
  if (store === undefined) return result;
  const end = rfc9421AcceptableUntil(result.parameters, options.maxAge, options.clockSkew ?? DEFAULT_CLOCK_SKEW);
  if (end === undefined) throw new HeaderNotSignedError('created', { keyId: result.keyId });
  await refuseReplay(store, result.keyId ?? '', result.signatureBase, end, now, replayWindowOf(options));
  return result;
}

/**
 * The last moment (Unix ms) at which core still accepts an RFC 9421 signature, mirroring its clock checks:
 * `expires + skew`; with `maxAge`, also `created + maxAge + skew` (the earlier wins); with neither, and a
 * `created`, `created + skew`. Undefined when nothing bounds the signature in time.
 */
export function rfc9421AcceptableUntil(
  parameters: { created?: number | undefined; expires?: number | undefined }, maxAge: number | undefined, skew: number,
): number | undefined {
  const { created, expires } = parameters;
  const ends: number[] = [];
  if (expires !== undefined) ends.push(expires + skew);
  if (created !== undefined && (maxAge !== undefined || expires === undefined)) ends.push(created + (maxAge ?? 0) + skew);
  return ends.length === 0 ? undefined : Math.min(...ends) * 1000;
}

/**
 * Records a verified signature; throws when it was seen before within its window, or the store fails.
 * `end` is the last acceptable moment (core accepts at exactly `end`), so the entry lives until `end + 1` ms;
 * a signature acceptable for more than `window` ms from now is refused before anything is stored.
 */
async function refuseReplay(store: ReplayStore, keyId: string, signed: string, end: number, now: number, window: number): Promise<void> {
  if (end - now > window) throw new ReplayWindowTooLongError({ keyId });
  const key = await replayKey({ keyId, signingString: signed });
  let fresh: boolean;
  try {
    fresh = await store.add(key, end + 1, now);
  } catch (cause) {
    throw new ReplayStoreUnavailableError({ keyId, cause });
  }
  if (!fresh) throw new ReplayedSignatureError({ keyId });
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
