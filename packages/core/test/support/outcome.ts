// How a call ended, as one comparable string: the tests of every subject assert on the stable error `code`.
import { isHttpSignatureError } from '../../src/index.js';

/**
 * What a promise settled to: `'resolved'`, the `code` of a typed error, or `untyped <name>: <message>` for any other
 * rejection (so that an untyped error fails an expectation of a code, with its cause in the diff).
 */
export function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(() => 'resolved', (e: unknown) => (isHttpSignatureError(e) ? e.code : `untyped ${(e as Error)?.name}: ${String(e)}`));
}

/** {@link codeOf} for a synchronous call: `'returned'`, the `code` of a typed error, or `untyped …`. */
export function codeOfCall(fn: () => unknown): string {
  try {
    fn();
    return 'returned';
  } catch (e) {
    return isHttpSignatureError(e) ? e.code : `untyped ${(e as Error)?.name}: ${String(e)}`;
  }
}

/**
 * Why a promise was refused: the `code` of a typed error, the name of a plain Error (`'TypeError'` for a
 * programming mistake, `'RangeError'` for an invalid option), or `'no error'` when it resolved.
 */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  return isHttpSignatureError(error) ? error.code : error instanceof Error ? error.name : 'no error';
}
