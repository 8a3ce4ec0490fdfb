/**
 * The portable backend for browsers, edge runtimes and Node alike: @noble/hashes for hashes and HMAC,
 * WebCrypto for asymmetric keys where it exists, node-forge for PEM/ASN.1 and as the RSA fallback where
 * WebCrypto is absent (e.g. pages served over plain http, where `crypto.subtle` is undefined).
 * Internal: selected by the `#backend` import condition `portable`, and the default outside Node.
 */
import forge from 'node-forge';
import { hmac } from '@noble/hashes/hmac';
import { sha1 } from '@noble/hashes/legacy';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2';
import { decodeBase64, encodeBase64 } from '../lib/base64.js';
import { constantTimeEqual, utf8 } from '../lib/bytes.js';
import { derToP1363, p1363ToDer } from '../lib/ecdsa-encoding.js';
import { asRsaEncryption, binaryToBytes, bytesToBinary, forgeRsaKey, fromPkcs8, fromSpki, readPem, rsaModulusBits, type DerKey } from '../lib/pem.js';
import type { AsymmetricKey, AsymmetricKeyInput, AsymmetricPrimitive, CryptoBackend, HashName, KeyRestriction } from './backend.js';

type NobleHash = typeof sha256;
const NOBLE: Record<HashName, NobleHash> = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 };

/** What the portable backend keeps per imported key. */
interface PortableHandle {
  der: DerKey | undefined;
  jwk: Record<string, unknown> | undefined;
  given: CryptoKey | undefined;
  cryptoKeys: Map<string, Promise<CryptoKey>>;
  forgeKey: forge.pki.rsa.PrivateKey | forge.pki.rsa.PublicKey | undefined;
}

/** Prepared HMAC states per (hash, secret string): keying costs two compressions, cloning none. */
type HmacState = ReturnType<typeof hmac.create>;
const MAX_HMAC_STATES = 256;

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

function webAlgorithm(primitive: AsymmetricPrimitive): { importParams: RsaHashedImportParams | EcKeyImportParams | Algorithm; signParams: RsaPssParams | EcdsaParams | Algorithm } {
  switch (primitive.type) {
    case 'rsa-pkcs1':
      return { importParams: { name: 'RSASSA-PKCS1-v1_5', hash: primitive.hash }, signParams: { name: 'RSASSA-PKCS1-v1_5' } };
    case 'rsa-pss':
      return { importParams: { name: 'RSA-PSS', hash: primitive.hash }, signParams: { name: 'RSA-PSS', saltLength: primitive.saltLength } as RsaPssParams };
    case 'ecdsa':
      return { importParams: { name: 'ECDSA', namedCurve: primitive.curve }, signParams: { name: 'ECDSA', hash: primitive.hash } as EcdsaParams };
    case 'ed25519':
      return { importParams: { name: 'Ed25519' }, signParams: { name: 'Ed25519' } };
  }
}

function primitiveId(p: AsymmetricPrimitive): string {
  return p.type === 'ed25519' ? p.type : `${p.type}/${p.hash}`;
}

function kindOfJwk(jwk: Record<string, unknown>): Pick<AsymmetricKey, 'kind' | 'curve'> {
  if (jwk['kty'] === 'RSA') return { kind: 'rsa', curve: undefined };
  if (jwk['kty'] === 'EC' && (jwk['crv'] === 'P-256' || jwk['crv'] === 'P-384')) return { kind: 'ec', curve: jwk['crv'] };
  if (jwk['kty'] === 'OKP' && jwk['crv'] === 'Ed25519') return { kind: 'ed25519', curve: undefined };
  throw new TypeError('unsupported JWK');
}

