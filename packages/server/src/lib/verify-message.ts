/**
 * The verification pipeline every entry point shares: core `verify`, validity window, replay check, hooks.
 * Internal.
 * @packageDocumentation
 */
import {
  DEFAULT_CLOCK_SKEW, ExpiredSignatureError, HeaderNotSignedError, isHttpSignatureError, parseHttpDate, verify,
} from '@httpsig/core';
import type { VerifyOptions, VerifyResult } from '@httpsig/core';
import { ReplayStoreUnavailableError, ReplayedSignatureError } from '../errors.js';
import type { ServerErrorCode } from '../errors.js';
import type { ServerVerifyOptions } from '../types.js';
import { signatureErrorStatus as statusFor } from '../response.js';
import { replayKey, replayStoreOf, validUntil } from './replay.js';

/** A request as received: raw request target, ordered header pairs (lower-case names), body bytes. */
export interface ReceivedMessage {
  method: string;
  url: string;
  headers: [string, string][];
  body: Uint8Array;
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
 * Verifies a received message under the server options (without hooks; see {@link withHooks}).
 */
export async function verifyMessage(message: ReceivedMessage, options: ServerVerifyOptions): Promise<VerifyResult> {
  const store = replayStoreOf(options.replay);
  const now = nowOf(options.now);
  const digestGiven = message.headers.some(([name]) => name === 'digest' || name === 'content-digest');
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
    body: digestGiven || (message.body.length > 0 && options.requireDigest !== false) ? message.body : undefined,
  };
  const result = await verify(message, coreOptions);
  const { keyId } = result;

  // The validity window is needed for replay protection, and to bound a signature that only `created` dates.
  const onlyCreated = result.created !== undefined && result.expires === undefined && !result.headers.includes('date');
  if (store === undefined && !onlyCreated) return result;
  const dateText = result.headers.includes('date') ? headerValue(message.headers, 'date') : undefined;
  const signedDate = dateText === undefined ? undefined : parseHttpDate(dateText);
  const end = validUntil(result, signedDate, options.clockSkew ?? DEFAULT_CLOCK_SKEW);
  // core bounds `created` only from the future side; a signature bounded by nothing else ends at created + skew.
  if (end !== undefined && end < now) throw new ExpiredSignatureError('The signature is older than the clock skew allows', { keyId });

  if (store !== undefined) {
    if (end === undefined) throw new HeaderNotSignedError('date', { keyId });
    const key = await replayKey(result);
    let fresh: boolean;
    try {
      fresh = await store.add(key, end, now);
    } catch (cause) {
      throw new ReplayStoreUnavailableError({ keyId, cause });
    }
    if (!fresh) throw new ReplayedSignatureError({ keyId });
  }
  return result;
}

/**
 * Runs a verification task with the options' hooks: `onVerified` after success, `onError` with the stable
 * code, keyId and status when it fails with a signature error (which is then rethrown).
 */
export async function withHooks(options: ServerVerifyOptions, task: () => Promise<VerifyResult>): Promise<VerifyResult> {
  let result: VerifyResult;
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
    await options.onVerified({ keyId: result.keyId, algorithm: result.algorithm, headers: [...result.headers] });
  }
  return result;
}
