/**
 * The `replay` option: off, the process-wide memory store, or a given store. Internal.
 * @packageDocumentation
 */
import { MemoryReplayStore, type ReplayStore } from '@httpsig/core';

let defaultStore: MemoryReplayStore | undefined;

/** The process-wide store behind `replay: true`, created on first use. */
export function defaultReplayStore(): MemoryReplayStore {
  defaultStore ??= new MemoryReplayStore();
  return defaultStore;
}

/**
 * Resolves the `replay` option to a store, or undefined when replay protection is off.
 * @throws TypeError when it is neither a boolean nor a {@link ReplayStore} (e.g. a store of the former
 *   `add`/`checkAndStore` contracts).
 */
export function replayStoreOf(option: boolean | ReplayStore | undefined): ReplayStore | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return defaultReplayStore();
  if (typeof (option as Partial<ReplayStore> | null)?.record !== 'function') {
    throw new TypeError('replay must be a boolean or a ReplayStore (with record(entry))');
  }
  return option;
}
