/**
 * Key material read from documents (PEM, JWK, Multikey), normalised to an SPKI PEM and a key kind.
 * @packageDocumentation
 */
import { createPublicKey, ECDH, type KeyObject } from 'node:crypto';
import { decodeBase58 } from './lib/base58.js';

/** The kinds of public key this package accepts from the network. */
export type RemoteKeyKind = 'rsa' | 'ed25519' | 'ec-p256' | 'ec-p384';

/** A public key as stored in a cache: its kind and its SPKI PEM. */
export interface KeyMaterial {
  /** The key type (decides the algorithms). */
  kind: RemoteKeyKind;
  /** The public key, SPKI PEM. */
  pem: string;
}

/** RSA moduli accepted from the network, in bits: weaker keys are refused, and huge ones would cost CPU. */
export const RSA_MODULUS_BITS = { min: 2048, max: 8192 } as const;

/**
 * The only RSA public exponent accepted from the network: 65537 (F4), what every key generator uses. A verify
 * costs a modular exponentiation by the exponent, so a key with a huge one (OpenSSL accepts any `e < n`) would
 * turn each signature check into milliseconds of CPU for whoever names that key.
 */
export const RSA_PUBLIC_EXPONENT: bigint = 65537n;

const ED25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

/** Normalises a public KeyObject; undefined when its type, size or (RSA) exponent is not accepted. */
function describe(key: KeyObject): KeyMaterial | undefined {
  if (key.type !== 'public') return undefined;
  let kind: RemoteKeyKind;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa': {
      const bits = details.modulusLength ?? 0;
      if (bits < RSA_MODULUS_BITS.min || bits > RSA_MODULUS_BITS.max) return undefined;
      if (details.publicExponent !== RSA_PUBLIC_EXPONENT) return undefined;
      kind = 'rsa';
      break;
    }
    case 'ed25519': kind = 'ed25519'; break;
    case 'ec':
      if (details.namedCurve === 'prime256v1') kind = 'ec-p256';
      else if (details.namedCurve === 'secp384r1') kind = 'ec-p384';
      else return undefined;
      break;
    default: return undefined;
  }
  return { kind, pem: key.export({ type: 'spki', format: 'pem' }).toString() };
}

/**
 * Reads a public key PEM (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`).
 *
 * @param pem - the PEM text.
 * @returns the normalised key, or undefined when it is not an accepted public key.
 */
export function keyFromPem(pem: unknown): KeyMaterial | undefined {
  if (typeof pem !== 'string' || pem.length > 16_384 || !/^\s*-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) return undefined;
  try { return describe(createPublicKey({ key: pem, format: 'pem' })); } catch { return undefined; }
}

/**
 * Reads a public JWK (RSA, EC P-256/P-384, OKP Ed25519); private members are refused.
 *
 * @param jwk - the JWK object.
 * @returns the normalised key, or undefined.
 */
export function keyFromJwk(jwk: unknown): KeyMaterial | undefined {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return undefined;
  const members = jwk as Record<string, unknown>;
  if ('d' in members || !['RSA', 'EC', 'OKP'].includes(String(members['kty']))) return undefined;
  try { return describe(createPublicKey({ key: members as never, format: 'jwk' })); } catch { return undefined; }
}

function spki(der: Uint8Array): KeyMaterial | undefined {
  try { return describe(createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' })); } catch { return undefined; }
}

function ecPoint(point: Uint8Array, curve: 'prime256v1' | 'secp384r1', crv: 'P-256' | 'P-384'): KeyMaterial | undefined {
  try {
    const raw = ECDH.convertKey(Buffer.from(point), curve, undefined, undefined, 'uncompressed') as Buffer;
    const size = (raw.length - 1) / 2;
    const x = raw.subarray(1, 1 + size).toString('base64url');
    const y = raw.subarray(1 + size).toString('base64url');
    return keyFromJwk({ kty: 'EC', crv, x, y });
  } catch { return undefined; }
}

/**
 * Reads a Multikey `publicKeyMultibase` (FEP-521a): multibase base58btc (`z…`) of a multicodec-prefixed key —
 * `0xed01` Ed25519 (32 bytes), `0x1205` RSA (DER, PKCS#1 `RSAPublicKey` or SPKI), `0x1200` P-256 and `0x1201`
 * P-384 (compressed points).
 *
 * @param text - the `publicKeyMultibase` value.
 * @returns the normalised key, or undefined.
 * @see https://codeberg.org/fediverse/fep/src/branch/main/fep/521a/fep-521a.md
 */
export function keyFromMultibase(text: unknown): KeyMaterial | undefined {
  if (typeof text !== 'string' || !text.startsWith('z')) return undefined;
  const bytes = decodeBase58(text.slice(1));
  if (bytes === undefined || bytes.length < 3) return undefined;
  const [b0, b1] = bytes;
  const body = bytes.subarray(2);
  if (b0 === 0xed && b1 === 0x01) {
    if (body.length !== 32) return undefined;
    const der = new Uint8Array(ED25519_SPKI_PREFIX.length + 32);
    der.set(ED25519_SPKI_PREFIX);
    der.set(body, ED25519_SPKI_PREFIX.length);
    return spki(der);
  }
  if (b0 === 0x85 && b1 === 0x24) {
    try {
      return describe(createPublicKey({ key: Buffer.from(body), format: 'der', type: 'pkcs1' }));
    } catch {
      return spki(body);
    }
  }
  if (b0 === 0x80 && b1 === 0x24 && body.length === 33) return ecPoint(body, 'prime256v1', 'P-256');
  if (b0 === 0x81 && b1 === 0x24 && body.length === 49) return ecPoint(body, 'secp384r1', 'P-384');
  return undefined;
}

/**
 * Re-reads stored key material (e.g. from a shared cache) and checks that it is what it claims to be.
 *
 * @param value - a stored `{ kind, pem }`.
 * @returns the material, or undefined when it is not a valid accepted public key of that kind.
 */
export function checkStoredMaterial(value: unknown): KeyMaterial | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { kind, pem } = value as Record<string, unknown>;
  const material = keyFromPem(pem);
  return material !== undefined && material.kind === kind ? material : undefined;
}
