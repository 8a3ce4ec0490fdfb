/**
 * Time-based one-time passwords (RFC 6238), as JumpServer's MFA expects them.
 *
 * @packageDocumentation
 */
import { hmac } from '@noble/hashes/hmac';
import { sha1 } from '@noble/hashes/legacy';
import { sha256, sha512 } from '@noble/hashes/sha2';
import { base32Decode } from './lib/base32.js';

/** The HMAC hash of a TOTP: SHA-1 (JumpServer's default), SHA-256 (JumpServer 4.10.17+) or SHA-512. */
export type TotpAlgorithm = 'SHA-1' | 'SHA-256' | 'SHA-512';

/** Options of {@link totp}. */
export interface TotpOptions {
  /** The hash; default `'SHA-1'`. */
  algorithm?: TotpAlgorithm | undefined;
  /** Code length, 6 to 10; default 6. */
  digits?: number | undefined;
  /** Time step in seconds; default 30. */
  period?: number | undefined;
  /** The time, as a `Date` or milliseconds since the epoch; default now. */
  now?: Date | number | undefined;
}

/** A TOTP secret with its parameters, as an authenticator app holds it. */
export interface TotpSecret {
  /** The base32 secret (JumpServer shows it as text and in the otpauth:// QR code). */
  secret: string;
  /** The hash; default `'SHA-1'`. */
  algorithm?: TotpAlgorithm | undefined;
  /** Code length; default 6. */
  digits?: number | undefined;
  /** Time step in seconds; default 30. */
  period?: number | undefined;
}

const HASHES = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-512': sha512 } as const;

/**
 * Compute the TOTP code of a secret (RFC 6238 §4, with the dynamic truncation of RFC 4226 §5.3).
 *
 * @param secret - the base32 secret as a string, or the raw secret bytes.
 * @param options - algorithm, digits, period and time.
 * @returns the code, left-padded with zeros to `digits`.
 * @throws TypeError when the secret is empty or not base32, RangeError for bad digits, period or time.
 * @example
 * ```ts
 * const code = totp('JBSWY3DPEHPK3PXP'); // e.g. "282760"
 * ```
 * @see RFC 6238 §4 and Appendix B
 */
export function totp(secret: string | Uint8Array, options: TotpOptions = {}): string {
  const algorithm = options.algorithm ?? 'SHA-1';
  const hash = HASHES[algorithm];
  if (hash === undefined) throw new RangeError('Unsupported TOTP algorithm');
  const digits = options.digits ?? 6;
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) throw new RangeError('TOTP digits must be 6 to 10');
  const period = options.period ?? 30;
  if (!Number.isInteger(period) || period <= 0) throw new RangeError('TOTP period must be a positive integer');
  const ms = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('TOTP time must be a non-negative time');
  const key = typeof secret === 'string' ? base32Decode(secret) : secret;
  if (key.length === 0) throw new TypeError('The TOTP secret is empty');
  const counter = Math.floor(Math.floor(ms / 1000) / period);
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
  const mac = hmac(hash, key, message);
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = new DataView(mac.buffer, mac.byteOffset, mac.byteLength).getUint32(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}
