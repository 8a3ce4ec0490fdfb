/**
 * The asymmetric half of the portable backend: WebCrypto where it exists, node-forge (imported on first use) as
 * the RSA fallback where it does not (e.g. pages served over plain http, where `crypto.subtle` is undefined).
 * Itself imported on first use by the portable backend, so that signing with an HMAC secret loads none of it.
 * Internal.
 */
import type forgeModule from 'node-forge';
import { derToP1363, p1363ToDer } from '../lib/ecdsa-encoding.js';
import { decodeBase64 } from '../lib/base64.js';
import { utf8 } from '../lib/bytes.js';
import { WebCryptoUnavailableError } from '../errors.js';
import {
  asRsaEncryption, binaryToBytes, bytesToBinary, forgeRsaKey, fromPkcs8, fromSpki, loadForge, readPem, bitLength, rsaPublicFromPrivate, rsaSize, type RsaSize,
  type DerKey,
} from '../lib/pem.js';
import { publicMembers } from './public-jwk.js';
import type { AsymmetricKey, AsymmetricKeyInput, AsymmetricPrimitive, CryptoBackend, KeyRestriction } from './backend.js';

/** What the portable backend keeps per imported key. */
interface PortableHandle {
  der: DerKey | undefined;
  jwk: Record<string, unknown> | undefined;
  given: CryptoKey | undefined;
  cryptoKeys: Map<string, Promise<CryptoKey>>;
  forgeKey: forgeModule.pki.rsa.PrivateKey | forgeModule.pki.rsa.PublicKey | undefined;
}

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

/** A base64url JWK member as bytes. */
function jwkNumber(value: unknown, member: string): Uint8Array {
  if (typeof value !== 'string') throw new TypeError(`an RSA JWK needs ${member}`);
  return decodeBase64(value.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(value.length / 4) * 4, '='));
}

/** The modulus and exponent lengths of an RSA JWK, undefined for other key types. */
function jwkSize(jwk: Record<string, unknown>): RsaSize | undefined {
  if (jwk['kty'] !== 'RSA') return undefined;
  return { bits: bitLength(jwkNumber(jwk['n'], 'n')), exponentBits: bitLength(jwkNumber(jwk['e'], 'e')) };
}

/** The modulus and exponent lengths of an RSA `CryptoKey`, undefined for other key types. */
function cryptoKeySize(key: CryptoKey): RsaSize | undefined {
  const { modulusLength, publicExponent } = key.algorithm as RsaHashedKeyAlgorithm;
  if (typeof modulusLength !== 'number') return undefined;
  return { bits: modulusLength, exponentBits: publicExponent instanceof Uint8Array ? bitLength(publicExponent) : 0 };
}

function isKeyObjectLike(input: unknown): input is { type: string; export(options: unknown): Uint8Array } {
  return typeof input === 'object' && input !== null && 'asymmetricKeyType' in input && typeof (input as { export?: unknown }).export === 'function';
}

/**
 * Creates the asymmetric operations over a given WebCrypto `SubtleCrypto` (or none: then RSA runs on node-forge
 * and other key types are refused with WebCryptoUnavailableError).
 */
