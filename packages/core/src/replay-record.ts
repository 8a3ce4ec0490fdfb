/**
 * Recording a verified signature in a replay store (both schemes). Internal.
 * @packageDocumentation
 */
import { InvalidKeyError, ReplayStoreUnavailableError, ReplayWindowTooLongError, ReplayedSignatureError } from './errors.js';
import { keyIdentity, replayRecordKey, type IdentifiableKey } from './key-identity.js';
import { DEFAULT_CLOCK_SKEW, nowMilliseconds } from './lib/clock.js';
import { andThen, isPromiseLike } from './lib/promise-like.js';
import type { ReplayOutcome, ReplayStore } from './replay-store.js';

/** The verify options the replay record reads. */
export interface ReplayPolicy {
  /** The verifier's clock. */
  now?: Date | number | undefined;
  /** The clock skew allowed, seconds. */
  clockSkew?: number | undefined;
  /** RFC 9421 `maxAge`, seconds. */
  maxAge?: number | undefined;
  /** The longest validity accepted with a replay store, seconds; undefined for no cap. */
  maxReplayWindow?: number | undefined;
}

/**
 * The longest validity a replay record may have to cover, in milliseconds: `maxReplayWindow`, but never less
 * than what the clock policy itself accepts, `2 × clockSkew + maxAge` (a time up to one skew ahead, valid for
 * `maxAge` and one skew more). Infinite without `maxReplayWindow`.
 *
 * @param policy - the verify options.
 * @returns the window in milliseconds.
 * @throws RangeError when `maxReplayWindow` is not a finite number of seconds, 0 or more, or `clockSkew` or
 *   `maxAge` is not finite.
 */
export function replayWindowOf(policy: ReplayPolicy): number {
  const seconds = policy.maxReplayWindow;
  if (seconds === undefined) return Number.POSITIVE_INFINITY;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError('maxReplayWindow must be a finite number of seconds, 0 or more');
  }
  const floor = 2 * (policy.clockSkew ?? DEFAULT_CLOCK_SKEW) + (policy.maxAge ?? 0);
  if (!Number.isFinite(floor)) throw new RangeError('clockSkew and maxAge must be finite numbers of seconds');
  return Math.max(seconds, floor) * 1000;
}

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
 * @param policy - the clock and `maxReplayWindow` of the verify options.
 * @throws {@link ReplayWindowTooLongError} when the signature stays acceptable beyond `maxReplayWindow` (nothing
 *   is stored).
 * @throws {@link ReplayedSignatureError} when the store answers `'replayed'`.
 * @throws {@link ReplayStoreUnavailableError} when the store throws (its error is the `cause`) or answers anything
 *   but `'stored'` or `'replayed'`: fail closed.
 * @throws {@link InvalidKeyError} when the key cannot be identified (see {@link keyIdentity}).
 * @throws TypeError when the store has no `record` method.
 */
export function recordSignature(
  store: ReplayStore, entry: IdentifiableKey, signed: string, validUntil: number, keyId: string | undefined, policy: ReplayPolicy,
): void | Promise<void> {
  if (typeof (store as Partial<ReplayStore> | null)?.record !== 'function') {
    throw new TypeError('replayStore must implement record(entry) (see ReplayStore)');
  }
  const now = nowMilliseconds(policy.now);
  // Acceptable through the whole second `validUntil`: the record lives until just after it.
  const expiresAt = Math.ceil(validUntil) * 1000 + 1;
  if (expiresAt - 1 - now > replayWindowOf(policy)) throw new ReplayWindowTooLongError({ keyId });
  const { replayShare } = entry;
  if (replayShare !== undefined && (typeof replayShare !== 'string' || replayShare === '')) {
    throw new InvalidKeyError('A replayShare must be a non-empty string', { keyId });
  }
  return andThen(keyIdentity(entry, keyId), (identity) => {
    // The record names the key that verified; the share it counts against is the key's, or the party's it names.
    const owner = replayShare === undefined ? identity : `share:${replayShare}`;
    let outcome: ReplayOutcome | Promise<ReplayOutcome>;
    try {
      outcome = store.record({ key: replayRecordKey(identity, signed), owner, expiresAt, now });
    } catch (cause) {
      throw new ReplayStoreUnavailableError({ keyId, cause });
    }
    const answered = (result: unknown): void => {
      if (result === 'stored') return;
      if (result === 'replayed') throw new ReplayedSignatureError({ keyId });
      throw new ReplayStoreUnavailableError({ keyId, cause: new TypeError("The replay store answered neither 'stored' nor 'replayed'") });
    };
    if (!isPromiseLike(outcome)) return answered(outcome);
    return Promise.resolve(outcome).then(answered, (cause: unknown) => { throw new ReplayStoreUnavailableError({ keyId, cause }); });
  });
}
