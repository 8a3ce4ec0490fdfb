/**
 * PEM and DER key containers for the portable backend, read with node-forge's ASN.1 parser: every accepted
 * form is normalised to PKCS#8 (private) or SPKI (public) DER plus the key's kind. Internal.
 */
import forge from 'node-forge';
import type { AsymmetricKeyKind, HashName, KeyRestriction } from '../runtime/backend.js';

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

/** A key normalised to PKCS#8 or SPKI DER. */
export interface DerKey {
  format: 'pkcs8' | 'spki';
  der: Uint8Array;
  kind: AsymmetricKeyKind;
  curve: 'P-256' | 'P-384' | undefined;
  /** The RSASSA-PSS parameters of a PSS key that carries them. */
  restriction?: KeyRestriction | undefined;
}

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

export function bytesToBinary(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

export function binaryToBytes(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function toAsn1(der: Uint8Array): Asn1 {
  // node-forge accepts an options object here; its type declarations only know the older boolean form.
  return asn1.fromDer(forge.util.createBuffer(bytesToBinary(der)), { strict: true, parseAllBytes: true } as unknown as boolean);
}

function toDer(node: Asn1): Uint8Array {
  return binaryToBytes(asn1.toDer(node).getBytes());
}

function children(node: Asn1 | undefined): Asn1[] {
  if (node === undefined || !Array.isArray(node.value)) throw new TypeError('unexpected key structure');
  return node.value as Asn1[];
}

function oidOf(node: Asn1 | undefined): string {
  if (node === undefined || node.type !== asn1.Type.OID || typeof node.value !== 'string') throw new TypeError('expected an OID');
  return asn1.derToOid(node.value);
}

function hashOfIdentifier(identifier: Asn1 | undefined): HashName {
  const hash = HASH_OID[oidOf(children(identifier)[0])];
  if (hash === undefined) throw new TypeError('unsupported RSASSA-PSS hash');
  return hash;
}

/**
 * RSASSA-PSS-params (RFC 8017 A.2.3) as a restriction: the hash, the MGF1 hash and the minimum salt length,
 * with the ASN.1 defaults (SHA-1, MGF1-SHA-1, 20) for absent members; undefined when the key has no parameters.
 */
function pssParameters(params: Asn1 | undefined): KeyRestriction | undefined {
  if (params === undefined || params.type === asn1.Type.NULL) return undefined;
  let hash: HashName = 'SHA-1';
  let mgf1Hash: HashName = 'SHA-1';
  let saltLength = 20;
  for (const member of children(params)) {
    if (member.tagClass !== asn1.Class.CONTEXT_SPECIFIC) throw new TypeError('unexpected RSASSA-PSS parameters');
    const inner = children(member)[0];
    if (member.type === 0) hash = hashOfIdentifier(inner);
    else if (member.type === 1) {
      const [mgfOid, mgfHash] = children(inner);
      if (oidOf(mgfOid) !== OID.mgf1) throw new TypeError('unsupported RSASSA-PSS mask generation');
      mgf1Hash = hashOfIdentifier(mgfHash);
    } else if (member.type === 2) {
      if (inner === undefined || inner.type !== asn1.Type.INTEGER || typeof inner.value !== 'string') throw new TypeError('bad RSASSA-PSS salt length');
      saltLength = forge.util.createBuffer(inner.value).getInt(inner.value.length * 8);
    }
  }
  return { type: 'rsa-pss', hash, mgf1Hash, saltLength };
}

/** Kind and curve (and PSS parameters) from an AlgorithmIdentifier. */
function classify(algorithm: Asn1 | undefined): { kind: AsymmetricKeyKind; curve: 'P-256' | 'P-384' | undefined; restriction?: KeyRestriction | undefined } {
  const [oidNode, params] = children(algorithm);
  const oid = oidOf(oidNode);
  if (oid === OID.rsaEncryption) return { kind: 'rsa', curve: undefined };
  if (oid === OID.rsassaPss) return { kind: 'rsa-pss', curve: undefined, restriction: pssParameters(params) };
  if (oid === OID.ed25519) return { kind: 'ed25519', curve: undefined };
  if (oid === OID.ecPublicKey) {
    const curve = oidOf(params);
    if (curve === OID.p256) return { kind: 'ec', curve: 'P-256' };
    if (curve === OID.p384) return { kind: 'ec', curve: 'P-384' };
    throw new TypeError('unsupported EC curve');
  }
  throw new TypeError('unsupported key algorithm');
}

function rsaEncryptionIdentifier(): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID.rsaEncryption).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
  ]);
}

/** Reads PKCS#8 DER. */
export function fromPkcs8(der: Uint8Array): DerKey {
  const [, algorithm] = children(toAsn1(der));
  return { format: 'pkcs8', der, ...classify(algorithm) };
}

