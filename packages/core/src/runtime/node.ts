/**
 * The node:crypto backend: KeyObjects, synchronous one-shot sign/verify (measured faster than the
 * callback forms for single requests, which pay a thread-pool hop).
 * Internal: selected by the `#backend` import condition `node`.
 */
import * as nodeCrypto from 'node:crypto';
import {
  KeyObject, constants, createHash, createPrivateKey, createPublicKey, sign as nodeSign,
  timingSafeEqual as nodeTimingSafeEqual, verify as nodeVerify,
} from 'node:crypto';
import { nodeHmac } from './node-hmac.js';
import { publicMembers } from './public-jwk.js';
import { asRsaEncryption, fromSpki } from '../lib/pem.js';
import type { AsymmetricKey, AsymmetricKeyInput, AsymmetricPrimitive, CryptoBackend, HashName, KeyRestriction } from './backend.js';

const NODE_HASH: Record<HashName, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

function toKeyObject(input: AsymmetricKeyInput, use: 'sign' | 'verify'): KeyObject {
  const create = use === 'sign' ? createPrivateKey : createPublicKey;
  if (typeof input === 'string') return create(input);
  if (input instanceof KeyObject) {
    if (use === 'sign' && input.type !== 'private') throw new TypeError('a private key is needed to sign');
    if (input.type === 'secret') throw new TypeError('a secret KeyObject is not an asymmetric key');
    return use === 'verify' && input.type === 'private' ? createPublicKey(input) : input;
  }
  if (typeof CryptoKey !== 'undefined' && input instanceof CryptoKey) return toKeyObject(KeyObject.from(input), use);
  if (typeof input === 'object' && input !== null && 'pem' in input && 'passphrase' in input) {
    const { pem, passphrase } = input as { pem: string; passphrase: string };
    const privateKey = createPrivateKey({ key: pem, format: 'pem', passphrase });
    return use === 'verify' ? createPublicKey(privateKey) : privateKey;
  }
  if (typeof input === 'object' && input !== null && 'kty' in input) {
    const jwk = input as unknown as import('node:crypto').JsonWebKey;
    if (use === 'sign' || 'd' in input) {
      const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
      return use === 'verify' ? createPublicKey(privateKey) : privateKey;
    }
    return createPublicKey({ key: jwk, format: 'jwk' });
  }
  throw new TypeError('unsupported key input');
}

const HASH_OF_NODE: Readonly<Record<string, HashName>> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

/** The RSASSA-PSS parameters a `rsa-pss` KeyObject carries, as a restriction (undefined when it has none). */
function pssRestriction(key: KeyObject): KeyRestriction | undefined {
  const details = key.asymmetricKeyDetails;
  if (details?.hashAlgorithm === undefined && details?.mgf1HashAlgorithm === undefined && details?.saltLength === undefined) return undefined;
  const hashOf = (name: string | undefined): HashName | undefined => {
    if (name === undefined) return undefined;
    const hash = HASH_OF_NODE[name];
    if (hash === undefined) throw new TypeError('unsupported RSASSA-PSS hash');
    return hash;
  };
  return { type: 'rsa-pss', hash: hashOf(details.hashAlgorithm), mgf1Hash: hashOf(details.mgf1HashAlgorithm), saltLength: details.saltLength };
}

function describe(key: KeyObject): AsymmetricKey {
  const type = key.asymmetricKeyType;
  const isPrivate = key.type === 'private';
  if (type === 'rsa' || type === 'rsa-pss') {
    const restriction = type === 'rsa-pss' ? pssRestriction(key) : undefined;
    const exponent = key.asymmetricKeyDetails?.publicExponent;
    const exponentBits = typeof exponent === 'bigint' ? exponent.toString(2).length : undefined;
    return { kind: type, curve: undefined, isPrivate, bits: key.asymmetricKeyDetails?.modulusLength, exponentBits, restriction, handle: key };
  }
  if (type === 'ed25519') return { kind: type, curve: undefined, isPrivate, bits: undefined, restriction: undefined, handle: key };
  if (type === 'ec') {
    const named = key.asymmetricKeyDetails?.namedCurve;
    const curve = named === 'prime256v1' ? 'P-256' : named === 'secp384r1' ? 'P-384' : undefined;
    if (curve === undefined) throw new TypeError('unsupported EC curve');
    return { kind: 'ec', curve, isPrivate, bits: undefined, restriction: undefined, handle: key };
  }
  throw new TypeError('unsupported asymmetric key type');
}

