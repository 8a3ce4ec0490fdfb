/**
 * The verification pipeline every entry point shares: the body within its limits, core `verify` (which also
 * checks the replay window and records the signature in the replay store), then the hooks. Internal.
 * @packageDocumentation
 */
import { isHttpSignatureError, verify } from '@httpsig/core';
import { verifySync } from '@httpsig/core/adapter';
import type { ReplayStore, VerifyAutoResult, VerifyOptions, VerifyResult, VerifyRfc9421Options, VerifyRfc9421Result } from '@httpsig/core';
import { verifyWebBotAuth, type VerifyWebBotAuthResult } from '@httpsig/core/web-bot-auth';
import type { ServerErrorCode } from '../errors.js';
import type {
  AutoServerVerifyOptions, CavageServerVerifyOptions, Rfc9421ServerVerifyOptions, ServerVerifyOptions, SignatureVerification,
  WebBotAuthServerVerifyOptions, ServerOptions,
} from '../types.js';
import { signatureErrorStatus as statusFor } from '../response.js';
import { replayStoreOf } from './replay.js';

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
 * The `maxReplayWindow` of the options (default {@link DEFAULT_MAX_REPLAY_WINDOW}), for core: core checks each
 * signature against it (never less than `2 × clockSkew + maxAge`).
 * @throws RangeError when it is not a finite number of seconds, 0 or more.
 */
function maxReplayWindowOf(options: ServerVerifyOptions): number {
  const seconds = options.maxReplayWindow ?? DEFAULT_MAX_REPLAY_WINDOW;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError('maxReplayWindow must be a finite number of seconds, 0 or more');
  }
  return seconds;
}

/**
 * Checks the server options that core does not check, once when a middleware is set up, so that a mistake fails
 * at start-up rather than on every request.
 * @throws RangeError for a bad `maxBodySize`, `bodyTimeout` or `maxReplayWindow`.
 * @throws TypeError for a `replay` option that is neither a boolean nor a replay store, `scheme: 'auto'` without
 *   both the `cavage` and the `rfc9421` options, or `scheme: 'web-bot-auth'` without a `keys` function.
 */
