/**
 * PEM and DER key containers for the portable backend, read with the small DER reader of `der.ts`: every
 * accepted form is normalised to PKCS#8 (private) or SPKI (public) DER plus the key's kind. node-forge is
 * loaded only for what needs it (encrypted PEM, and RSA where WebCrypto is absent), so that a browser bundle
 * that has WebCrypto never downloads it. Internal.
 */
import type forgeModule from 'node-forge';
import type { AsymmetricKeyKind, HashName, KeyRestriction } from '../runtime/backend.js';
import { decodeBase64 } from './base64.js';
import { TAG, bytesOf, childrenOf, encodeElement, oidOf, readTop, type DerElement } from './der.js';

type Forge = typeof forgeModule;

const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  ed25519: '1.3.101.112',
  mgf1: '1.2.840.113549.1.1.8',
} as const;

/** Hash OIDs of RSASSA-PSS parameters. */
const HASH_OID: Readonly<Record<string, HashName>> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

/** AlgorithmIdentifier { rsaEncryption, NULL }. */
const RSA_ENCRYPTION_IDENTIFIER = new Uint8Array([0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00]);
/** The OID element of id-ecPublicKey. */
const EC_PUBLIC_KEY_OID = new Uint8Array([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
/** INTEGER 0, the version of PKCS#8 and of RSAPrivateKey. */
const VERSION_0 = new Uint8Array([0x02, 0x01, 0x00]);

/** A key normalised to PKCS#8 or SPKI DER. */
export interface DerKey {
  format: 'pkcs8' | 'spki';
  der: Uint8Array;
  kind: AsymmetricKeyKind;
  curve: 'P-256' | 'P-384' | undefined;
  /** The RSASSA-PSS parameters of a PSS key that carries them. */
  restriction?: KeyRestriction | undefined;
}

let forgeLoading: Promise<Forge> | undefined;

/**
 * node-forge, imported on first use.
 * @returns the forge module.
 */
export function loadForge(): Promise<Forge> {
  forgeLoading ??= import('node-forge').then((m) => ((m as { default?: Forge }).default ?? m) as Forge);
  return forgeLoading;
}

/** Bytes as a binary string (one char per byte), node-forge's buffer form. */
export function bytesToBinary(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

/** A binary string (one char per byte) as bytes. */
export function binaryToBytes(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function sequenceChildren(der: Uint8Array, element: DerElement | undefined): DerElement[] {
  if (element === undefined || element.tag !== TAG.SEQUENCE) throw new TypeError('unexpected key structure');
  return childrenOf(der, element);
}

/** The hash an AlgorithmIdentifier names (RSASSA-PSS parameters). */
function hashOfIdentifier(der: Uint8Array, identifier: DerElement | undefined): HashName {
  const hash = HASH_OID[oidOf(der, sequenceChildren(der, identifier)[0])];
  if (hash === undefined) throw new TypeError('unsupported RSASSA-PSS hash');
  return hash;
}

/** The one element inside an explicit context-specific tag `[n]`. */
function explicitInner(der: Uint8Array, member: DerElement): DerElement | undefined {
  const inner = childrenOf(der, member);
  if (inner.length !== 1) throw new TypeError('unexpected RSASSA-PSS parameters');
  return inner[0];
}

/** A small non-negative DER INTEGER (a salt length). */
function smallInteger(der: Uint8Array, element: DerElement | undefined): number {
  if (element === undefined || element.tag !== TAG.INTEGER || element.end === element.contentStart) throw new TypeError('bad RSASSA-PSS salt length');
  if (element.end - element.contentStart > 4 || ((der[element.contentStart] as number) & 0x80) !== 0) throw new TypeError('bad RSASSA-PSS salt length');
  let value = 0;
  for (let i = element.contentStart; i < element.end; i++) value = value * 256 + (der[i] as number);
  return value;
}

/**
 * RSASSA-PSS-params (RFC 8017 A.2.3) as a restriction: the hash, the MGF1 hash and the minimum salt length,
 * with the ASN.1 defaults (SHA-1, MGF1-SHA-1, 20) for absent members; undefined when the key has no parameters.
 */
function pssParameters(der: Uint8Array, params: DerElement | undefined): KeyRestriction | undefined {
  if (params === undefined || params.tag === TAG.NULL) return undefined;
  let hash: HashName = 'SHA-1';
  let mgf1Hash: HashName = 'SHA-1';
  let saltLength = 20;
  for (const member of sequenceChildren(der, params)) {
    // [0] hashAlgorithm, [1] maskGenAlgorithm, [2] saltLength, [3] trailerField: constructed, context-specific.
    if ((member.tag & 0xe0) !== 0xa0) throw new TypeError('unexpected RSASSA-PSS parameters');
    const number = member.tag & 0x1f;
    const inner = explicitInner(der, member);
    if (number === 0) hash = hashOfIdentifier(der, inner);
    else if (number === 1) {
      const [mgfOid, mgfHash] = sequenceChildren(der, inner);
      if (oidOf(der, mgfOid) !== OID.mgf1) throw new TypeError('unsupported RSASSA-PSS mask generation');
      mgf1Hash = hashOfIdentifier(der, mgfHash);
    } else if (number === 2) saltLength = smallInteger(der, inner);
  }
  return { type: 'rsa-pss', hash, mgf1Hash, saltLength };
}

/** Kind and curve (and PSS parameters) from an AlgorithmIdentifier. */
function classify(der: Uint8Array, algorithm: DerElement | undefined): { kind: AsymmetricKeyKind; curve: 'P-256' | 'P-384' | undefined; restriction?: KeyRestriction | undefined } {
  const [oidNode, params] = sequenceChildren(der, algorithm);
  const oid = oidOf(der, oidNode);
  if (oid === OID.rsaEncryption) return { kind: 'rsa', curve: undefined };
  if (oid === OID.rsassaPss) return { kind: 'rsa-pss', curve: undefined, restriction: pssParameters(der, params) };
  if (oid === OID.ed25519) return { kind: 'ed25519', curve: undefined };
  if (oid === OID.ecPublicKey) {
    const curve = oidOf(der, params);
    if (curve === OID.p256) return { kind: 'ec', curve: 'P-256' };
    if (curve === OID.p384) return { kind: 'ec', curve: 'P-384' };
    throw new TypeError('unsupported EC curve');
  }
  throw new TypeError('unsupported key algorithm');
}

/**
 * Reads PKCS#8 DER.
 * @throws TypeError when it is not a PKCS#8 key of a supported kind.
 */
export function fromPkcs8(der: Uint8Array): DerKey {
  const [version, algorithm, key] = sequenceChildren(der, readTop(der, TAG.SEQUENCE));
  if (version?.tag !== TAG.INTEGER || key?.tag !== TAG.OCTET_STRING) throw new TypeError('unexpected key structure');
  return { format: 'pkcs8', der, ...classify(der, algorithm) };
}

/**
 * Reads SPKI DER.
 * @throws TypeError when it is not an SPKI key of a supported kind.
 */
export function fromSpki(der: Uint8Array): DerKey {
  const [algorithm, key] = sequenceChildren(der, readTop(der, TAG.SEQUENCE));
  if (key?.tag !== TAG.BIT_STRING) throw new TypeError('unexpected key structure');
  return { format: 'spki', der, ...classify(der, algorithm) };
}

/**
 * The same key with an `rsaEncryption` AlgorithmIdentifier: WebCrypto refuses keys carrying the
 * RSASSA-PSS OID (RFC 9421's test key is one), while the key material is identical.
 */
export function asRsaEncryption(key: DerKey): DerKey {
  const parts = sequenceChildren(key.der, readTop(key.der, TAG.SEQUENCE)).map((p) => bytesOf(key.der, p));
  parts[key.format === 'pkcs8' ? 1 : 0] = RSA_ENCRYPTION_IDENTIFIER;
  return { ...key, der: encodeElement(TAG.SEQUENCE, ...parts) };
}

/** PKCS#1 RSAPrivateKey DER wrapped into PKCS#8. */
function pkcs1PrivateToPkcs8(der: Uint8Array): DerKey {
  const fields = sequenceChildren(der, readTop(der, TAG.SEQUENCE));
  if (fields.length < 9 || fields.some((f) => f.tag !== TAG.INTEGER)) throw new TypeError('unexpected key structure');
  return fromPkcs8(encodeElement(TAG.SEQUENCE, VERSION_0, RSA_ENCRYPTION_IDENTIFIER, encodeElement(TAG.OCTET_STRING, der)));
}

/** PKCS#1 RSAPublicKey DER wrapped into SPKI. */
function pkcs1PublicToSpki(der: Uint8Array): DerKey {
  const fields = sequenceChildren(der, readTop(der, TAG.SEQUENCE));
  if (fields.length !== 2 || fields.some((f) => f.tag !== TAG.INTEGER)) throw new TypeError('unexpected key structure');
  return fromSpki(encodeElement(TAG.SEQUENCE, RSA_ENCRYPTION_IDENTIFIER, encodeElement(TAG.BIT_STRING, new Uint8Array([0]), der)));
}

/**
 * The SPKI public key of a PKCS#8 RSA private key (its modulus and exponent), without any crypto library.
 * @throws TypeError when the key is not a well-formed RSA private key.
 */
export function rsaPublicFromPrivate(key: DerKey): DerKey {
  const [, , octets] = sequenceChildren(key.der, readTop(key.der, TAG.SEQUENCE));
  const inner = key.der.subarray((octets as DerElement).contentStart, (octets as DerElement).end);
  const [, modulus, exponent] = sequenceChildren(inner, readTop(inner, TAG.SEQUENCE));
  if (modulus?.tag !== TAG.INTEGER || exponent?.tag !== TAG.INTEGER) throw new TypeError('unexpected key structure');
  const spki = pkcs1PublicToSpki(encodeElement(TAG.SEQUENCE, bytesOf(inner, modulus), bytesOf(inner, exponent)));
  return { ...spki, kind: key.kind };
}

/** Splits PEM armour into its label and DER body. */
function unarmor(pem: string): { label: string; der: Uint8Array; headers: boolean } {
  const m = /-----BEGIN ([A-Z0-9 ]{1,64})-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (m === null) throw new TypeError('not a PEM key');
  const body = m[2] as string;
  // RFC 1421 encapsulated headers (Proc-Type, DEK-Info) mark a legacy encrypted key: forge reads those whole.
  if (body.includes(':')) return { label: m[1] as string, der: new Uint8Array(0), headers: true };
  const base64 = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) throw new TypeError('the PEM body is not base64');
  return { label: m[1] as string, der: decodeBase64(base64), headers: false };
}

/** Wraps a SEC1 `EC PRIVATE KEY` into PKCS#8, taking the curve from its parameters. */
function sec1ToPkcs8(der: Uint8Array): DerKey {
  const parts = sequenceChildren(der, readTop(der, TAG.SEQUENCE));
  const params = parts.find((p) => p.tag === 0xa0);
  if (params === undefined) throw new TypeError('unexpected key structure');
  const [curve] = childrenOf(der, params);
  oidOf(der, curve);
  const algorithm = encodeElement(TAG.SEQUENCE, EC_PUBLIC_KEY_OID, bytesOf(der, curve as DerElement));
  return fromPkcs8(encodeElement(TAG.SEQUENCE, VERSION_0, algorithm, encodeElement(TAG.OCTET_STRING, der)));
}

/** Parses DER with node-forge's strict ASN.1 reader. */
function forgeAsn1(forge: Forge, der: Uint8Array): forgeModule.asn1.Asn1 {
  // node-forge accepts an options object here; its type declarations only know the older boolean form.
  return forge.asn1.fromDer(forge.util.createBuffer(bytesToBinary(der)), { strict: true, parseAllBytes: true } as unknown as boolean);
}

/**
 * Reads a PEM key of any supported container: PKCS#8, encrypted PKCS#8 (with `passphrase`), PKCS#1 RSA
 * private or public, legacy-encrypted PKCS#1, SEC1 EC, SPKI. Only the encrypted forms load node-forge.
 * @throws TypeError when the PEM is unsupported, malformed, or the passphrase is wrong.
 */
export async function readPem(pem: string, passphrase?: string): Promise<DerKey> {
  const { label, der, headers } = unarmor(pem);
  switch (label) {
    case 'PRIVATE KEY':
      return fromPkcs8(der);
    case 'PUBLIC KEY':
      return fromSpki(der);
    case 'ENCRYPTED PRIVATE KEY': {
      if (passphrase === undefined) throw new TypeError('this key is encrypted: a passphrase is needed');
      const forge = await loadForge();
      const info = forge.pki.decryptPrivateKeyInfo(forgeAsn1(forge, der), passphrase) as forgeModule.asn1.Asn1 | null;
      if (info === null) throw new TypeError('wrong passphrase or unsupported encryption');
      return fromPkcs8(binaryToBytes(forge.asn1.toDer(info).getBytes()));
    }
    case 'RSA PRIVATE KEY': {
      if (!headers) return pkcs1PrivateToPkcs8(der);
      if (passphrase === undefined) throw new TypeError('this key is encrypted: a passphrase is needed');
      const forge = await loadForge();
      const key = forge.pki.decryptRsaPrivateKey(pem, passphrase) as forgeModule.pki.rsa.PrivateKey | null;
      if (key === null) throw new TypeError('wrong passphrase or unsupported encryption');
      return pkcs1PrivateToPkcs8(binaryToBytes(forge.asn1.toDer(forge.pki.privateKeyToAsn1(key)).getBytes()));
    }
    case 'RSA PUBLIC KEY':
      return pkcs1PublicToSpki(der);
    case 'EC PRIVATE KEY':
      return sec1ToPkcs8(der);
    default:
      throw new TypeError('unsupported PEM type');
  }
}

/** The bit length of a big-endian unsigned integer (leading zero bytes ignored). */
export function bitLength(bytes: Uint8Array): number {
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first++;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first] as number));
}