export function createPortableKeys(subtle: SubtleCrypto | undefined): Pick<CryptoBackend, 'importKey' | 'exportPublicJwk' | 'sign' | 'verify'> {
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

  /** RSA on node-forge (loaded on first use), where WebCrypto is absent; other keys are refused. */
  async function forgeSign(primitive: AsymmetricPrimitive, key: AsymmetricKey, data: string, signature?: Uint8Array): Promise<Uint8Array | boolean> {
    const handle = handleOf(key);
    if ((primitive.type !== 'rsa-pkcs1' && primitive.type !== 'rsa-pss') || handle.der === undefined) throw new WebCryptoUnavailableError();
    const forge = await loadForge();
    handle.forgeKey ??= await forgeRsaKey(handle.der);
    const md = primitive.hash === 'SHA-1' ? forge.md.sha1.create() : primitive.hash === 'SHA-256' ? forge.md.sha256.create()
      : primitive.hash === 'SHA-384' ? forge.md.sha384.create() : forge.md.sha512.create();
    md.update(data, 'utf8');
    const scheme = primitive.type === 'rsa-pss'
      ? forge.pss.create({ md: primitive.hash === 'SHA-512' ? forge.md.sha512.create() : forge.md.sha256.create(),
        mgf: forge.mgf.mgf1.create(primitive.hash === 'SHA-512' ? forge.md.sha512.create() : forge.md.sha256.create()),
        saltLength: primitive.saltLength })
      : undefined;
    if (signature === undefined) {
      const privateKey = handle.forgeKey as forgeModule.pki.rsa.PrivateKey;
      return binaryToBytes(scheme === undefined ? privateKey.sign(md) : privateKey.sign(md, scheme));
    }
    const publicKey = handle.forgeKey as forgeModule.pki.rsa.PublicKey;
    try {
      return scheme === undefined
        ? publicKey.verify(md.digest().getBytes(), bytesToBinary(signature))
        : publicKey.verify(md.digest().getBytes(), bytesToBinary(signature), scheme);
    } catch {
      return false;
    }
  }

  return {
    async importKey(input: AsymmetricKeyInput, use): Promise<AsymmetricKey> {
      const make = (der: DerKey | undefined, jwk: Record<string, unknown> | undefined, given: CryptoKey | undefined,
        kind: Pick<AsymmetricKey, 'kind' | 'curve'> & { restriction?: KeyRestriction | undefined }, isPrivate: boolean, size: RsaSize | undefined): AsymmetricKey => ({
        kind: kind.kind, curve: kind.curve, isPrivate, bits: size?.bits, exponentBits: size?.exponentBits, restriction: kind.restriction,
        handle: { der, jwk, given, cryptoKeys: new Map(), forgeKey: undefined } satisfies PortableHandle,
      });
      const derSize = (der: DerKey): RsaSize | undefined => (der.kind === 'rsa' || der.kind === 'rsa-pss' ? rsaSize(der) : undefined);
      const fromDer = async (der: DerKey): Promise<AsymmetricKey> => {
        if (use === 'sign') {
          if (der.format !== 'pkcs8') throw new TypeError('a private key is needed to sign');
          return make(der, undefined, undefined, der, true, derSize(der));
        }
        if (der.format === 'spki') return make(der, undefined, undefined, der, false, derSize(der));
        if (subtle === undefined && (der.kind === 'rsa' || der.kind === 'rsa-pss')) {
          return make(rsaPublicFromPrivate(der), undefined, undefined, der, false, derSize(der));
        }
        return make(undefined, await toPublicJwk(der), undefined, der, false, derSize(der));
      };

      if (typeof input === 'string') return fromDer(await readPem(input));
      if (typeof CryptoKey !== 'undefined' && input instanceof CryptoKey) {
        const kind = kindOfCryptoKey(input);
        if (use === 'sign' && input.type !== 'private') throw new TypeError('a private key is needed to sign');
        if (use === 'verify' && input.type === 'private') {
          if (subtle === undefined || !input.extractable) throw new TypeError('pass the public key to verify');
          const jwk = (await subtle.exportKey('jwk', input)) as Record<string, unknown>;
          for (const member of [...PRIVATE_JWK_MEMBERS, 'alg', 'key_ops', 'ext', 'use']) delete jwk[member];
          return make(undefined, jwk, undefined, kind, false, cryptoKeySize(input));
        }
        return make(undefined, undefined, input, kind, input.type === 'private', cryptoKeySize(input));
      }
      if (isKeyObjectLike(input)) {
        if (input.type === 'private') return fromDer(fromPkcs8(new Uint8Array(input.export({ format: 'der', type: 'pkcs8' }))));
        if (use === 'sign') throw new TypeError('a private key is needed to sign');
        return fromDer(fromSpki(new Uint8Array(input.export({ format: 'der', type: 'spki' }))));
      }
      if (typeof input === 'object' && input !== null && 'pem' in input && 'passphrase' in input) {
        const { pem, passphrase } = input as { pem: string; passphrase: string };
        return fromDer(await readPem(pem, passphrase));
      }
      if (typeof input === 'object' && input !== null && 'kty' in input) {
        const jwk: Record<string, unknown> = { ...input };
        for (const member of ['alg', 'key_ops', 'use', 'ext']) delete jwk[member];
        const kind = kindOfJwk(jwk);
        const isPrivate = 'd' in jwk;
        if (use === 'sign' && !isPrivate) throw new TypeError('a private key is needed to sign');
        if (use === 'verify') for (const member of PRIVATE_JWK_MEMBERS) delete jwk[member];
        return make(undefined, jwk, undefined, kind, use === 'sign', jwkSize(jwk));
      }
      throw new TypeError('unsupported key input');
    },

    async exportPublicJwk(key) {
      const handle = handleOf(key);
      if (handle.jwk !== undefined) return publicMembers(handle.jwk);
      if (subtle === undefined) throw new WebCryptoUnavailableError();
      if (handle.given !== undefined) {
        if (!handle.given.extractable) throw new TypeError('the CryptoKey is not extractable');
        return publicMembers((await subtle.exportKey('jwk', handle.given)) as Record<string, unknown>);
      }
      const der = handle.der as DerKey;
      if (der.format === 'pkcs8') return publicMembers(await toPublicJwk(der));
      const params = der.kind === 'ec' ? { name: 'ECDSA', namedCurve: der.curve as string }
        : der.kind === 'ed25519' ? { name: 'Ed25519' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
      const normal = der.kind === 'rsa-pss' ? asRsaEncryption(der) : der;
      const imported = await subtle.importKey('spki', normal.der as BufferSource, params, true, ['verify']);
      return publicMembers((await subtle.exportKey('jwk', imported)) as Record<string, unknown>);
    },

    async sign(primitive, key, data) {
      if (subtle === undefined) return await forgeSign(primitive, key, data) as Uint8Array;
      const signature = new Uint8Array(await subtle.sign(webAlgorithm(primitive).signParams, await cryptoKeyFor(key, primitive), utf8(data) as BufferSource));
      return primitive.type === 'ecdsa' && primitive.encoding === 'der' ? p1363ToDer(signature) : signature;
    },

    async verify(primitive, key, data, given) {
      const signature = typeof given === 'string' ? decodeBase64(given) : given;
      if (subtle === undefined) return await forgeSign(primitive, key, data, signature) as boolean;
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
  };
}
