/**
 * A stable identity of the key a signature verified with, for replay records: what was verified, not the
 * unsigned `keyId` text. Internal.
 * @packageDocumentation
 */
import { backend } from '#backend';
import { InvalidKeyError } from './errors.js';
import { utf8 } from './lib/bytes.js';
import type { KeyInput } from './types.js';

/** What identifies a key: the lookup's explicit `id`, else the key itself. */
export interface IdentifiableKey {
  key: KeyInput;
  id?: string | undefined;
  replayShare?: string | undefined;
}

/** Identities of key objects already seen (each object is hashed once). */
const cache = new WeakMap<object, string | Promise<string>>();

/** Public JWK members, in a fixed order; `k` is an `oct` key's secret (hashed, never stored as is). */
const JWK_MEMBERS = ['kty', 'crv', 'n', 'e', 'x', 'y', 'k'] as const;

/** base64url without padding. */
function base64url(bytes: Uint8Array): string {
  return backend.base64Encode(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** SHA-256 of a domain-separated material, base64url: one-way, so a store never holds key material. */
function fingerprint(kind: string, material: Uint8Array): string {
  const prefix = utf8(`httpsig key identity\u0000${kind}\u0000`);
  const data = new Uint8Array(prefix.length + material.length);
  data.set(prefix, 0);
  data.set(material, prefix.length);
  return base64url(backend.digest('SHA-256', data));
}

/** PEM text without its whitespace (line breaks and indentation do not change the key). */
function pemIdentity(pem: string): string {
  return fingerprint('pem', utf8(pem.replace(/\s+/g, '')));
}

/** The identity of a JSON Web Key from its public members (and `k` for a secret). */
function jwkIdentity(jwk: Record<string, unknown>): string {
  return fingerprint('jwk', utf8(JSON.stringify(JWK_MEMBERS.map((name) => (typeof jwk[name] === 'string' ? jwk[name] : null)))));
}

/** Whether a value has the shape of a WebCrypto `CryptoKey`. */
function isCryptoKeyShape(value: object): value is CryptoKey {
  return typeof (value as { extractable?: unknown }).extractable === 'boolean' && typeof (value as { algorithm?: unknown }).algorithm === 'object';
}

/** The identity of a key object (a JWK, a KeyObject, a CryptoKey, an encrypted PEM). */
function objectIdentity(key: object, keyId: string | undefined): string | Promise<string> {
  if (key instanceof Uint8Array) return fingerprint('secret', key);
  if (typeof (key as { pem?: unknown }).pem === 'string') return pemIdentity((key as { pem: string }).pem);
  if (typeof (key as { kty?: unknown }).kty === 'string') return jwkIdentity(key as Record<string, unknown>);
  if (isCryptoKeyShape(key)) {
    if (!key.extractable) {
      throw new InvalidKeyError('A non-extractable CryptoKey needs an id from the key lookup for replay protection', { keyId });
    }
    const subtle = globalThis.crypto?.subtle;
    if (subtle === undefined) throw new InvalidKeyError('The key cannot be identified for replay protection', { keyId });
    return subtle.exportKey('jwk', key).then(
      (jwk) => jwkIdentity(jwk as Record<string, unknown>),
      (cause: unknown) => { throw new InvalidKeyError('The key cannot be identified for replay protection', { keyId, cause }); },
    );
  }
  const exporter = (key as { export?: unknown; type?: unknown }).export;
  if (typeof exporter === 'function') {
    // A node KeyObject: a secret by its bytes; a public or private key by its public JWK members, so that a
    // key pair's two halves and the same key given as a JWK are one identity.
    try {
      if ((key as { type?: unknown }).type === 'secret') return fingerprint('secret', new Uint8Array(exporter.call(key) as Uint8Array));
      return jwkIdentity(exporter.call(key, { format: 'jwk' }) as Record<string, unknown>);
    } catch (cause) {
      throw new InvalidKeyError('The key cannot be identified for replay protection', { keyId, cause });
    }
  }
  throw new InvalidKeyError('The key cannot be identified for replay protection', { keyId });
}

/**
 * The identity of a verification key: a one-way fingerprint (SHA-256, base64url) of the lookup's explicit `id`
 * when it gives one, else of the key — an HMAC secret's bytes, a PEM's text without whitespace, an asymmetric
 * key's public JWK members. Computed once per key object. Two keyIds resolving to the same key have the same
 * identity; the same key given in two encodings (a PEM and a JWK) has two, unless the lookup gives an `id`.
 * Stable across processes, so a shared replay store can key on it.
 *
 * @param entry - the key the lookup returned.
 * @param keyId - carried by an error.
 * @returns the identity, or a promise of it (an extractable CryptoKey is exported asynchronously).
 * @throws {@link InvalidKeyError} for a key that cannot be read (e.g. a non-extractable CryptoKey without `id`).
 */
export function keyIdentity(entry: IdentifiableKey, keyId: string | undefined): string | Promise<string> {
  const { id, key } = entry;
  if (id !== undefined) {
    if (typeof id !== 'string' || id.length === 0) throw new InvalidKeyError('A key id must be a non-empty string', { keyId });
    return fingerprint('id', utf8(id));
  }
  if (typeof key === 'string') return key.includes('-----BEGIN ') ? pemIdentity(key) : fingerprint('secret', utf8(key));
  if (typeof key !== 'object' || key === null) throw new InvalidKeyError('The key must be a string, bytes or a key object', { keyId });
  const known = cache.get(key);
  if (known !== undefined) return known;
  const identity = objectIdentity(key, keyId);
  cache.set(key, identity);
  if (typeof identity !== 'string') identity.catch(() => { cache.delete(key); });
  return identity;
}

/**
 * The replay record of a verified signature: SHA-256 (base64url) over the key identity and the exact signed
 * content (the draft-cavage signing string, or the RFC 9421 signature base). For the deterministic algorithms
 * (HMAC, RSA PKCS#1 v1.5, Ed25519) it stands one-to-one for the signature value; unlike the signature's text it
 * cannot be dodged by re-encoding the signature, or for ECDSA by the (r, n − s) twin; unlike the `keyId` text,
 * not by a keyId that the lookup resolves to the same key.
 *
 * @param identity - {@link keyIdentity} of the key that verified.
 * @param signed - the signing string or signature base.
 * @returns the record key (43 characters).
 */
export function replayRecordKey(identity: string, signed: string): string {
  return base64url(backend.digest('SHA-256', utf8(`${identity}\n${signed}`)));
}
