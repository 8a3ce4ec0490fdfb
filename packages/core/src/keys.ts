/**
 * Key import with a cache: passing the same PEM string (or key object) on every request parses it once.
 * @packageDocumentation
 */
import { backend } from '#backend';
import { InvalidKeyError } from './errors.js';
import { isPublicKeyMaterial } from './lib/key-material.js';
import type { AsymmetricKey, AsymmetricKeyInput, AsymmetricKeyKind, AsymmetricPrimitive, HashName, KeyRestriction } from './runtime/backend.js';
import type { KeyInput } from './types.js';

/** Most string-keyed entries kept; the cache is emptied when it is full (keys rarely number in hundreds). */
const MAX_STRING_ENTRIES = 512;

interface Entry {
  value: AsymmetricKey | undefined;
  promise: Promise<AsymmetricKey>;
}

const byString = { sign: new Map<string, Entry>(), verify: new Map<string, Entry>() };
const byObject = new WeakMap<object, { sign?: Entry; verify?: Entry }>();

/**
 * Whether a key input is PEM text (the only string form of an asymmetric key). Used to refuse a string that is
 * not PEM where an asymmetric key is needed; it never decides that a key is an HMAC secret (the algorithm, or
 * an explicit `hs2019: 'hmac-sha512'`, decides that).
 * @param input - a key input.
 * @returns true for a string carrying PEM armour.
 */
export function isPemText(input: KeyInput): input is string {
  return typeof input === 'string' && /-----BEGIN /i.test(input);
}

/**
 * Refuses a key that is not one of the accepted forms (a string, bytes or an object) before it reaches a parser,
 * so a lookup or option holding `undefined`, `null` or a number fails as a typed error, not a `TypeError`.
 * @param input - the key as given by the caller or the key lookup.
 * @param keyId - the keyId, carried by the error.
 * @throws {@link InvalidKeyError} when the key has none of the accepted forms.
 */
export function assertKeyInput(input: unknown, keyId?: string): asserts input is KeyInput {
  if (typeof input === 'string' || input instanceof Uint8Array) return;
  if (typeof input === 'object' && input !== null) return;
  throw new InvalidKeyError('The key must be a string, bytes or a key object', { keyId });
}

/**
 * The one check of an HMAC secret, for draft-cavage and RFC 9421, signing and verifying: a string or bytes, not
 * empty, and not public-key material (PEM armour in any letter case, DER as bytes or base64 text, JWK JSON, an
 * OpenSSH public key line). An HMAC keyed with a public key can be forged by anyone holding that public key.
 * @param secret - the would-be HMAC secret.
 * @param keyId - the keyId, carried by the error.
 * @throws {@link InvalidKeyError} when the secret is not a string or bytes, is empty, or is public-key material.
 */
export function assertUsableSecret(secret: unknown, keyId?: string): asserts secret is string | Uint8Array {
  if (typeof secret === 'string' && usableSecrets.has(secret)) return;
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw new InvalidKeyError('An HMAC secret must be a string or bytes', { keyId });
  }
  if (secret.length === 0) throw new InvalidKeyError('An HMAC secret cannot be empty', { keyId });
  if (isPublicKeyMaterial(secret)) throw new InvalidKeyError('Public-key material cannot be used as an HMAC secret', { keyId });
  if (typeof secret === 'string') {
    if (usableSecrets.size >= MAX_USABLE_SECRETS) usableSecrets.clear();
    usableSecrets.add(secret);
  }
}

/** Most secret strings remembered as checked; the set is emptied when it is full. */
const MAX_USABLE_SECRETS = 256;
/**
 * Secret strings that passed {@link assertUsableSecret}: a string cannot change, so its check (the public-key
 * material tests: regular expressions, a JSON parse, base64 and DER decoding) is done once per secret rather than on
 * every signature — about 5% of an HMAC verification. Byte secrets are checked every time (the caller may change them).
 */
const usableSecrets = new Set<string>();

/** The shortest RSA modulus accepted unless the caller lowers it with `minRsaBits`. */
export const DEFAULT_MIN_RSA_BITS = 2048;