/** The bit length of a DER INTEGER's value (a positive modulus or exponent). */
function integerBits(der: Uint8Array, element: DerElement | undefined): number {
  if (element === undefined || element.tag !== TAG.INTEGER) throw new TypeError('unexpected key structure');
  return bitLength(der.subarray(element.contentStart, element.end));
}

/** The sizes of an RSA key: modulus and public exponent, in bits. */
export interface RsaSize {
  bits: number;
  exponentBits: number;
}

/**
 * The modulus and public exponent lengths in bits of an RSA key (PKCS#8 or SPKI DER), read from its
 * RSAPrivateKey (version, n, e, ...) or RSAPublicKey (n, e).
 * @throws TypeError when the key is not a well-formed RSA container.
 */
export function rsaSize(key: DerKey): RsaSize {
  const outer = sequenceChildren(key.der, readTop(key.der, TAG.SEQUENCE));
  let inner: Uint8Array;
  let first: number;
  if (key.format === 'pkcs8') {
    const octets = outer[2];
    if (octets?.tag !== TAG.OCTET_STRING) throw new TypeError('unexpected key structure');
    inner = key.der.subarray(octets.contentStart, octets.end);
    first = 1;
  } else {
    const bits = outer[1];
    if (bits?.tag !== TAG.BIT_STRING || bits.end - bits.contentStart < 2 || key.der[bits.contentStart] !== 0) throw new TypeError('unexpected key structure');
    inner = key.der.subarray(bits.contentStart + 1, bits.end);
    first = 0;
  }
  const members = sequenceChildren(inner, readTop(inner, TAG.SEQUENCE));
  return { bits: integerBits(inner, members[first]), exponentBits: integerBits(inner, members[first + 1]) };
}

/** A forge RSA key from PKCS#8 or SPKI DER (the RSA fallback where WebCrypto is absent). */
export async function forgeRsaKey(key: DerKey): Promise<forgeModule.pki.rsa.PrivateKey | forgeModule.pki.rsa.PublicKey> {
  const forge = await loadForge();
  const normal = key.kind === 'rsa-pss' ? asRsaEncryption(key) : key;
  const node = forgeAsn1(forge, normal.der);
  if (key.format === 'spki') return forge.pki.publicKeyFromAsn1(node);
  return forge.pki.privateKeyFromAsn1(node);
}
