/**
 * RFC 3230 `Digest` headers (`SHA-256=<base64>`), as draft-cavage examples and the Fediverse use them.
 * The signature covers the header, not the body: a verifier must recompute the digest over the bytes it
 * received, which {@link checkDigestHeader} does.
 * @packageDocumentation
 */
import { backend } from '#backend';
import { bodyDigests, DIGEST_HASHES, MAX_DIGEST_ENTRIES, type BodyDigests } from '../body-digest.js';
import { DigestMismatchError, DigestMissingError, HeaderTooLargeError } from '../errors.js';
import { bodyBytes, isBase64 } from '../lib/bytes.js';
import type { HashName } from '../runtime/backend.js';
import type { BodyInput, DigestAlgorithm } from '../types.js';

/**
 * Creates a `Digest` header value over the exact body bytes.
 *
 * @param body - the bytes that are sent (a string is UTF-8 encoded).
 * @param algorithm - `'SHA-256'` (default) or `'SHA-512'`.
 * @returns e.g. `SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=`.
 * @example
 * ```ts
 * createDigestHeader('{"hello": "world"}') // 'SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE='
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc3230#section-4.3.2
 */
export function createDigestHeader(body: BodyInput, algorithm: DigestAlgorithm = 'SHA-256'): string {
  if (algorithm !== 'SHA-256' && algorithm !== 'SHA-512') throw new TypeError('digest must be SHA-256 or SHA-512');
  return `${algorithm}=${backend.base64Encode(backend.digest(algorithm, bodyBytes(body)))}`;
}

/**
 * Checks a `Digest` header against the received body. Every SHA-256/SHA-512 entry must match; entries of
 * other algorithms are ignored, and at least one supported entry must be present. The header is read whole
 * before the body is hashed, and each algorithm is hashed once.
 *
 * @param value - the `Digest` header value (several `alg=value` entries may be comma-separated).
 * @param body - the bytes received.
 * @param keyId - attached to the error for logging.
 * @throws {@link core/src!HeaderTooLargeError} when the header has more than 8 entries.
 * @throws {@link core/src!DigestMissingError} when no supported entry is present.
 * @throws {@link core/src!DigestMismatchError} when an entry does not match, or is not base64.
 * @example
 * ```ts
 * checkDigestHeader('SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=', '{"hello": "world"}')
 * ```
 */
export function checkDigestHeader(value: string, body: BodyInput, keyId?: string): void {
  checkDigestEntries(value, bodyDigests(body), keyId);
}

/**
 * {@link checkDigestHeader} over memoised digests (shared with a `Content-Digest` check of the same body). Internal.
 * @throws the errors of {@link checkDigestHeader}.
 */
export function checkDigestEntries(value: string, digests: BodyDigests, keyId: string | undefined): void {
  const entries = value.split(',');
  if (entries.length > MAX_DIGEST_ENTRIES) throw new HeaderTooLargeError('The Digest header has too many entries', { keyId });
  const expected: [HashName, string][] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq === -1) continue;
    const hash = DIGEST_HASHES.get(entry.slice(0, eq).trim().toLowerCase());
    if (hash === undefined) continue;
    const text = entry.slice(eq + 1).trim();
    if (!isBase64(text)) throw new DigestMismatchError('The Digest header value is not base64', { keyId });
    expected.push([hash, text]);
  }
  if (expected.length === 0) throw new DigestMissingError('The Digest header has no SHA-256 or SHA-512 entry', { keyId });
  for (const [hash, text] of expected) {
    if (!backend.timingSafeEqual(digests(hash), backend.base64Decode(text))) {
      throw new DigestMismatchError('The Digest header does not match the body', { keyId });
    }
  }
}
