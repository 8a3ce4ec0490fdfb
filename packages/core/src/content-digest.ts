/**
 * Creating RFC 9530 `Content-Digest` headers (`sha-256=:<base64>:`), a Structured Field dictionary. Checking one
 * is in `content-digest-check.ts`: apart, so that signing loads no structured-field parser (scripts/size.mjs).
 * @packageDocumentation
 */
import { backend } from '#backend';
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