function options(primitive: AsymmetricPrimitive, key: KeyObject): { hash: string | null; key: import('node:crypto').SignKeyObjectInput } {
  switch (primitive.type) {
    case 'rsa-pkcs1':
      return { hash: NODE_HASH[primitive.hash], key: { key, padding: constants.RSA_PKCS1_PADDING } };
    case 'rsa-pss':
      return { hash: NODE_HASH[primitive.hash], key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: primitive.saltLength } };
    case 'ecdsa':
      return { hash: NODE_HASH[primitive.hash], key: { key, dsaEncoding: primitive.encoding === 'der' ? 'der' : 'ieee-p1363' } };
    case 'ed25519':
      return { hash: null, key: { key } };
  }
}

/**
 * The key argument of `crypto.verify`: the KeyObject itself where node's defaults are the primitive's (PKCS #1 v1.5
 * padding for an rsaEncryption key, DER for ECDSA, Ed25519), which node then need not read options from; the options
 * otherwise.
 */
function verifyKeyInput(primitive: AsymmetricPrimitive, key: AsymmetricKey): KeyObject | import('node:crypto').VerifyKeyObjectInput {
  const handle = key.handle as KeyObject;
  if (primitive.type === 'rsa-pkcs1' && key.kind === 'rsa') return handle;
  if (primitive.type === 'ed25519' || (primitive.type === 'ecdsa' && primitive.encoding === 'der')) return handle;
  return options(primitive, handle).key;
}

/** Room for the data of one verification in the scratch buffer; longer data gets a buffer of its own. */
const DATA_ROOM = 16 * 1024;
/** Room for a decoded signature (an RSA-16384 signature is 2048 bytes); longer ones get a buffer of their own. */
const SIGNATURE_ROOM = 2048;
/**
 * Where a verification's data (from 0) and decoded signature (from {@link DATA_ROOM}) are written: `crypto.verify`
 * runs synchronously, so one call uses it at a time. It never holds a secret: a signing string and a signature.
 */
const scratch = Buffer.allocUnsafeSlow(DATA_ROOM + SIGNATURE_ROOM);

/** The UTF-8 bytes of `data`, written into the scratch buffer when they fit (a UTF-16 unit is at most 3 bytes). */
function dataBytes(data: string): Uint8Array {
  if (data.length * 3 > DATA_ROOM) return Buffer.from(data, 'utf8');
  return new Uint8Array(scratch.buffer, scratch.byteOffset, scratch.write(data, 0, 'utf8'));
}

/** The bytes of a signature given as bytes or base64 text, decoded into the scratch buffer when they fit. */
function signatureBytes(signature: Uint8Array | string): Uint8Array {
  if (typeof signature !== 'string') return signature;
  // Base64 text holds 3 bytes per 4 characters.
  if ((signature.length >> 2) * 3 > SIGNATURE_ROOM) return Buffer.from(signature, 'base64');
  return new Uint8Array(scratch.buffer, scratch.byteOffset + DATA_ROOM, scratch.write(signature, DATA_ROOM, 'base64'));
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A public KeyObject as a JWK. node:crypto has no JWK form for an RSASSA-PSS key (JWK cannot carry its parameters):
 * its modulus and exponent are read through the same key relabelled as rsaEncryption.
 */
function publicJwkOf(handle: KeyObject): Record<string, unknown> {
  const key = handle.type === 'private' ? createPublicKey(handle) : handle;
  if (key.asymmetricKeyType !== 'rsa-pss') return key.export({ format: 'jwk' }) as Record<string, unknown>;
  const spki = fromSpki(new Uint8Array(key.export({ type: 'spki', format: 'der' })));
  return createPublicKey({ key: Buffer.from(asRsaEncryption(spki).der), format: 'der', type: 'spki' }).export({ format: 'jwk' }) as Record<string, unknown>;
}

const hmac = nodeHmac(typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined);

/** The node:crypto backend. */
export const backend: CryptoBackend = {
  name: 'node',
  digest: (hash, data) => createHash(NODE_HASH[hash]).update(data).digest(),
  hmac: hmac.bytes,
  hmacBase64: hmac.base64,
  importKey: async (input, use) => describe(toKeyObject(input, use)),
  exportPublicJwk: async (key) => publicMembers(publicJwkOf(key.handle as KeyObject)),
  sign(primitive, key, data) {
    const o = options(primitive, key.handle as KeyObject);
    return nodeSign(o.hash, Buffer.from(data, 'utf8'), o.key);
  },
  verify(primitive, key, data, signature) {
    const hash = primitive.type === 'ed25519' ? null : NODE_HASH[primitive.hash];
    try {
      return nodeVerify(hash, dataBytes(data), verifyKeyInput(primitive, key), signatureBytes(signature));
    } catch {
      return false;
    }
  },
  base64Encode: (bytes) => asBuffer(bytes).toString('base64'),
  base64Decode: (text) => Buffer.from(text, 'base64'),
  timingSafeEqual: (a, b) => a.length === b.length && nodeTimingSafeEqual(a, b),
};