/** The WebCrypto algorithms of signing keys (RSA-OAEP, ECDH, AES… are refused). */
const SIGNING_CRYPTO_KEY = new Set(['RSASSA-PKCS1-v1_5', 'RSA-PSS', 'ECDSA', 'Ed25519']);

/** What a given `CryptoKey` is bound to, read once so that both backends apply it alike. */
interface CryptoKeyProfile {
  kind: AsymmetricKeyKind | undefined;
  restriction: KeyRestriction | undefined;
}

/**
 * Reads a `CryptoKey`'s algorithm and usages: it must be a signing algorithm, and carry the usage of its type
 * (`sign` for a private key, `verify` for a public key). A key imported for encryption or key agreement is refused.
 * @returns undefined when the input is not a `CryptoKey`.
 * @throws {@link InvalidKeyError} when the `CryptoKey` is not a signing key or lacks the usage.
 */
function cryptoKeyProfile(input: AsymmetricKeyInput, keyId: string | undefined): CryptoKeyProfile | undefined {
  if (typeof CryptoKey === 'undefined' || !(input instanceof CryptoKey)) return undefined;
  const algorithm = input.algorithm as RsaHashedKeyAlgorithm;
  if (!SIGNING_CRYPTO_KEY.has(algorithm.name)) throw new InvalidKeyError('The CryptoKey is not a signing key', { keyId });
  const usage = input.type === 'private' ? 'sign' : 'verify';
  if (!input.usages.includes(usage)) throw new InvalidKeyError(`The CryptoKey does not allow "${usage}"`, { keyId });
  const hash = algorithm.hash?.name as HashName | undefined;
  if (algorithm.name === 'RSASSA-PKCS1-v1_5') return { kind: 'rsa', restriction: { type: 'rsa-pkcs1', hash } };
  if (algorithm.name === 'RSA-PSS') return { kind: 'rsa-pss', restriction: { type: 'rsa-pss', hash, mgf1Hash: hash, saltLength: undefined } };
  return { kind: undefined, restriction: undefined };
}

/**
 * Whether a primitive may run on a key given its restriction: a `CryptoKey`'s algorithm and hash, or the
 * RSASSA-PSS parameters of a PSS key (hash, MGF1 hash, minimum salt length). Both primitive bindings
 * (draft-cavage and RFC 9421) call it, so both backends refuse the same mismatches.
 * @param primitive - the primitive the algorithm means.
 * @param key - the imported key.
 * @returns false when the key is restricted to something else.
 */
export function fitsRestriction(primitive: AsymmetricPrimitive, key: AsymmetricKey): boolean {
  const r = key.restriction;
  if (r === undefined) return true;
  if (r.type !== primitive.type) return false;
  if (primitive.type !== 'rsa-pkcs1' && primitive.type !== 'rsa-pss') return true;
  if (r.hash !== undefined && r.hash !== primitive.hash) return false;
  if (primitive.type === 'rsa-pss') {
    if (r.mgf1Hash !== undefined && r.mgf1Hash !== primitive.hash) return false;
    if (r.saltLength !== undefined && primitive.saltLength < r.saltLength) return false;
  }
  return true;
}

/**
 * The longest RSA public exponent accepted, in bits. Every deployed key uses 65537 (17 bits); a verifier facing a
 * key with a huge exponent (OpenSSL accepts any exponent below the modulus for moduli up to 3072 bits) pays up to
 * sixty times the usual cost per signature, which a key published by an attacker turns into work before
 * authentication.
 */
const MAX_RSA_EXPONENT_BITS = 32;
/** The longest RSA modulus accepted, in bits: a verification's cost grows with it, and no deployed key is longer. */
const MAX_RSA_BITS = 16384;

/**
 * Refuses an RSA key shorter than `minRsaBits` (default 2048), longer than 16384 bits, or with a public exponent
 * over 32 bits.
 * @throws {@link InvalidKeyError} when the modulus is shorter or longer, or unknown, or the exponent too long.
 * @throws TypeError when `minRsaBits` is not a positive integer.
 */
