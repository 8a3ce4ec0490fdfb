/**
 * RFC 9421 §3.3 signature algorithms, bound to keys, and the signing/verifying of a signature base.
 * Internal: the crypto runs through the `#backend` primitives shared with draft-cavage.
 * @packageDocumentation
 */
import { backend } from '#backend';
import { AlgorithmNotAllowedError, InvalidKeyError, WebCryptoUnavailableError } from '../errors.js';
import { constantTimeEqualText } from '../lib/bytes.js';
import { assertUsableSecret, fitsRestriction, importAsymmetricKey, isPemText } from '../keys.js';
import type { AsymmetricKey, AsymmetricPrimitive } from '../runtime/backend.js';
import type { KeyInput } from '../types.js';
import type { Rfc9421Algorithm } from './types.js';

/** Every RFC 9421 algorithm this library implements, in registry order (RFC 9421 §6.2.2). */
export const RFC9421_ALGORITHMS: readonly Rfc9421Algorithm[] = [
  'rsa-pss-sha512', 'rsa-v1_5-sha256', 'hmac-sha256', 'ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'ed25519',
];

/**
 * Whether a string names an RFC 9421 algorithm this library implements.
 *
 * @param name - an `alg` value.
 * @returns true for the six registered algorithms.
 * @example
 * ```ts
 * isRfc9421Algorithm('ed25519') // true
 * ```
 */
export function isRfc9421Algorithm(name: unknown): name is Rfc9421Algorithm {
  return typeof name === 'string' && ALGORITHM_NAMES.has(name);
}

/** {@link RFC9421_ALGORITHMS} as a set (one lookup per name on every signature). */
const ALGORITHM_NAMES: ReadonlySet<string> = new Set(RFC9421_ALGORITHMS);

/**
 * The primitive an algorithm means for an asymmetric key, or undefined when they do not fit.
 * RSASSA-PSS: SHA-512, MGF1-SHA-512, salt 64 (§3.3.1); PKCS#1 v1.5 SHA-256 (§3.3.2); ECDSA with r‖s
 * (IEEE P1363) encoding, SHA-256 on P-256 and SHA-384 on P-384 (§3.3.4, §3.3.5); Ed25519 (§3.3.6).
 */
function primitiveFor(algorithm: Rfc9421Algorithm, key: AsymmetricKey): AsymmetricPrimitive | undefined {
  const primitive = primitiveOfKind(algorithm, key);
  return primitive !== undefined && fitsRestriction(primitive, key) ? primitive : undefined;
}

function primitiveOfKind(algorithm: Rfc9421Algorithm, key: AsymmetricKey): AsymmetricPrimitive | undefined {
  switch (algorithm) {
    case 'rsa-pss-sha512':
      return key.kind === 'rsa' || key.kind === 'rsa-pss' ? { type: 'rsa-pss', hash: 'SHA-512', saltLength: 64 } : undefined;
    case 'rsa-v1_5-sha256':
      return key.kind === 'rsa' ? { type: 'rsa-pkcs1', hash: 'SHA-256' } : undefined;
    case 'ecdsa-p256-sha256':
      return key.kind === 'ec' && key.curve === 'P-256' ? { type: 'ecdsa', hash: 'SHA-256', curve: 'P-256', encoding: 'p1363' } : undefined;
    case 'ecdsa-p384-sha384':
      return key.kind === 'ec' && key.curve === 'P-384' ? { type: 'ecdsa', hash: 'SHA-384', curve: 'P-384', encoding: 'p1363' } : undefined;
    case 'ed25519':
      return key.kind === 'ed25519' ? { type: 'ed25519' } : undefined;
    default:
      return undefined;
  }
}