function kindOfCryptoKey(key: CryptoKey): Pick<AsymmetricKey, 'kind' | 'curve'> {
  const algorithm = key.algorithm as EcKeyAlgorithm;
  switch (algorithm.name) {
    case 'RSASSA-PKCS1-v1_5': return { kind: 'rsa', curve: undefined };
    case 'RSA-PSS': return { kind: 'rsa-pss', curve: undefined };
    case 'Ed25519': return { kind: 'ed25519', curve: undefined };
    case 'ECDSA':
      if (algorithm.namedCurve === 'P-256' || algorithm.namedCurve === 'P-384') return { kind: 'ec', curve: algorithm.namedCurve };
  }
  throw new TypeError('unsupported CryptoKey algorithm');
}

/** The modulus length of an RSA JWK (the bit length of `n`), undefined for other key types. */
function jwkBits(jwk: Record<string, unknown>): number | undefined {
  if (jwk['kty'] !== 'RSA') return undefined;
  const n = jwk['n'];
  if (typeof n !== 'string') throw new TypeError('an RSA JWK needs n');
  const bytes = decodeBase64(n.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(n.length / 4) * 4, '='));
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first++;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first] as number));
}

/** The modulus length of an RSA `CryptoKey`, undefined for other key types. */
function cryptoKeyBits(key: CryptoKey): number | undefined {
  const modulusLength = (key.algorithm as RsaHashedKeyAlgorithm).modulusLength;
  return typeof modulusLength === 'number' ? modulusLength : undefined;
}

function isKeyObjectLike(input: unknown): input is { type: string; export(options: unknown): Uint8Array } {
  return typeof input === 'object' && input !== null && 'asymmetricKeyType' in input && typeof (input as { export?: unknown }).export === 'function';
}

/**
 * Creates a portable backend over a given WebCrypto `SubtleCrypto` (or none: then RSA runs on node-forge
 * and other key types are refused). Exported for tests that exercise the fallback.
 */