function assertStrength(key: AsymmetricKey, minRsaBits: number | undefined, keyId: string | undefined): AsymmetricKey {
  if (key.kind !== 'rsa' && key.kind !== 'rsa-pss') return key;
  const min = minRsaBits ?? DEFAULT_MIN_RSA_BITS;
  if (!Number.isSafeInteger(min) || min < 1) throw new TypeError('minRsaBits must be a positive integer');
  if (key.bits === undefined || key.bits < min) throw new InvalidKeyError(`The RSA key is shorter than ${min} bits`, { keyId });
  if (key.bits > MAX_RSA_BITS) throw new InvalidKeyError(`The RSA key is longer than ${MAX_RSA_BITS} bits`, { keyId });
  if (key.exponentBits !== undefined && (key.exponentBits > MAX_RSA_EXPONENT_BITS || key.exponentBits < 2)) {
    throw new InvalidKeyError('The RSA public exponent is not one signatures use (at most 32 bits)', { keyId });
  }
  return key;
}

function load(input: AsymmetricKeyInput, use: 'sign' | 'verify', keyId: string | undefined): Entry {
  const profile = cryptoKeyProfile(input, keyId);
  const entry: Entry = { value: undefined, promise: undefined as unknown as Promise<AsymmetricKey> };
  entry.promise = backend.importKey(input, use).then(
    (imported) => {
      const key = profile === undefined ? imported
        : { ...imported, kind: profile.kind ?? imported.kind, restriction: profile.restriction ?? imported.restriction };
      entry.value = key;
      return key;
    },
    (cause: unknown) => { throw new InvalidKeyError(`The ${use === 'sign' ? 'signing' : 'verification'} key cannot be imported`, { keyId, cause: sanitise(cause) }); },
  );
  return entry;
}

/** Keeps only the error's class name: parser messages can quote key bytes. */
function sanitise(cause: unknown): Error {
  return new Error(cause instanceof Error ? cause.name : 'Error');
}

/**
 * Imports an asymmetric key for signing or verification, from the cache when it was seen before. Returns
 * the key itself when it is ready (no extra microtask on the hot path), else a promise.
 * @param input - the key.
 * @param use - whether a private key is needed.
 * @param keyId - the keyId, carried by errors.
 * @param minRsaBits - the shortest RSA modulus accepted (default {@link DEFAULT_MIN_RSA_BITS}).
 * @returns the imported key, or a promise of it.
 * @throws {@link InvalidKeyError} (through the promise) when the key cannot be read, is a `CryptoKey` that is
 *   not a signing key or lacks the usage, or is an RSA key shorter than `minRsaBits`.
 */
export function importAsymmetricKey(input: AsymmetricKeyInput, use: 'sign' | 'verify', keyId?: string, minRsaBits?: number): AsymmetricKey | Promise<AsymmetricKey> {
  assertKeyInput(input, keyId);
  let entry: Entry | undefined;
  if (typeof input === 'string' || ('pem' in input && 'passphrase' in input && typeof input.pem === 'string')) {
    const cache = byString[use];
    const id = typeof input === 'string' ? input : `${input.pem}\u0000${input.passphrase}`;
    entry = cache.get(id);
    if (entry === undefined) {
      if (cache.size >= MAX_STRING_ENTRIES) cache.clear();
      entry = load(input, use, keyId);
      cache.set(id, entry);
      entry.promise.catch(() => cache.delete(id));
    }
  } else {
    let slots = byObject.get(input);
    if (slots === undefined) byObject.set(input, (slots = {}));
    entry = slots[use];
    if (entry === undefined) {
      const created = load(input, use, keyId);
      slots[use] = created;
      created.promise.catch(() => { if (slots !== undefined) delete slots[use]; });
      entry = created;
    }
  }
  if (entry.value !== undefined) return assertStrength(entry.value, minRsaBits, keyId);
  return entry.promise.then((key) => assertStrength(key, minRsaBits, keyId));
}

/** Empties the key cache (e.g. after rotating keys held in long-lived strings). */
export function clearKeyCache(): void {
  byString.sign.clear();
  byString.verify.clear();
  usableSecrets.clear();
}
