/**
 * Binding an algorithm name to a key (draft-cavage-12 §2.5: the verifier derives the algorithm from the
 * key's metadata and never lets the client's `algorithm` pick HMAC against an asymmetric key).
 * @packageDocumentation
 */
import type { AsymmetricKey, AsymmetricPrimitive, HashName, Primitive } from '../runtime/backend.js';
import { fitsRestriction } from '../keys.js';
import type { CavageAlgorithm, Hs2019Mapping } from './types.js';

/** Every algorithm name this library implements, in a stable order. */
export const CAVAGE_ALGORITHMS: readonly CavageAlgorithm[] = [
  'hmac-sha1', 'hmac-sha256', 'hmac-sha512', 'rsa-sha1', 'rsa-sha256', 'rsa-sha512', 'ecdsa-sha256', 'ed25519', 'ed25519-sha512', 'hs2019',
];

/**
 * The name an algorithm is verified under: `ed25519-sha512` is `ed25519` (Misskey's name for the same signature).
 * @param algorithm - an algorithm name this library implements.
 * @returns the canonical name.
 */
export function canonicalAlgorithm(algorithm: CavageAlgorithm): CavageAlgorithm {
  return algorithm === 'ed25519-sha512' ? 'ed25519' : algorithm;
}

const HMAC_HASH: Partial<Record<CavageAlgorithm, HashName>> = { 'hmac-sha1': 'SHA-1', 'hmac-sha256': 'SHA-256', 'hmac-sha512': 'SHA-512' };
/** The HMAC primitives, shared (a primitive is read-only): no object per signature. */
const HMAC_PRIMITIVE: Readonly<Record<HashName, Primitive>> = Object.freeze({
  'SHA-1': Object.freeze({ type: 'hmac', hash: 'SHA-1' }),
  'SHA-256': Object.freeze({ type: 'hmac', hash: 'SHA-256' }),
  'SHA-384': Object.freeze({ type: 'hmac', hash: 'SHA-384' }),
  'SHA-512': Object.freeze({ type: 'hmac', hash: 'SHA-512' }),
});
const RSA_HASH: Partial<Record<CavageAlgorithm, HashName>> = { 'rsa-sha1': 'SHA-1', 'rsa-sha256': 'SHA-256', 'rsa-sha512': 'SHA-512' };

/** Whether a string names an algorithm this library implements. */
export function isCavageAlgorithm(name: string): name is CavageAlgorithm {
  return (CAVAGE_ALGORITHMS as readonly string[]).includes(name);
}

/** Whether the algorithm uses a shared secret (HMAC). `hs2019` is neither: it depends on the key. */
export function isHmacAlgorithm(algorithm: CavageAlgorithm): boolean {
  return HMAC_HASH[algorithm] !== undefined;
}

/** The key a primitive runs on: an HMAC secret, or an imported asymmetric key. */
export type BoundKey = { readonly type: 'secret' } | AsymmetricKey;

/**
 * Whether the key is an HMAC secret: decided by the algorithm, or for `hs2019` by the explicit
 * `hs2019: 'hmac-sha512'` — never by the key's form.
 * @param algorithm - the algorithm.
 * @param hs2019 - what `hs2019` means, as the caller or key lookup said.
 * @returns true when the algorithm runs HMAC.
 */
export function usesSecret(algorithm: CavageAlgorithm, hs2019: Hs2019Mapping | undefined): boolean {
  return isHmacAlgorithm(algorithm) || (algorithm === 'hs2019' && hs2019 === 'hmac-sha512');
}

/**
 * The primitive an algorithm means for a key, or undefined when the algorithm does not fit the key's type
 * (or the key's restriction: a `CryptoKey`'s algorithm, a PSS key's parameters).
 * `hs2019` means HMAC-SHA512 only with `hs2019: 'hmac-sha512'`; otherwise it follows the asymmetric key: the
 * caller's RSA mapping, ECDSA with the curve's hash, Ed25519.
 */
export function primitiveFor(algorithm: CavageAlgorithm, key: BoundKey, hs2019: Hs2019Mapping = 'rsa-sha256'): Primitive | undefined {
  const hmacHash = HMAC_HASH[algorithm];
  if (hmacHash !== undefined) return 'kind' in key ? undefined : HMAC_PRIMITIVE[hmacHash];
  if (!('kind' in key)) return algorithm === 'hs2019' && hs2019 === 'hmac-sha512' ? HMAC_PRIMITIVE['SHA-512'] : undefined;
  const primitive = asymmetricPrimitiveFor(algorithm, key, hs2019);
  return primitive !== undefined && fitsRestriction(primitive, key) ? primitive : undefined;
}

function asymmetricPrimitiveFor(algorithm: CavageAlgorithm, key: AsymmetricKey, hs2019: Hs2019Mapping): AsymmetricPrimitive | undefined {
  const rsaHash = RSA_HASH[algorithm];
  if (rsaHash !== undefined) return key.kind === 'rsa' ? { type: 'rsa-pkcs1', hash: rsaHash } : undefined;
  if (algorithm === 'ecdsa-sha256') {
    return key.kind === 'ec' && key.curve === 'P-256' ? { type: 'ecdsa', hash: 'SHA-256', curve: 'P-256', encoding: 'der' } : undefined;
  }
  if (algorithm === 'ed25519' || algorithm === 'ed25519-sha512') return key.kind === 'ed25519' ? { type: 'ed25519' } : undefined;
  // hs2019 on an asymmetric key
  if (algorithm !== 'hs2019' || hs2019 === 'hmac-sha512') return undefined;
  switch (key.kind) {
    case 'rsa':
      return hs2019 === 'rsa-sha256' ? { type: 'rsa-pkcs1', hash: 'SHA-256' } : { type: 'rsa-pss', hash: 'SHA-512', saltLength: 64 };
    case 'rsa-pss':
      return { type: 'rsa-pss', hash: 'SHA-512', saltLength: 64 };
    case 'ec':
      return key.curve === 'P-256'
        ? { type: 'ecdsa', hash: 'SHA-256', curve: 'P-256', encoding: 'der' }
        : { type: 'ecdsa', hash: 'SHA-384', curve: 'P-384', encoding: 'der' };
    case 'ed25519':
      return { type: 'ed25519' };
  }
}
