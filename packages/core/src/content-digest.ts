/**
 * RFC 9530 `Content-Digest` headers (`sha-256=:<base64>:`), a Structured Field dictionary.
 * @packageDocumentation
 */
import { parseDictionary } from 'structured-headers';
import { backend } from '#backend';
import { bodyDigests, DIGEST_HASHES, MAX_DIGEST_ENTRIES, type BodyDigests } from './body-digest.js';
import { DigestMismatchError, DigestMissingError, HeaderTooLargeError } from './errors.js';
import type { HashName } from './runtime/backend.js';
import { bodyBytes } from './lib/bytes.js';
import type { BodyInput, DigestAlgorithm } from './types.js';

/**
 * Creates a `Content-Digest` header value over the exact body bytes.
 *
 * @param body - the bytes that are sent.
 * @param algorithm - `'SHA-256'` (default) or `'SHA-512'`.
 * @returns e.g. `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`.
 * @example
 * ```ts
 * createContentDigest('{"hello": "world"}', 'SHA-512')
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9530#section-2
 */
export function createContentDigest(body: BodyInput, algorithm: DigestAlgorithm = 'SHA-256'): string {
  if (algorithm !== 'SHA-256' && algorithm !== 'SHA-512') throw new TypeError('digest must be SHA-256 or SHA-512');
  // A one-member dictionary whose value is a byte sequence (RFC 8941 §3.3.5), written without the
  // structured-field serialiser so that signing carries no parser.
  return `${algorithm.toLowerCase()}=:${backend.base64Encode(backend.digest(algorithm, bodyBytes(body)))}:`;
}

/**
 * Checks a `Content-Digest` header against the received body: every `sha-256`/`sha-512` member must match,
 * other algorithms are ignored, at least one supported member must be present. The field is read whole
 * before the body is hashed, and each algorithm is hashed once.
 *
 * @param value - the header value.
 * @param body - the bytes received.
 * @param keyId - attached to the error for logging.
 * @throws {@link HeaderTooLargeError} when the field has more than 8 members.
 * @throws {@link DigestMissingError} when no supported member is present.
 * @throws {@link DigestMismatchError} when a member does not match or the field does not parse.
 * @example
 * ```ts
 * checkContentDigest(createContentDigest(body), body)
 * ```
 */
export function checkContentDigest(value: string, body: BodyInput, keyId?: string): void {
  checkContentDigestMembers(value, bodyDigests(body), keyId);
}

/**
 * {@link checkContentDigest} over memoised digests (shared with a `Digest` check of the same body). Internal.
 * @throws the errors of {@link checkContentDigest}.
 */
export function checkContentDigestMembers(value: string, digests: BodyDigests, keyId: string | undefined): void {
  let dictionary: ReturnType<typeof parseDictionary>;
  try {
    dictionary = parseDictionary(value);
  } catch {
    throw new DigestMismatchError('The Content-Digest header is not a valid structured field', { keyId });
  }
  if (dictionary.size > MAX_DIGEST_ENTRIES) throw new HeaderTooLargeError('The Content-Digest header has too many members', { keyId });
  const expected: [HashName, Uint8Array][] = [];
  for (const [name, member] of dictionary) {
    const hash = DIGEST_HASHES.get(name);
    if (hash === undefined) continue;
    const item = member[0];
    if (!(item instanceof ArrayBuffer)) throw new DigestMismatchError('A Content-Digest member is not a byte sequence', { keyId });
    expected.push([hash, new Uint8Array(item)]);
  }
  if (expected.length === 0) throw new DigestMissingError('The Content-Digest header has no sha-256 or sha-512 member', { keyId });
  for (const [hash, bytes] of expected) {
    if (!backend.timingSafeEqual(digests(hash), bytes)) {
      throw new DigestMismatchError('The Content-Digest header does not match the body', { keyId });
    }
  }
}
