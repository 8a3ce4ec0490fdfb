/**
 * Replay keys and validity windows. Internal.
 * @packageDocumentation
 */
import type { VerifyResult } from '@httpsig/core';
import { MemoryReplayStore } from '../memory-replay-store.js';
import type { ReplayStore } from '../types.js';

let defaultStore: MemoryReplayStore | undefined;

/** The process-wide store behind `replay: true`, created on first use. */
export function defaultReplayStore(): MemoryReplayStore {
  defaultStore ??= new MemoryReplayStore();
  return defaultStore;
}

/** Resolves the `replay` option to a store, or undefined when replay protection is off. */
export function replayStoreOf(option: boolean | ReplayStore | undefined): ReplayStore | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return defaultReplayStore();
  if (typeof option.add !== 'function') throw new TypeError('replay must be a boolean or a ReplayStore');
  return option;
}

/**
 * The replay key: SHA-256 over the keyId and the exact signing string, base64url. For the deterministic
 * algorithms (HMAC, RSA PKCS#1 v1.5, Ed25519) this identifies the signature value one-to-one; unlike a
 * hash of the base64 text it cannot be dodged by re-encoding the signature (non-canonical base64) or,
 * for ECDSA, by the (r, n − s) twin of a signature.
 */
export async function replayKey(result: Pick<VerifyResult, 'keyId' | 'signingString'>): Promise<string> {
  const data = new TextEncoder().encode(`${result.keyId}\n${result.signingString}`);
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The last moment (Unix ms) at which core still accepts the signature: the earliest of `expires` + skew,
 * signed `Date` + skew, and (without `expires`) `created` + skew. Undefined when nothing signed bounds it in time.
 */
export function validUntil(result: VerifyResult, signedDate: number | undefined, clockSkewSeconds: number): number | undefined {
  const skew = clockSkewSeconds * 1000;
  const ends: number[] = [];
  if (result.expires !== undefined) ends.push(result.expires * 1000 + skew);
  else if (result.created !== undefined) ends.push(result.created * 1000 + skew);
  if (signedDate !== undefined) ends.push(signedDate + skew);
  return ends.length === 0 ? undefined : Math.min(...ends);
}