export function createPortableBackend(subtle: SubtleCrypto | undefined): CryptoBackend {
  const hmacStates = new Map<string, HmacState>();

  function hmacState(hash: HashName, secret: string | Uint8Array): HmacState {
    if (typeof secret !== 'string') return hmac.create(NOBLE[hash], secret);
    const id = `${hash}\u0000${secret}`;
    let state = hmacStates.get(id);
    if (state === undefined) {
      if (hmacStates.size >= MAX_HMAC_STATES) hmacStates.clear();
      state = hmac.create(NOBLE[hash], utf8(secret));
      hmacStates.set(id, state);
    }
    return state.clone();
  }

  async function toPublicJwk(privateKey: DerKey): Promise<Record<string, unknown>> {
    if (subtle === undefined) throw new TypeError('deriving a public key needs WebCrypto');
    const params = privateKey.kind === 'ec' ? { name: 'ECDSA', namedCurve: privateKey.curve as string }
      : privateKey.kind === 'ed25519' ? { name: 'Ed25519' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const normal = privateKey.kind === 'rsa-pss' ? asRsaEncryption(privateKey) : privateKey;
    const key = await subtle.importKey('pkcs8', normal.der as BufferSource, params, true, ['sign']);
    const jwk = (await subtle.exportKey('jwk', key)) as Record<string, unknown>;
    for (const member of [...PRIVATE_JWK_MEMBERS, 'alg', 'key_ops', 'ext', 'use']) delete jwk[member];
    return jwk;
  }

  function handleOf(key: AsymmetricKey): PortableHandle {
    return key.handle as PortableHandle;
  }

  function cryptoKeyFor(key: AsymmetricKey, primitive: AsymmetricPrimitive): Promise<CryptoKey> {
    const handle = handleOf(key);
    if (subtle === undefined) return Promise.reject(new TypeError('WebCrypto is not available'));
    const id = primitiveId(primitive);
    let pending = handle.cryptoKeys.get(id);
    if (pending === undefined) {
      const { importParams } = webAlgorithm(primitive);
      const usage: KeyUsage = key.isPrivate ? 'sign' : 'verify';
      if (handle.given !== undefined) {
        const given = handle.given;
        const bound = given.algorithm as RsaHashedKeyAlgorithm;
        const wanted = importParams as RsaHashedImportParams;
        const sameHash = wanted.hash === undefined || bound.hash === undefined || bound.hash.name === wanted.hash;
        pending = bound.name === wanted.name && sameHash
          ? Promise.resolve(given)
          : Promise.reject(new TypeError('the CryptoKey was imported for another algorithm'));
      } else if (handle.jwk !== undefined) {
        pending = subtle.importKey('jwk', handle.jwk as JsonWebKey, importParams, false, [usage]);
      } else {
        const der = handle.der as DerKey;
        const normal = der.kind === 'rsa-pss' ? asRsaEncryption(der) : der;
        pending = subtle.importKey(der.format, normal.der as BufferSource, importParams, false, [usage]);
      }
      handle.cryptoKeys.set(id, pending);
    }
    return pending;
  }

  function forgeSign(primitive: AsymmetricPrimitive, key: AsymmetricKey, data: string, signature?: Uint8Array): Uint8Array | boolean {
    const handle = handleOf(key);
    if ((primitive.type !== 'rsa-pkcs1' && primitive.type !== 'rsa-pss') || handle.der === undefined) {
      throw new TypeError('without WebCrypto only RSA PEM/DER keys are supported');
    }
    handle.forgeKey ??= forgeRsaKey(handle.der);
    const md = primitive.hash === 'SHA-1' ? forge.md.sha1.create() : primitive.hash === 'SHA-256' ? forge.md.sha256.create()
      : primitive.hash === 'SHA-384' ? forge.md.sha384.create() : forge.md.sha512.create();
    md.update(data, 'utf8');
    const scheme = primitive.type === 'rsa-pss'
      ? forge.pss.create({ md: primitive.hash === 'SHA-512' ? forge.md.sha512.create() : forge.md.sha256.create(),
        mgf: forge.mgf.mgf1.create(primitive.hash === 'SHA-512' ? forge.md.sha512.create() : forge.md.sha256.create()),
        saltLength: primitive.saltLength })
      : undefined;
    if (signature === undefined) {
      const privateKey = handle.forgeKey as forge.pki.rsa.PrivateKey;
      return binaryToBytes(scheme === undefined ? privateKey.sign(md) : privateKey.sign(md, scheme));
    }
    const publicKey = handle.forgeKey as forge.pki.rsa.PublicKey;
    try {
      return scheme === undefined
        ? publicKey.verify(md.digest().getBytes(), bytesToBinary(signature))
        : publicKey.verify(md.digest().getBytes(), bytesToBinary(signature), scheme);
    } catch {
      return false;
    }
  }

  return {
    name: 'portable',
    digest: (hash, data) => NOBLE[hash](data),
    hmac: (hash, secret, data) => hmacState(hash, secret).update(utf8(data)).digest(),
    hmacBase64: (hash, secret, data) => encodeBase64(hmacState(hash, secret).update(utf8(data)).digest()),

    async importKey(input: AsymmetricKeyInput, use): Promise<AsymmetricKey> {
      const make = (der: DerKey | undefined, jwk: Record<string, unknown> | undefined, given: CryptoKey | undefined,
        kind: Pick<AsymmetricKey, 'kind' | 'curve'> & { restriction?: KeyRestriction | undefined }, isPrivate: boolean, bits: number | undefined): AsymmetricKey => ({
        kind: kind.kind, curve: kind.curve, isPrivate, bits, restriction: kind.restriction,
        handle: { der, jwk, given, cryptoKeys: new Map(), forgeKey: undefined } satisfies PortableHandle,
      });
      const derBits = (der: DerKey): number | undefined => (der.kind === 'rsa' || der.kind === 'rsa-pss' ? rsaModulusBits(der) : undefined);
      const fromDer = async (der: DerKey): Promise<AsymmetricKey> => {
        if (use === 'sign') {
          if (der.format !== 'pkcs8') throw new TypeError('a private key is needed to sign');
          return make(der, undefined, undefined, der, true, derBits(der));
        }
        if (der.format === 'spki') return make(der, undefined, undefined, der, false, derBits(der));
        if (subtle === undefined && (der.kind === 'rsa' || der.kind === 'rsa-pss')) {
          const privateKey = forgeRsaKey(der) as forge.pki.rsa.PrivateKey;
          const spki = forge.asn1.toDer(forge.pki.publicKeyToAsn1(forge.pki.setRsaPublicKey(privateKey.n, privateKey.e))).getBytes();
          return make({ ...fromSpki(binaryToBytes(spki)), kind: der.kind }, undefined, undefined, der, false, privateKey.n.bitLength());
        }
        return make(undefined, await toPublicJwk(der), undefined, der, false, derBits(der));
      };

      if (typeof input === 'string') return fromDer(readPem(input));
      if (typeof CryptoKey !== 'undefined' && input instanceof CryptoKey) {
        const kind = kindOfCryptoKey(input);
        if (use === 'sign' && input.type !== 'private') throw new TypeError('a private key is needed to sign');
        if (use === 'verify' && input.type === 'private') {
          if (subtle === undefined || !input.extractable) throw new TypeError('pass the public key to verify');
          const jwk = (await subtle.exportKey('jwk', input)) as Record<string, unknown>;
          for (const member of [...PRIVATE_JWK_MEMBERS, 'alg', 'key_ops', 'ext', 'use']) delete jwk[member];
          return make(undefined, jwk, undefined, kind, false, cryptoKeyBits(input));
        }
        return make(undefined, undefined, input, kind, input.type === 'private', cryptoKeyBits(input));
      }
      if (isKeyObjectLike(input)) {
        if (input.type === 'private') return fromDer(fromPkcs8(new Uint8Array(input.export({ format: 'der', type: 'pkcs8' }))));
        if (use === 'sign') throw new TypeError('a private key is needed to sign');
        return fromDer(fromSpki(new Uint8Array(input.export({ format: 'der', type: 'spki' }))));
      }
      if (typeof input === 'object' && input !== null && 'pem' in input && 'passphrase' in input) {
        const { pem, passphrase } = input as { pem: string; passphrase: string };
        return fromDer(readPem(pem, passphrase));
      }
      if (typeof input === 'object' && input !== null && 'kty' in input) {
        const jwk: Record<string, unknown> = { ...input };
        for (const member of ['alg', 'key_ops', 'use', 'ext']) delete jwk[member];
        const kind = kindOfJwk(jwk);
        const isPrivate = 'd' in jwk;
        if (use === 'sign' && !isPrivate) throw new TypeError('a private key is needed to sign');
        if (use === 'verify') for (const member of PRIVATE_JWK_MEMBERS) delete jwk[member];
        return make(undefined, jwk, undefined, kind, use === 'sign', jwkBits(jwk));
      }
      throw new TypeError('unsupported key input');
    },

    async sign(primitive, key, data) {
      if (subtle === undefined) return forgeSign(primitive, key, data) as Uint8Array;
      const signature = new Uint8Array(await subtle.sign(webAlgorithm(primitive).signParams, await cryptoKeyFor(key, primitive), utf8(data) as BufferSource));
      return primitive.type === 'ecdsa' && primitive.encoding === 'der' ? p1363ToDer(signature) : signature;
    },

    async verify(primitive, key, data, signature) {
      if (subtle === undefined) return forgeSign(primitive, key, data, signature) as boolean;
      let bytes: Uint8Array | undefined = signature;
      if (primitive.type === 'ecdsa' && primitive.encoding === 'der') {
        bytes = derToP1363(signature, primitive.curve === 'P-256' ? 32 : 48);
        if (bytes === undefined) return false;
      }
      try {
        return await subtle.verify(webAlgorithm(primitive).signParams, await cryptoKeyFor(key, primitive), bytes as BufferSource, utf8(data) as BufferSource);
      } catch {
        return false;
      }
    },

    base64Encode: encodeBase64,
    base64Decode: decodeBase64,
    timingSafeEqual: constantTimeEqual,
  };
}

/** The portable backend over the runtime's WebCrypto, when it has one. */
export const backend: CryptoBackend = createPortableBackend(globalThis.crypto?.subtle);
