/** RFC 4648 §6 base32 decoding (TOTP secrets), case-insensitive, padding and spaces ignored. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Decode base32 text.
 *
 * @param text - the base32 string.
 * @returns the bytes.
 * @throws TypeError when a character is outside the base32 alphabet or the text is empty.
 */
export function base32Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  if (clean.length === 0) throw new TypeError('The TOTP secret is empty');
  const out = new Uint8Array(Math.floor((clean.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of clean) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) throw new TypeError('The TOTP secret is not valid base32');
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (value >>> bits) & 0xff;
    }
  }
  return out;
}
