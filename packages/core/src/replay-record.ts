/**
 * Recording a verified signature in a replay store (both schemes). Internal.
 * @packageDocumentation
 */
import { ExpiredSignatureError } from './errors.js';
import { keyIdentity, replayRecordKey, type IdentifiableKey } from './key-identity.js';
import { andThen } from './lib/promise-like.js';
import type { ReplayStore } from './replay-store.js';

/**
 * Records a signature that verified, keyed on the identity of the key that verified it and the exact signed
 * content, until the last second it is acceptable. Called last, so a signature failing any other check never
 * uses up a record.
 *
 * @param store - the replay store.
 * @param entry - the key the lookup returned.
 * @param signed - the draft-cavage signing string or the RFC 9421 signature base.
 * @param validUntil - the last Unix second the signature is acceptable.
 * @param keyId - carried by an error.
 * @throws {@link ExpiredSignatureError} when the store answers anything but `true` (a replay, or a store that
 *   cannot record it); whatever the store itself throws is rethrown as it is.
 * @throws {@link InvalidKeyError} when the key cannot be identified (see {@link keyIdentity}).
 */
export function recordSignature(
  store: ReplayStore, entry: IdentifiableKey, signed: string, validUntil: number, keyId: string | undefined,
): void | Promise<void> {
  return andThen(keyIdentity(entry, keyId), (identity) => andThen(
    store.checkAndStore(replayRecordKey(identity, signed), Math.ceil(validUntil), identity),
    (fresh) => {
      if (fresh !== true) throw new ExpiredSignatureError('The signature was already used, or the replay store cannot record it', { keyId });
    },
  ));
}
