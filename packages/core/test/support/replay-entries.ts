// Driving a ReplayStore directly: entries in whole seconds, outcomes as strings (a refusal as its error code).
import { isHttpSignatureError, type ReplayEntry, type ReplayStore } from '../../src/index.js';

/**
 * A replay entry kept through the whole second `untilSeconds` (as core records one), at the clock `nowMs`.
 * @param owner - default the key itself, so that entries of different keys do not share a per-key quota.
 */
export function entry(key: string, untilSeconds: number, nowMs: number = 0, owner: string = key): ReplayEntry {
  return { key, owner, expiresAt: untilSeconds * 1000 + 1, now: nowMs };
}

/** What a store answers to an entry: `'stored'`, `'replayed'`, or the code of the error it throws. */
export function outcomeOf(store: ReplayStore, replayEntry: ReplayEntry): string {
  try {
    const outcome = store.record(replayEntry);
    if (typeof outcome !== 'string') throw new TypeError('expected a synchronous store');
    return outcome;
  } catch (error) {
    return isHttpSignatureError(error) ? error.code : `untyped: ${String(error)}`;
  }
}

/** A store that accepts everything and keeps every entry it was asked to record. */
export function recordingStore(): ReplayStore & { entries: ReplayEntry[] } {
  const entries: ReplayEntry[] = [];
  return { entries, record: (recorded) => { entries.push(recorded); return 'stored'; } };
}
