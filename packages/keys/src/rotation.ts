/**
 * Key rotation: verifying once more with a refetched key after a signature failed with a cached one.
 *
 * @packageDocumentation
 */
import { isHttpSignatureError } from '@httpsig/core';

/** Anything that can refetch a key, like the lookups of {@link remoteKeyLookup}. */
export interface RefreshableKeys {
  /**
   * Refetches the key of `keyId` if allowed.
   * @param keyId - the keyId whose signature failed.
   * @returns true when a different key is now cached.
   */
  refresh(keyId: string): Promise<boolean>;
}

/**
 * Runs a verification; when it fails with `ERR_SIGNATURE_MISMATCH` for a keyId, asks `keys` to refetch that key
 * (at most once per keyId per `refreshInterval`, whoever asks) and, when the key changed, runs the verification
 * once more. What Mastodon does when a remote actor rotates its key — without letting failures become a fetch
 * amplifier: a refetch that is not allowed, fails, or yields the same key rethrows the first error.
 *
 * `verify` must be repeatable: core `verify` with the body bytes is; a server entry point that consumes the
 * request body is not (for servers, call `keyLookup.refresh(keyId)` from `onError` instead; see the guide).
 *
 * @param keys - the lookup (or {@link RemoteKeys}) that served the key.
 * @param verify - runs the verification with that lookup.
 * @returns what `verify` returned.
 * @throws what `verify` threw (from the second attempt, when there was one).
 * @example
 * ```ts
 * const keyLookup = remoteKeyLookup()
 * const result = await verifyWithRotation(keyLookup, () => verify(request, { keyLookup, body }))
 * ```
 */
export async function verifyWithRotation<T>(keys: RefreshableKeys, verify: () => Promise<T>): Promise<T> {
  try {
    return await verify();
  } catch (error) {
    if (!isHttpSignatureError(error) || error.code !== 'ERR_SIGNATURE_MISMATCH' || error.keyId === undefined) throw error;
    let changed = false;
    try { changed = await keys.refresh(error.keyId); } catch { /* keep the first error */ }
    if (!changed) throw error;
    return verify();
  }
}
