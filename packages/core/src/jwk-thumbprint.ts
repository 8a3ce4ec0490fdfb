/**
 * JWK thumbprints (RFC 7638) and the public JWK of a key: how Web Bot Auth and key directories name a key
 * (`keyid` is the key's SHA-256 thumbprint, base64url without padding).
 * @packageDocumentation
 */
import { backend } from '#backend';
import { InvalidKeyError } from './errors.js';
import { isPemText, importAsymmetricKey } from './keys.js';
import { encodeBase64 } from './lib/base64.js';
import { utf8 } from './lib/bytes.js';
import type { KeyInput } from './types.js';

/** A public key as a JWK with only its public members (RSA: `kty n e`; EC: `kty crv x y`; OKP: `kty crv x`). */
export type PublicJwk =
  | { readonly kty: 'RSA'; readonly n: string; readonly e: string }
  | { readonly kty: 'EC'; readonly crv: string; readonly x: string; readonly y: string }
  | { readonly kty: 'OKP'; readonly crv: string; readonly x: string };

/** The members each key type's thumbprint hashes, in the lexicographic order RFC 7638 §3.2 asks for. */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

/** The longest member value hashed (an RSA modulus of 16384 bits is 2731 base64url characters). */
const MAX_MEMBER_LENGTH = 4096;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK, base64url without padding: the hash of the JSON object made of
 * the key type's required members only, in lexicographic order, without whitespace. Other members (`kid`, `alg`,
 * `use`, private members) do not change it.
 * @param jwk - a JWK of type `RSA`, `EC` or `OKP` (a private JWK gives its public key's thumbprint).
 * @returns the thumbprint, 43 base64url characters.
 * @throws {@link InvalidKeyError} `ERR_INVALID_KEY` — not an object, an unsupported `kty` (`oct` keys have no
 *   public form), or a required member missing, not a base64url string (`crv` excepted), or over 4096 characters.
 * @example
 * ```ts
 * jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' });
 * // 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k' (RFC 8037 §A.3)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7638#section-3
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string {
  if (typeof jwk !== 'object' || jwk === null) throw new InvalidKeyError('A JWK must be an object');
  const kty = jwk['kty'];
  const members = typeof kty === 'string' && Object.hasOwn(THUMBPRINT_MEMBERS, kty) ? THUMBPRINT_MEMBERS[kty] : undefined;
  if (members === undefined) throw new InvalidKeyError('The JWK key type has no thumbprint here (RSA, EC and OKP do)');
  const canonical: Record<string, string> = {};
  for (const member of members) {
    const value = jwk[member];
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_MEMBER_LENGTH) {
      throw new InvalidKeyError('The JWK lacks a member its thumbprint needs');
    }
    if (member !== 'crv' && member !== 'kty' && !BASE64URL.test(value)) throw new InvalidKeyError('A JWK key member is not base64url');
    canonical[member] = value;
  }
  const digest = backend.digest('SHA-256', utf8(JSON.stringify(canonical)));
  return encodeBase64(digest).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The public JWK of an asymmetric key (its public members only), whatever form the key was given in: PEM (public
 * or private, encrypted PEM with its passphrase), a `KeyObject`, an extractable `CryptoKey`, or a JWK.
 * @param key - the key (a private key gives its public half).
 * @returns the public JWK.
 * @throws {@link InvalidKeyError} `ERR_INVALID_KEY` — an HMAC secret (bytes, or a string that is not PEM), a key that
 *   cannot be read, an RSA key shorter than 2048 bits, or a key that cannot be exported (a non-extractable private
 *   `CryptoKey`); {@link WebCryptoUnavailableError} on the portable backend without WebCrypto, for a key not given as a JWK.
 * @example
 * ```ts
 * const jwk = await publicJwk(process.env.BOT_PRIVATE_KEY_PEM!);   // { kty: 'OKP', crv: 'Ed25519', x: '…' }
 * ```
 */
export async function publicJwk(key: KeyInput): Promise<PublicJwk> {
  if (key instanceof Uint8Array || (typeof key === 'string' && !isPemText(key))) {
    throw new InvalidKeyError('An HMAC secret has no public key');
  }
  const imported = await importAsymmetricKey(key, 'verify');
  try {
    return await backend.exportPublicJwk(imported) as unknown as PublicJwk;
  } catch (cause) {
    if (cause instanceof InvalidKeyError) throw cause;
    throw new InvalidKeyError('The public key cannot be exported', { cause: new Error(cause instanceof Error ? cause.name : 'Error') });
  }
}

/**
 * The RFC 7638 SHA-256 thumbprint of a key's public half: `jwkThumbprint(await publicJwk(key))`. What Web Bot Auth
 * uses as `keyid`.
 * @param key - the key, in any form {@link publicJwk} takes.
 * @returns the thumbprint, base64url without padding.
 * @throws {@link InvalidKeyError} `ERR_INVALID_KEY` — as {@link publicJwk} and {@link jwkThumbprint}.
 * @example
 * ```ts
 * const keyid = await keyThumbprint(privateKeyPem);
 * ```
 */
export async function keyThumbprint(key: KeyInput): Promise<string> {
  return jwkThumbprint(await publicJwk(key) as unknown as Readonly<Record<string, unknown>>);
}