/** Reads SPKI DER. */
export function fromSpki(der: Uint8Array): DerKey {
  const [algorithm] = children(toAsn1(der));
  return { format: 'spki', der, ...classify(algorithm) };
}

/**
 * The same key with an `rsaEncryption` AlgorithmIdentifier: WebCrypto refuses keys carrying the
 * RSASSA-PSS OID (RFC 9421's test key is one), while the key material is identical.
 */
export function asRsaEncryption(key: DerKey): DerKey {
  const node = toAsn1(key.der);
  const parts = children(node);
  parts[key.format === 'pkcs8' ? 1 : 0] = rsaEncryptionIdentifier();
  return { ...key, der: toDer(node) };
}

/** Splits PEM armour into its label and DER body. */
function unarmor(pem: string): { label: string; der: Uint8Array; headers: boolean } {
  const m = /-----BEGIN ([A-Z0-9 ]{1,64})-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (m === null) throw new TypeError('not a PEM key');
  const body = m[2] as string;
  // RFC 1421 encapsulated headers (Proc-Type, DEK-Info) mark a legacy encrypted key: forge reads those whole.
  if (body.includes(':')) return { label: m[1] as string, der: new Uint8Array(0), headers: true };
  const base64 = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new TypeError('the PEM body is not base64');
  return { label: m[1] as string, der: binaryToBytes(forge.util.decode64(base64)), headers: false };
}

/** Wraps a SEC1 `EC PRIVATE KEY` into PKCS#8, taking the curve from its parameters. */
function sec1ToPkcs8(der: Uint8Array): DerKey {
  const parts = children(toAsn1(der));
  const params = parts.find((p) => p.tagClass === asn1.Class.CONTEXT_SPECIFIC && p.type === 0);
  const curveOid = oidOf(children(params)[0]);
  const wrapped = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, '\x00'),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID.ecPublicKey).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(curveOid).getBytes()),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytesToBinary(der)),
  ]);
  return fromPkcs8(toDer(wrapped));
}

/**
 * Reads a PEM key of any supported container: PKCS#8, encrypted PKCS#8 (with `passphrase`), PKCS#1 RSA
 * private or public, legacy-encrypted PKCS#1, SEC1 EC, SPKI.
 * @throws TypeError when the PEM is unsupported, malformed, or the passphrase is wrong.
 */
export function readPem(pem: string, passphrase?: string): DerKey {
  const { label, der, headers } = unarmor(pem);
  switch (label) {
    case 'PRIVATE KEY':
      return fromPkcs8(der);
    case 'PUBLIC KEY':
      return fromSpki(der);
    case 'ENCRYPTED PRIVATE KEY': {
      if (passphrase === undefined) throw new TypeError('this key is encrypted: a passphrase is needed');
      const info = forge.pki.decryptPrivateKeyInfo(toAsn1(der), passphrase) as Asn1 | null;
      if (info === null) throw new TypeError('wrong passphrase or unsupported encryption');
      return fromPkcs8(toDer(info));
    }
    case 'RSA PRIVATE KEY': {
      if (headers) {
        if (passphrase === undefined) throw new TypeError('this key is encrypted: a passphrase is needed');
        const key = forge.pki.decryptRsaPrivateKey(pem, passphrase) as forge.pki.rsa.PrivateKey | null;
        if (key === null) throw new TypeError('wrong passphrase or unsupported encryption');
        return fromPkcs8(toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key))));
      }
      return fromPkcs8(toDer(forge.pki.wrapRsaPrivateKey(toAsn1(der))));
    }
    case 'RSA PUBLIC KEY':
      return fromSpki(toDer(forge.pki.publicKeyToAsn1(forge.pki.publicKeyFromAsn1(toAsn1(der)))));
    case 'EC PRIVATE KEY':
      return sec1ToPkcs8(der);
    default:
      throw new TypeError('unsupported PEM type');
  }
}

/** The modulus length in bits of an RSA key (PKCS#8 or SPKI DER). */
export function rsaModulusBits(key: DerKey): number {
  return forgeRsaKey(key).n.bitLength();
}

/** A forge RSA key from PKCS#8 or SPKI DER (the RSA fallback where WebCrypto is absent). */
export function forgeRsaKey(key: DerKey): forge.pki.rsa.PrivateKey | forge.pki.rsa.PublicKey {
  const normal = key.kind === 'rsa-pss' ? asRsaEncryption(key) : key;
  const node = toAsn1(normal.der);
  if (key.format === 'spki') return forge.pki.publicKeyFromAsn1(node);
  return forge.pki.privateKeyFromAsn1(node);
}