/** Imports (from the cache) the asymmetric key and binds the algorithm to it. */
async function bind(algorithm: Rfc9421Algorithm, key: KeyInput, use: 'sign' | 'verify', keyId: string | undefined, minRsaBits: number | undefined): Promise<{ primitive: AsymmetricPrimitive; imported: AsymmetricKey }> {
  if (key instanceof Uint8Array || (typeof key === 'string' && !isPemText(key))) {
    if (use === 'sign') throw new AlgorithmNotAllowedError('An asymmetric algorithm needs a private key, not a secret', { keyId });
    throw new InvalidKeyError('An asymmetric algorithm needs a public key', { keyId });
  }
  const pending = importAsymmetricKey(key, use, keyId, minRsaBits);
  const imported = 'kind' in pending ? pending : await pending;
  const primitive = primitiveFor(algorithm, imported);
  if (primitive === undefined) throw new AlgorithmNotAllowedError('The algorithm does not fit the key type', { keyId });
  return { primitive, imported };
}

/**
 * Signs a signature base (RFC 9421 §3.1 step 6); returns the signature as standard padded base64 (an HMAC is
 * encoded by the backend directly, with no byte array in between).
 * @param minRsaBits - the shortest RSA key accepted (default 2048).
 * @throws AlgorithmNotAllowedError when the algorithm is unknown or does not fit the key.
 * @throws InvalidKeyError when the key cannot be imported or used, is an RSA key under `minRsaBits`, or an HMAC
 *   secret is empty or public-key material.
 */
export function signBase(algorithm: Rfc9421Algorithm, key: KeyInput, base: string, keyId: string | undefined, minRsaBits?: number): string | Promise<string> {
  if (!isRfc9421Algorithm(algorithm)) throw new AlgorithmNotAllowedError('The algorithm is not supported', { keyId });
  if (algorithm === 'hmac-sha256') {
    // Synchronous: no promise for the common HMAC case.
    assertUsableSecret(key, keyId);
    return backend.hmacBase64('SHA-256', key, base);
  }
  return signAsymmetric(algorithm, key, base, keyId, minRsaBits);
}

async function signAsymmetric(algorithm: Rfc9421Algorithm, key: KeyInput, base: string, keyId: string | undefined, minRsaBits: number | undefined): Promise<string> {
  const { primitive, imported } = await bind(algorithm, key, 'sign', keyId, minRsaBits);
  try {
    return backend.base64Encode(await backend.sign(primitive, imported, base));
  } catch (cause) {
    if (cause instanceof WebCryptoUnavailableError) throw new WebCryptoUnavailableError({ keyId });
    throw new InvalidKeyError('The key cannot sign with this algorithm', { keyId, cause: new Error(cause instanceof Error ? cause.name : 'Error') });
  }
}

/**
 * Verifies a signature over a signature base (RFC 9421 §3.2 step 8); HMAC is compared in constant time.
 * @param signature - the signature's bytes, or their canonical base64 text (the only text of those bytes).
 * @param minRsaBits - the shortest RSA key accepted (default 2048).
 * @returns whether the signature verifies.
 * @throws AlgorithmNotAllowedError when the algorithm does not fit the key.
 * @throws InvalidKeyError when the key cannot be imported, is of the wrong form or an RSA key under `minRsaBits`,
 *   or an HMAC secret is empty or public-key material (anyone could forge with it).
 */
export function verifyBase(algorithm: Rfc9421Algorithm, key: KeyInput, base: string, signature: string | Uint8Array, keyId: string | undefined, minRsaBits?: number): boolean | Promise<boolean> {
  if (algorithm === 'hmac-sha256') {
    // Synchronous: no promise for the common HMAC case. Canonical base64 text is compared as text (both encodings
    // are the only ones of their bytes), in constant time: no decoding, no byte array.
    assertUsableSecret(key, keyId);
    if (typeof signature === 'string') return constantTimeEqualText(backend.hmacBase64('SHA-256', key, base), signature);
    return backend.timingSafeEqual(backend.hmac('SHA-256', key, base), signature);
  }
  return verifyAsymmetric(algorithm, key, base, signature, keyId, minRsaBits);
}

async function verifyAsymmetric(algorithm: Rfc9421Algorithm, key: KeyInput, base: string, signature: string | Uint8Array, keyId: string | undefined, minRsaBits: number | undefined): Promise<boolean> {
  const { primitive, imported } = await bind(algorithm, key, 'verify', keyId, minRsaBits);
  // Canonical base64 text goes to the backend as it is: the backend decodes it (node: without allocating).
  return backend.verify(primitive, imported, base, signature);
}
