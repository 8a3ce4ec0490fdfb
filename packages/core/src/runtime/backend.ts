/**
 * The small interface behind which the two crypto backends sit (node:crypto, and portable:
 * @noble/hashes + WebCrypto + node-forge). The package's `#backend` import condition picks one.
 * Internal: not exported from the package.
 */
import type { KeyInput } from '../types.js';

/** Hash functions the signature algorithms use. */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** The type of an asymmetric key. */
export type AsymmetricKeyKind = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519';

/**
 * What a key is bound to beyond its type: a `CryptoKey`'s algorithm (and hash), or the RSASSA-PSS parameters
 * of a PSS key (hash, MGF1 hash, minimum salt length). Undefined members are unrestricted.
 */
export interface KeyRestriction {
  readonly type: 'rsa-pkcs1' | 'rsa-pss';
  readonly hash: HashName | undefined;
  readonly mgf1Hash?: HashName | undefined;
  readonly saltLength?: number | undefined;
}

/** An imported asymmetric key: what it is, and the backend's own handle. */
export interface AsymmetricKey {
  readonly kind: AsymmetricKeyKind;
  /** The named curve of an EC key. */
  readonly curve: 'P-256' | 'P-384' | undefined;
  readonly isPrivate: boolean;
  /** The modulus length of an RSA key, in bits (undefined for other kinds). */
  readonly bits: number | undefined;
  /** The length of an RSA key's public exponent, in bits (undefined for other kinds, or when not known). */
  readonly exponentBits?: number | undefined;
  /** What the key is restricted to, if anything (see {@link KeyRestriction}). */
  readonly restriction: KeyRestriction | undefined;
  /** Backend-specific (a KeyObject, or DER bytes and cached CryptoKeys). */
  readonly handle: unknown;
}

/** A concrete signature primitive, after the algorithm name has been bound to a key. */
export type Primitive =
  | { readonly type: 'hmac'; readonly hash: HashName }
  | { readonly type: 'rsa-pkcs1'; readonly hash: HashName }
  | { readonly type: 'rsa-pss'; readonly hash: HashName; readonly saltLength: number }
  | { readonly type: 'ecdsa'; readonly hash: HashName; readonly curve: 'P-256' | 'P-384'; readonly encoding: 'der' | 'p1363' }
  | { readonly type: 'ed25519' };

/** An asymmetric primitive (every primitive but HMAC). */
export type AsymmetricPrimitive = Exclude<Primitive, { type: 'hmac' }>;

/** Asymmetric key input (everything but an HMAC secret). */
export type AsymmetricKeyInput = Exclude<KeyInput, Uint8Array>;

/** What a crypto backend provides. Throwing an error other than the ones documented is a bug. */
export interface CryptoBackend {
  readonly name: 'node' | 'portable';
  /** Message digest. */
  digest(hash: HashName, data: Uint8Array): Uint8Array;
  /** HMAC of a UTF-8 string under a secret (a string is its UTF-8 bytes). */
  hmac(hash: HashName, secret: string | Uint8Array, data: string): Uint8Array;
  /** The same HMAC, base64-encoded (node:crypto encodes it without an intermediate buffer: measured faster). */
  hmacBase64(hash: HashName, secret: string | Uint8Array, data: string): string;
  /**
   * Imports an asymmetric key. `use` says whether a private key is needed; for `'verify'` a private key
   * is accepted and its public half used.
   * @throws Error (any) when the key cannot be read: callers wrap it in InvalidKeyError.
   */
  importKey(input: AsymmetricKeyInput, use: 'sign' | 'verify'): Promise<AsymmetricKey>;
  /**
   * The public half of an imported key as a JWK holding only its public members (`kty`, `crv`, `n`, `e`, `x`,
   * `y`): what a key directory publishes and a thumbprint hashes.
   * @throws Error (any) when the backend cannot export it: callers wrap it in InvalidKeyError.
   */
  exportPublicJwk(key: AsymmetricKey): Promise<Record<string, string>>;
  /** Signs a UTF-8 string. */
  sign(primitive: AsymmetricPrimitive, key: AsymmetricKey, data: string): Uint8Array | Promise<Uint8Array>;
  /**
   * Verifies a signature over a UTF-8 string; false on any mismatch. The signature is its bytes or, as a
   * draft-cavage header carries it, its standard base64 text (checked to be base64 by the caller), which the node
   * backend decodes without allocating.
   */
  verify(primitive: AsymmetricPrimitive, key: AsymmetricKey, data: string, signature: Uint8Array | string): boolean | Promise<boolean>;
  /** Standard base64 with padding. */
  base64Encode(bytes: Uint8Array): string;
  /** Decodes base64 already checked to be canonical. */
  base64Decode(text: string): Uint8Array;
  /** Constant-time comparison (lengths may leak). */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}
