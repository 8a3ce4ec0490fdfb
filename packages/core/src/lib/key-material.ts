/**
 * Recognising public-key material by its form, so that it is never used as an HMAC secret: an HMAC keyed
 * with a public key can be computed by anyone who holds that public key. Internal.
 *
 * The checks are cheap and bounded (one pass over the input, a DER walk of at most {@link MAX_DER_DEPTH}
 * levels) and are built to leave ordinary secrets alone: DER is recognised only when a well-formed SEQUENCE
 * spans the whole input, starts the way every key container starts, and is at least {@link MIN_DER_BYTES} long.
 * @packageDocumentation
 */
import { decodeBase64 } from './base64.js';

/** The shortest key container recognised as DER (an Ed25519 SPKI is 44 bytes, its PKCS#8 48). */
export const MIN_DER_BYTES = 40;
/** How deep the DER walk goes (key containers nest four or five levels). */
const MAX_DER_DEPTH = 8;
/** Longest input inspected for text forms; public keys are far shorter than this. */
const MAX_TEXT = 1 << 20;

/** PEM or RFC 4716 (`---- BEGIN SSH2 PUBLIC KEY ----`) armour, in any letter case (fixed strings: linear time). */
const ARMOUR = /-----BEGIN |---- BEGIN SSH2 /i;
/** An OpenSSH public key line (`authorized_keys` / `.pub` format), possibly after options. */
const OPENSSH = /(?:^|\s)(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(?:-cert-v01@openssh\.com)?\s+AAAA[A-Za-z0-9+/]/;
/** Base64 or base64url text (whitespace allowed between lines, as in a PEM body without armour). */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Reads one DER tag-length-value at `offset`, returning the offset after it, or -1 when it is not well formed
 * (indefinite or non-minimal length, overrun, or too deep).
 */
function readTlv(bytes: Uint8Array, offset: number, end: number, depth: number): number {
  if (depth > MAX_DER_DEPTH || offset + 2 > end) return -1;
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) return -1; // multi-byte tags never occur in key containers
  let length = bytes[offset + 1] as number;
  let at = offset + 2;
  if (length >= 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3 || at + count > end) return -1;
    if (bytes[at] === 0) return -1; // non-minimal
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[at + i] as number);
    at += count;
    if (length < 0x80) return -1; // non-minimal
  }
  const next = at + length;
  if (next > end) return -1;
  if ((tag & 0x20) !== 0) {
    // constructed: its content must be a chain of well-formed TLVs filling it exactly
    let inner = at;
    while (inner < next) {
      inner = readTlv(bytes, inner, next, depth + 1);
      if (inner < 0) return -1;
    }
  }
  return next;
}

/**
 * Whether bytes are a DER key container: a SEQUENCE spanning the whole input, well formed throughout, whose
 * first element is an INTEGER (PKCS#1, PKCS#8, SEC1) or a SEQUENCE (SPKI, X.509).
 * @param bytes - the candidate.
 * @returns true for DER that has the shape of a key or certificate.
 */
export function isDerKeyContainer(bytes: Uint8Array): boolean {
  if (bytes.length < MIN_DER_BYTES || bytes[0] !== 0x30) return false;
  if (readTlv(bytes, 0, bytes.length, 0) !== bytes.length) return false;
  const lengthByte = bytes[1] as number;
  const first = 2 + (lengthByte >= 0x80 ? lengthByte & 0x7f : 0);
  return bytes[first] === 0x02 || bytes[first] === 0x30;
}

/** Decodes base64 or base64url text (whitespace removed), or undefined when it is not that. */
function decodeBase64Text(text: string): Uint8Array | undefined {
  // DER starts with a SEQUENCE tag (0x30), which base64 writes as "M": anything else is not base64 DER.
  if (text.trimStart()[0] !== 'M') return undefined;
  const compact = text.replace(/\s+/g, '');
  if (compact.length < Math.ceil((MIN_DER_BYTES * 4) / 3) || !BASE64.test(compact)) return undefined;
  const standard = compact.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (standard.length % 4 === 1) return undefined;
  return decodeBase64(standard);
}

/** Hexadecimal text (whitespace and `:` separators allowed, as openssl prints DER). */
const HEX = /^(?:[0-9A-Fa-f]{2}[\s:]*)+$/;

/** Decodes hexadecimal text that starts like DER (`30`), or undefined when it is not that. */
function decodeHexText(text: string): Uint8Array | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('30') || trimmed.length < MIN_DER_BYTES * 2 || !HEX.test(trimmed)) return undefined;
  const digits = trimmed.replace(/[\s:]/g, '');
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Whether a parsed JSON value is a JSON Web Key (a string `kty`) or a JWK set (`keys`, an array of them). */
function isJwkValue(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof (value as { kty?: unknown }).kty === 'string') return true;
  const keys = (value as { keys?: unknown }).keys;
  return Array.isArray(keys) && keys.some((key) => typeof key === 'object' && key !== null && typeof (key as { kty?: unknown }).kty === 'string');
}

/** Whether text is a JSON object that is a JSON Web Key or a JWK set. */
function isJwkText(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return false;
  try {
    return isJwkValue(JSON.parse(trimmed));
  } catch {
    return false;
  }
}

/** Text of bytes read one byte per character (enough to find ASCII forms in a file read as bytes). */
function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

/**
 * Whether a would-be HMAC secret is in fact public-key material: PEM armour in any letter case, DER (as bytes, or
 * as base64 or hexadecimal text without armour), JWK or JWK-set JSON text, or an OpenSSH public key line — as a
 * string or as bytes. (A raw 32-byte Ed25519 key in base64 cannot be told from a random secret, and is not.)
 * @param secret - the candidate secret.
 * @returns true when the secret has the form of a key container.
 */
export function isPublicKeyMaterial(secret: string | Uint8Array): boolean {
  if (secret instanceof Uint8Array) {
    if (isDerKeyContainer(secret)) return true;
    if (secret.length > MAX_TEXT) return false;
    return isPublicKeyText(latin1(secret));
  }
  return secret.length <= MAX_TEXT && isPublicKeyText(secret);
}

function isPublicKeyText(text: string): boolean {
  if (ARMOUR.test(text) || OPENSSH.test(text) || isJwkText(text)) return true;
  const der = decodeBase64Text(text) ?? decodeHexText(text);
  return der !== undefined && isDerKeyContainer(der);
}
