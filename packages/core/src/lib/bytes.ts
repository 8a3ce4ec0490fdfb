/** Byte helpers shared by the backends and the digest code. Internal: not exported from the package. */
import type { BodyInput } from '../types.js';

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * The bytes of a body exactly as given: strings are UTF-8 encoded, views keep their offset and length.
 * @throws TypeError when the value is not a body.
 */
export function bodyBytes(body: BodyInput): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('body must be a string, Uint8Array, ArrayBuffer or ArrayBufferView');
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Compares two byte arrays in time that depends only on their lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether a string is padded standard base64 (RFC 4648 §4): alphabet only, length a multiple of 4, `=` only at the end. */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64_TEXT.test(text);
}
