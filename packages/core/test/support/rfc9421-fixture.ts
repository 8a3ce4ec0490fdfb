// An RFC 9421 request signed with the RFC's Ed25519 test key (keyid `k`) at a fixed clock.
import crypto from 'node:crypto';
import { signRfc9421, type Rfc9421Message, type Rfc9421Request, type SignRfc9421Options, type SignRfc9421Result, type VerifyRfc9421Options } from '../../src/rfc9421/index.js';
import { pemOf, withHeaders } from '../rfc9421-helpers.js';

/** The fixed clock, Unix seconds. */
export const NOW = 1_700_000_000;
/** The default clock skew, seconds. */
export const SKEW = 300;
/** The private and public Ed25519 test keys (PEM). */
export const ED_SIGN: string = pemOf('rfc9421-test-key-ed25519.private.pem');
export const ED_VERIFY: string = pemOf('rfc9421-test-key-ed25519.public.pem');
/** A random 32-byte HMAC secret. */
export const SECRET: Uint8Array = new Uint8Array(crypto.randomBytes(32));

/** `POST https://example.com/foo?a=1` with a content type. */
export const request: Rfc9421Request = {
  method: 'POST', url: 'https://example.com/foo?a=1',
  headers: [['Host', 'example.com'], ['Content-Type', 'application/json']],
};
/** Knows keyid `k`: the Ed25519 public key. */
export const lookup: VerifyRfc9421Options['keyLookup'] = (id) => (id === 'k' ? { key: ED_VERIFY, algorithms: ['ed25519'] } : null);
/** Signs `message` with the Ed25519 key at {@link NOW}. */
export const sign = (extra: Partial<SignRfc9421Options> = {}, message: Rfc9421Message = request): Promise<SignRfc9421Result> =>
  signRfc9421(message, { key: ED_SIGN, algorithm: 'ed25519', keyId: 'k', now: NOW * 1000, ...extra } as SignRfc9421Options);
/** The message with its signature headers added. */
export const signed = async (extra: Partial<SignRfc9421Options> = {}, message: Rfc9421Message = request): Promise<Rfc9421Message> =>
  withHeaders(message, (await sign(extra, message)).headers);
/** Verification options with {@link lookup} at `seconds`. */
export const at = (seconds: number, extra: Partial<VerifyRfc9421Options> = {}): VerifyRfc9421Options =>
  ({ keyLookup: lookup, now: seconds * 1000, ...extra });

