/**
 * The digests of a received body, shared by the RFC 3230 `Digest` and RFC 9530 `Content-Digest` checks: each
 * algorithm hashed once however many entries name it. Internal.
 * @packageDocumentation
 */
import { backend } from '#backend';
import { bodyBytes } from './lib/bytes.js';
import type { HashName } from './runtime/backend.js';
import type { BodyInput } from './types.js';

/** Digest algorithm tokens this library computes, lower-cased, with their hash. */
export const DIGEST_HASHES: ReadonlyMap<string, HashName> = new Map([['sha-256', 'SHA-256'], ['sha-512', 'SHA-512']]);

/**
 * Most entries a `Digest` or members a `Content-Digest` header may have. A header with more is refused before
 * the body is hashed: a client cannot make the verifier hash a body once per repeated entry.
 */
export const MAX_DIGEST_ENTRIES = 8;

/** The digests of one body, each algorithm hashed at most once however many entries name it. Internal. */
export type BodyDigests = (hash: HashName) => Uint8Array;

/**
 * Memoises the digests of a body. Internal.
 * @param body - the received bytes.
 * @returns a function giving the body's digest under a hash, computed on first use.
 */
export function bodyDigests(body: BodyInput): BodyDigests {
  const bytes = bodyBytes(body);
  const computed = new Map<HashName, Uint8Array>();
  return (hash) => {
    let digest = computed.get(hash);
    if (digest === undefined) {
      digest = backend.digest(hash, bytes);
      computed.set(hash, digest);
    }
    return digest;
  };
}

