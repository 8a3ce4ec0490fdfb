/**
 * A minimal DER reader and writer for the key containers the portable backend accepts (PKCS#8, SPKI, PKCS#1,
 * SEC1): definite lengths only, every length checked against its enclosing element, linear in the input.
 * WebCrypto's `importKey` (or node-forge, where WebCrypto is absent) validates the key material itself. Internal.
 */

/** One element: its tag byte and where its contents lie in the buffer. */
export interface DerElement {
  tag: number;
  /** The whole element, header included. */
  start: number;
  /** First byte of the contents. */
  contentStart: number;
  /** One past the last byte of the contents (and of the element). */
  end: number;
}

/** Universal tags used by the key containers. */
export const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 } as const;

function malformed(): TypeError {
  return new TypeError('malformed DER key');
}

/**
 * Reads the element at `offset`, which must end by `limit`.
 * @throws TypeError on a truncated element, an indefinite or non-minimal length, or a multi-byte tag.
 */
export function readElement(der: Uint8Array, offset: number, limit: number = der.length): DerElement {
  if (offset + 2 > limit) throw malformed();
  const tag = der[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw malformed();
  let length = der[offset + 1] as number;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || contentStart + bytes > limit || der[contentStart] === 0) throw malformed();
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[contentStart + i] as number);
    if (length < 0x80) throw malformed();
    contentStart += bytes;
  }
  const end = contentStart + length;
  if (end > limit) throw malformed();
  return { tag, start: offset, contentStart, end };
}

/**
 * Reads a whole buffer as one element with nothing after it.
 * @throws TypeError when it does not parse or has trailing bytes.
 */
export function readTop(der: Uint8Array, tag: number): DerElement {
  const element = readElement(der, 0);
  if (element.tag !== tag || element.end !== der.length) throw malformed();
  return element;
}

/**
 * The elements directly inside a constructed element, which must fill it exactly.
 * @throws TypeError when one does not parse.
 */
export function childrenOf(der: Uint8Array, parent: DerElement): DerElement[] {
  if ((parent.tag & 0x20) === 0) throw malformed();
  const out: DerElement[] = [];
  for (let offset = parent.contentStart; offset < parent.end;) {
    const child = readElement(der, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/**
 * The dotted form of an OBJECT IDENTIFIER element.
 * @throws TypeError when the element is not a well-formed OID.
 */
export function oidOf(der: Uint8Array, element: DerElement | undefined): string {
  if (element === undefined || element.tag !== TAG.OID || element.end === element.contentStart) throw new TypeError('expected an OID');
  const arcs: number[] = [];
  let value = 0;
  for (let i = element.contentStart; i < element.end; i++) {
    const byte = der[i] as number;
    if (value === 0 && byte === 0x80) throw new TypeError('expected an OID');
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new TypeError('expected an OID');
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  if ((der[element.end - 1] as number) & 0x80) throw new TypeError('expected an OID');
  return arcs.join('.');
}

/** Encodes one element from its tag and contents. */
export function encodeElement(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const length = contents.reduce((sum, c) => sum + c.length, 0);
  const header = length < 0x80 ? [tag, length]
    : length < 0x100 ? [tag, 0x81, length]
      : length < 0x10000 ? [tag, 0x82, length >> 8, length & 0xff]
        : [tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  const out = new Uint8Array(header.length + length);
  out.set(header);
  let offset = header.length;
  for (const c of contents) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** The bytes of an element, header included. */
export function bytesOf(der: Uint8Array, element: DerElement): Uint8Array {
  return der.subarray(element.start, element.end);
}
