/**
 * ECDSA signature encodings: IEEE P1363 (r‖s, what WebCrypto and RFC 9421 use) and ASN.1 DER
 * (`SEQUENCE { INTEGER r, INTEGER s }`, what draft-cavage deployments and OpenSSL use). Internal.
 */

function trimInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  // A leading 1 bit would make the DER INTEGER negative: prefix a zero byte.
  if (((bytes[start] as number) & 0x80) !== 0) {
    const out = new Uint8Array(bytes.length - start + 1);
    out.set(bytes.subarray(start), 1);
    return out;
  }
  return bytes.subarray(start);
}

/** Converts r‖s to DER. */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  const half = signature.length / 2;
  const r = trimInteger(signature.subarray(0, half));
  const s = trimInteger(signature.subarray(half));
  const body = 2 + r.length + 2 + s.length;
  const long = body >= 128;
  const out = new Uint8Array((long ? 3 : 2) + body);
  let i = 0;
  out[i++] = 0x30;
  if (long) { out[i++] = 0x81; }
  out[i++] = body;
  out[i++] = 0x02; out[i++] = r.length; out.set(r, i); i += r.length;
  out[i++] = 0x02; out[i++] = s.length; out.set(s, i);
  return out;
}

/** Converts DER to r‖s of `size` bytes each; undefined when the DER is not a well-formed signature. */
export function derToP1363(der: Uint8Array, size: number): Uint8Array | undefined {
  let i = 0;
  if (der[i++] !== 0x30) return undefined;
  let length = der[i++];
  if (length === 0x81) length = der[i++];
  if (length === undefined || length !== der.length - i) return undefined;
  const out = new Uint8Array(size * 2);
  for (let part = 0; part < 2; part++) {
    if (der[i++] !== 0x02) return undefined;
    const n = der[i++];
    if (n === undefined || n === 0 || i + n > der.length) return undefined;
    let value = der.subarray(i, i + n);
    i += n;
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    if (value.length > size) return undefined;
    out.set(value, part * size + size - value.length);
  }
  return i === der.length ? out : undefined;
}
