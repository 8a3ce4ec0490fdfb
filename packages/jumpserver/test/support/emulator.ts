// Shared set-up of the tests that run against the JumpServer emulator, and the helper that reads a failure.
import type { JumpServerError } from '../../src/index.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator.js';

/**
 * Starts one emulator for the test file (closed after it) and resets its state before every test.
 * @returns the running emulator, usable inside tests and hooks (it forwards to the emulator `beforeAll` started).
 */
export function useEmulator(options?: EmulatorOptions): RunningEmulator {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator(options);
  });
  afterAll(async () => {
    await emulator?.close();
  });
  beforeEach(async () => {
    await emulator?.reset();
  });
  return new Proxy({} as RunningEmulator, {
    get(_target, property) {
      if (emulator === undefined) throw new Error('the emulator is not running yet (use it inside a test)');
      const value: unknown = Reflect.get(emulator, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(emulator) : value;
    },
  });
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<JumpServerError> {
  try {
    await promise;
  } catch (error) {
    return error as JumpServerError;
  }
  throw new Error('expected a failure');
}
