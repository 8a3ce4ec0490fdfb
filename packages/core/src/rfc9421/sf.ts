/**
 * Fast paths of Structured Field serialisation (RFC 8941 §4.1) for what every signature writes: sf-strings,
 * integers and booleans as parameters, and component identifiers. Measured: the generic serialiser of
 * `structured-headers` was a quarter of the signing time; other bare item types fall back to it. Internal.
 * @packageDocumentation
 */
import { serializeBareItem, type BareItem, type Parameters } from 'structured-headers';

/** RFC 8941 §3.1.2 key: lcalpha or `*`, then lcalpha, digits, `_ - . *`. */
export const SF_KEY: RegExp = /^[a-z*][a-z0-9_\-.*]*$/;

/** Serialises an sf-string (RFC 8941 §4.1.6): printable ASCII, `"` and `\` escaped. */
export function serializeSfString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw new TypeError('Only printable ASCII can be an sf-string');
    if (c === 0x22 || c === 0x5c) out += '\\';
    out += value[i];
  }
  return `${out}"`;
}

/** Serialises one parameter (RFC 8941 §4.1.1.2), `;key` or `;key=value`, whose key is valid. */
export function serializeParam(key: string, value: BareItem): string {
  if (value === true) return `;${key}`;
  if (typeof value === 'string') return `;${key}=${serializeSfString(value)}`;
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 999_999_999_999_999) return `;${key}=${value}`;
  return `;${key}=${serializeBareItem(value)}`;
}

/** Serialises parameters (RFC 8941 §4.1.1.2) whose keys are valid (parsed, or checked by the caller). */
export function serializeParams(params: Parameters): string {
  let out = '';
  for (const [key, value] of params) out += serializeParam(key, value);
  return out;
}

/** Serialises an item whose bare value is an sf-string, with its parameters. */
export function serializeStringItem(value: string, params: Parameters): string {
  return serializeSfString(value) + (params.size === 0 ? '' : serializeParams(params));
}
