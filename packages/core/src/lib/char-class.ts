/**
 * ASCII character classes for the header parsers: one table lookup per character instead of a chain of
 * comparisons. Internal: not exported from the package.
 * @packageDocumentation
 */

/** RFC 9110 `tchar`: a character of a token (parameter names, auth-scheme). */
export const TOKEN = 1;
/** A character of an unquoted parameter value: `tchar` plus the base64 `/` and `=`. */
export const BARE_VALUE = 2;
/**
 * A character of a quoted string that needs no care: visible ASCII, space, tab and non-ASCII (obs-text),
 * but not `"`, `\` or a control character.
 */
export const QUOTED_TEXT = 4;

const TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

function classify(c: number): number {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  const digit = c >= 48 && c <= 57;
  let bits = 0;
  if (letter || digit || TCHAR_SYMBOLS.includes(String.fromCharCode(c))) bits |= TOKEN | BARE_VALUE;
  if (c === 47 || c === 61) bits |= BARE_VALUE;
  if ((c >= 32 && c !== 34 && c !== 92 && c !== 127) || c === 9) bits |= QUOTED_TEXT;
  return bits;
}

const ASCII_CLASSES = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_CLASSES[c] = classify(c);

/**
 * The class bits of a UTF-16 code unit: the table for ASCII; a non-ASCII unit is only {@link QUOTED_TEXT}.
 * Test with `(charClass(c) & TOKEN) !== 0`.
 */
export function charClass(c: number): number {
  return c < 128 ? ASCII_CLASSES[c] as number : QUOTED_TEXT;
}

/** Whether the text at `start` is `lower` (lower-case letters only) in any ASCII case. */
export function isNameAt(value: string, start: number, lower: string): boolean {
  // Setting bit 0x20 lower-cases an ASCII letter; no other character becomes a lower-case letter.
  for (let k = 0; k < lower.length; k++) if ((value.charCodeAt(start + k) | 0x20) !== lower.charCodeAt(k)) return false;
  return true;
}

/**
 * Strips optional whitespace (RFC 9110 §5.5 OWS: space and horizontal tab only) from both ends of a field
 * value. Unlike `String.prototype.trim`, other Unicode spaces (U+00A0, U+FEFF, ...) are part of the value.
 */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end) {
    const c = value.charCodeAt(start);
    if (c !== 32 && c !== 9) break;
    start++;
  }
  while (end > start) {
    const c = value.charCodeAt(end - 1);
    if (c !== 32 && c !== 9) break;
    end--;
  }
  return start === 0 && end === value.length ? value : value.slice(start, end);
}
