/**
 * Headers that an application may read differently from the verifier when they are repeated: node:http keeps
 * only the first line of these in `IncomingMessage.headers` (the rest are discarded), while a signature covers
 * every line joined with `", "`. A request or response that repeats one that its signature covers is refused.
 * @packageDocumentation
 */
import { MalformedRequestError } from './errors.js';

/**
 * The header names whose repeats node:http discards, keeping the first (`IncomingMessage.headers`, the
 * `message.headers` section of the node:http documentation).
 */
export const SINGLETON_HEADERS: ReadonlySet<string> = new Set([
  'age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since',
  'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after',
  'server', 'user-agent',
]);

/**
 * Refuses a covered header of {@link SINGLETON_HEADERS} that the message carries more than once. Internal.
 *
 * @param name - the covered header name, lower-case.
 * @param lines - how many field lines of that name the message has.
 * @param keyId - the signature's keyId, for the error.
 * @throws {@link core/src!MalformedRequestError} `ERR_MALFORMED_REQUEST` when it is a singleton header given twice or more.
 */
export function assertSingleLine(name: string, lines: number, keyId: string | undefined): void {
  if (lines > 1 && SINGLETON_HEADERS.has(name)) {
    throw new MalformedRequestError('A signed header that must appear once appears more than once', { keyId });
  }
}

/**
 * {@link assertSingleLine} for draft-cavage: refuses when a covered name is among the repeated singleton headers
 * that a header table recorded. Internal.
 *
 * @param repeated - the singleton header names that came more than once (`HeaderTable.repeated`).
 * @param covered - the signed header names, lower-case.
 * @param keyId - the signature's keyId, for the error.
 * @throws {@link core/src!MalformedRequestError} `ERR_MALFORMED_REQUEST` when a signed singleton header came more than once.
 */
export function assertNoRepeatedSigned(repeated: readonly string[] | undefined, covered: readonly string[], keyId: string | undefined): void {
  if (repeated === undefined) return;
  for (const name of repeated) assertSingleLine(name, covered.includes(name) ? 2 : 0, keyId);
}
