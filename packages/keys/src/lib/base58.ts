/**
 * Base58btc decoding (the `z` multibase of FEP-521a / W3C Multikey), bounded.
 * @packageDocumentation
 */

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const VALUES: ReadonlyMap<string, number> = new Map([...ALPHABET].map((c, i) => [c, i]));
/** Longest accepted text: an RSA-8192 SPKI in base58 is about 1,500 characters. */
export const MAX_BASE58_LENGTH = 2048;

/**
 * Decodes base58btc text (Bitcoin alphabet); undefined for a character outside it or text over the limit.
 *
 * @param text - base58btc digits, without the multibase prefix.
 * @returns the bytes.
 */
export function decodeBase58(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length > MAX_BASE58_LENGTH) return undefined;
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros += 1;
  // Big-endian base-256 digits, grown as needed; quadratic in the (bounded) length.
  const bytes: number[] = [];
  for (const char of text) {
    let carry = VALUES.get(char);
    if (carry === undefined) return undefined;
    for (let i = bytes.length - 1; i >= 0; i -= 1) {
      carry += (bytes[i] as number) * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.unshift(carry & 0xff);
      carry >>= 8;
    }
  }
  const start = bytes.findIndex((b) => b !== 0);
  const significant = start === -1 ? [] : bytes.slice(start);
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...significant]);
}
