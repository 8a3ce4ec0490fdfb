/**
 * What a Web Bot Auth key may be: an Ed25519 or RSA public JWK, its algorithm decided by its type (never by the
 * signature's `alg`), and its name, the RFC 7638 thumbprint. Internal.
 * @packageDocumentation
 */
import { AlgorithmNotAllowedError, InvalidKeyError } from '../errors.js';
import { jwkThumbprint, type PublicJwk } from '../jwk-thumbprint.js';
import type { Rfc9421Algorithm } from '../rfc9421/types.js';

/** A key as Web Bot Auth verifies with it. Internal. @internal */
export interface BotKey {
  /** The public members only (`kty crv x` or `kty n e`). */
  readonly jwk: PublicJwk;
  /** The RFC 7638 SHA-256 thumbprint: what `keyid` must be. */
  readonly thumbprint: string;
  /** The one algorithm the key verifies with. */
  readonly algorithm: Rfc9421Algorithm;
}

/**
 * The one algorithm a Web Bot Auth key signs and verifies with, decided by its type (the two the architecture draft
 * names): `OKP`/`Ed25519` → `ed25519`, `RSA` → `rsa-pss-sha512`. Decided here for the signing preset, the key
 * directory and verification.
 * @param jwk - a JWK's `kty` and `crv`.
 * @returns the algorithm, or `undefined` for a key type Web Bot Auth does not use.
 * @internal
 */
export function botAlgorithm(jwk: { readonly kty?: unknown; readonly crv?: unknown }): 'ed25519' | 'rsa-pss-sha512' | undefined {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'ed25519';
  if (jwk.kty === 'RSA') return 'rsa-pss-sha512';
  return undefined;
}

/**
 * Reads a public JWK as a Web Bot Auth key: `OKP`/`Ed25519` verifies `ed25519`, `RSA` verifies `rsa-pss-sha512`
 * (the two algorithms the architecture draft names); anything else is refused.
 * @param jwk - a JWK (private members, `kid`, `alg`, `use` are ignored: only the public members are kept).
 * @param keyId - for errors.
 * @returns the key, its thumbprint and its algorithm.
 * @throws {@link AlgorithmNotAllowedError} `ERR_ALGORITHM_NOT_ALLOWED` — a key type Web Bot Auth does not use.
 * @throws {@link InvalidKeyError} `ERR_INVALID_KEY` — not a JWK, or a member missing or not base64url.
 * @internal
 */
export function botKeyOf(jwk: unknown, keyId?: string): BotKey {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new InvalidKeyError('A Web Bot Auth key must be a JWK', { keyId });
  const members = jwk as Readonly<Record<string, unknown>>;
  const algorithm = botAlgorithm(members);
  if (algorithm === undefined) throw new AlgorithmNotAllowedError('Web Bot Auth keys are Ed25519 or RSA', { keyId });
  const publicJwk: PublicJwk = algorithm === 'ed25519'
    ? { kty: 'OKP', crv: 'Ed25519', x: members['x'] as string }
    : { kty: 'RSA', n: members['n'] as string, e: members['e'] as string };
  // Checks the members (present, base64url, bounded) as it hashes them.
  const thumbprint = jwkThumbprint(publicJwk as unknown as Readonly<Record<string, unknown>>);
  return { jwk: publicJwk, thumbprint, algorithm };
}

/**
 * The keys keyrings answer with. A keyring vouches for a key, not for the agent a request names: the verifier then
 * counts the key's replay records against the key itself, not against that agent.
 */
const KEYRING_KEYS = new WeakSet<object>();

/**
 * Marks a key a keyring answers with (see {@link isKeyringKey}).
 * @param jwk - the public JWK the keyring holds.
 * @internal
 */
export function markKeyringKey(jwk: PublicJwk): void {
  KEYRING_KEYS.add(jwk);
}

/**
 * Whether a key source's answer came from a keyring (and so is bound to no agent).
 * @param jwk - what the key source returned.
 * @returns true for a key held in a keyring.
 * @internal
 */
export function isKeyringKey(jwk: unknown): boolean {
  return typeof jwk === 'object' && jwk !== null && KEYRING_KEYS.has(jwk);
}