export function checkServerOptions(options: ServerVerifyOptions): void {
  if (options.scheme === 'auto' && (typeof options.cavage !== 'object' || options.cavage === null || typeof options.rfc9421 !== 'object' || options.rfc9421 === null)) {
    throw new TypeError("scheme: 'auto' needs both cavage and rfc9421 options");
  }
  if (options.scheme === 'web-bot-auth' && typeof options.keys !== 'function') {
    throw new TypeError("scheme: 'web-bot-auth' needs a keys function (webBotAuthKeyring, signatureAgentKeys)");
  }
  bodyLimitOf(options);
  bodyTimeoutOf(options);
  maxReplayWindowOf(options);
  replayStoreOf(options.replay);
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

/**
 * Verifies a received message with core (draft-cavage, or RFC 9421 with `scheme: 'rfc9421'`); with replay
 * protection core also records the signature in the `replay` store, within `maxReplayWindow`.
 */
export async function verifyMessage(message: ReceivedMessage, options: ServerVerifyOptions): Promise<SignatureVerification> {
  return verifyMessageSync(message, options);
}

/**
 * {@link verifyMessage} without a forced promise: the result itself when every step ran synchronously
 * (draft-cavage, a synchronous key lookup, no replay store), else a promise. Failures may be thrown.
 */
export function verifyMessageSync(message: ReceivedMessage, options: ServerVerifyOptions): SignatureVerification | Promise<SignatureVerification> {
  if (options.scheme === 'auto') return verifyAutoMessage(message, options);
  if (options.scheme === 'web-bot-auth') return verifyWebBotAuthMessage(message, options);
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

/** The replay options core gets: the store and window, or nothing when replay protection is off. */
function replayOptionsOf(options: ServerVerifyOptions): { replayStore: ReplayStore; maxReplayWindow: number } | undefined {
  const replayStore = replayStoreOf(options.replay);
  return replayStore === undefined ? undefined : { replayStore, maxReplayWindow: maxReplayWindowOf(options) };
}

function verifyCavageMessage(message: ReceivedMessage, options: CavageServerVerifyOptions): VerifyResult | Promise<VerifyResult> {
  const coreOptions: VerifyOptions = {
    keyLookup: options.keyLookup,
    requiredHeaders: options.requiredHeaders,
    clockSkew: options.clockSkew,
    scheme: options.scheme,
    requestTarget: options.requestTarget,
    maxHeaderLength: options.maxHeaderLength,
    maxSignedHeaders: options.maxSignedHeaders,
    now: options.now,
    // draft-cavage-12 §2.1.3 signs the digest header, not the body: the digest is recomputed here.
    // An empty body with no digest header has nothing to check; a digest header is checked even then.
    body: bodyToCheck(message, options, ['digest', 'content-digest']),
  };
  const replay = replayOptionsOf(options);
  // Without replay protection core's answer is the answer, synchronous when the key lookup is.
  if (replay === undefined) return verifySync(message, coreOptions);
  return verify(message, { ...coreOptions, ...replay });
}

/** The options core takes: the server's own (`ServerOptions`: body limits, proxy, replay, realm, hooks) left out. */
function coreOptionsOf<T extends ServerOptions>(options: T): Omit<T, keyof ServerOptions> {
  const {
    maxBodySize: _maxBodySize, requireDigest: _requireDigest, trustProxy: _trustProxy, replay: _replay, realm: _realm,
    onVerified: _onVerified, onError: _onError, maxReplayWindow: _maxReplayWindow, bodyTimeout: _bodyTimeout, ...coreOptions
  } = options;
  return coreOptions;
}

async function verifyRfc9421Message(message: ReceivedMessage, options: Rfc9421ServerVerifyOptions): Promise<VerifyRfc9421Result> {
  const coreOptions = coreOptionsOf(options);
  const body = bodyToCheck(message, options, ['content-digest']);
  const withBody = body === undefined ? coreOptions : { ...coreOptions, body };
  const replay = replayOptionsOf(options);
  if (replay === undefined) return verify(message, withBody);
  // The server's replay protection does not require a nonce unless asked: the record is keyed on the signature base.
  return verify(message, { ...withBody, ...replay, requireNonce: options.requireNonce ?? false });
}

async function verifyWebBotAuthMessage(message: ReceivedMessage, options: WebBotAuthServerVerifyOptions): Promise<VerifyWebBotAuthResult> {
  const { scheme: _scheme, ...coreOptions } = coreOptionsOf(options);
  const body = bodyToCheck(message, options, ['content-digest']);
  const withBody = body === undefined ? coreOptions : { ...coreOptions, body };
  const replay = replayOptionsOf(options);
  if (replay === undefined) return verifyWebBotAuth(message, withBody);
  // As for RFC 9421, the server's replay protection requires no nonce unless asked: without one the record is
  // keyed on the signature base.
  return verifyWebBotAuth(message, { ...withBody, ...replay, requireNonce: options.requireNonce ?? false });
}

/**
 * `scheme: 'auto'`: core decides the scheme from the request's fields; the server adds to each scheme's options
 * the body to check (as for that scheme alone) and the replay store.
 */
function verifyAutoMessage(message: ReceivedMessage, options: AutoServerVerifyOptions): Promise<VerifyAutoResult> {
  const { body: _cavageBody, replayStore: _cavageStore, ...cavageOptions } = options.cavage as VerifyOptions;
  const { body: _rfc9421Body, replayStore: _rfc9421Store, ...rfc9421Options } = options.rfc9421 as VerifyRfc9421Options;
  const replay = replayOptionsOf(options);
  const cavage: VerifyOptions = { ...cavageOptions, body: bodyToCheck(message, options, ['digest', 'content-digest']), ...replay };
  const rfc9421: VerifyRfc9421Options = {
    ...rfc9421Options, body: bodyToCheck(message, options, ['content-digest']), ...(replay === undefined ? {} : { ...replay, requireNonce: rfc9421Options.requireNonce ?? false }),
  };
  return verify(message, { scheme: 'auto', cavage, rfc9421 });
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
    const bot = 'thumbprint' in result ? { thumbprint: result.thumbprint, agent: result.agent, claimedAgent: result.claimedAgent } : {};
    await options.onVerified({ keyId: result.keyId, algorithm: result.algorithm, headers: [...headers], ...bot });
  }
  return result;
}
