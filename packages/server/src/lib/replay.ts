/**
 * The server's replay store behind core's replay records. Internal.
 * @packageDocumentation
 */
import type { ReplayStore as CoreReplayStore } from '@httpsig/core';
import { ReplayStoreUnavailableError, ReplayWindowTooLongError, ReplayedSignatureError } from '../errors.js';
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

/** What {@link replayRecorder} gives core: its key lookup (to learn the keyId) and its replay store. */
export interface ReplayRecorder {
  /** Wraps the key lookup so that the store's errors carry the keyId. */
  lookup<F extends (keyId: never, params: never) => unknown>(keyLookup: F): F;
  /** Core's replay store, backed by the server's. */
  store: CoreReplayStore;
}

/**
 * Backs core's replay store (Unix seconds, a boolean) with the server's (Unix ms, errors of their own), for one
 * request. Core decides the record key (key identity + signed content) and `validUntil`; here a signature
 * acceptable for more than `window` ms from `now` is refused before anything is stored, an unavailable store
 * fails closed, and a replay is {@link ReplayedSignatureError}.
 *
 * @param store - the server's store.
 * @param now - the verifier's clock, Unix ms.
 * @param window - the longest validity accepted, ms (see `maxReplayWindow`).
 * @returns the lookup wrapper and core store.
 */
export function replayRecorder(store: ReplayStore, now: number, window: number): ReplayRecorder {
  let keyId: string | undefined;
  return {
    lookup: <F extends (keyId: never, params: never) => unknown>(keyLookup: F): F =>
      ((id: string | undefined, params: unknown) => {
        keyId = id;
        return (keyLookup as unknown as (id: string | undefined, params: unknown) => unknown)(id, params);
      }) as unknown as F,
    store: {
      async checkAndStore(key: string, expiresAtSeconds: number, owner?: string): Promise<boolean> {
        // Core accepts through the whole second `expiresAtSeconds`: the record lives until just after it.
        const end = expiresAtSeconds * 1000;
        if (end - now > window) throw new ReplayWindowTooLongError({ keyId });
        let fresh: boolean;
        try {
          fresh = await store.add(key, end + 1, now, owner);
        } catch (cause) {
          throw new ReplayStoreUnavailableError({ keyId, cause });
        }
        if (!fresh) throw new ReplayedSignatureError({ keyId });
        return true;
      },
    },
  };
}
