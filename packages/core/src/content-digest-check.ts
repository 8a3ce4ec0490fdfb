/**
 * Checking RFC 9530 `Content-Digest` headers against a received body.
 * @packageDocumentation
 */
import { parseDictionary } from 'structured-headers';
import { backend } from '#backend';
import { bodyDigests, DIGEST_HASHES, MAX_DIGEST_ENTRIES, type BodyDigests } from './body-digest.js';
import { DigestMismatchError, DigestMissingError, HeaderTooLargeError } from './errors.js';
import type { HashName } from './runtime/backend.js';
import type { BodyInput } from './types.js';

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
 * checkContentDigest(createContentDigest(body), body)   // createContentDigest of content-digest.ts
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
