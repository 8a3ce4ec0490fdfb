/**
 * Presets for the Fediverse (ActivityPub servers): the signing options each peer verifies, and verification options
 * that accept what each peer sends, with either scheme. Each preset is a plain options object: spread it and
 * override what you need. The compatibility modes a preset turns on are named in its TSDoc, with what they give up.
 *
 * Sources (read on 2026-12-06): Mastodon `app/lib/signed_request.rb` (draft-cavage from the `Signature` header,
 * `rsa-sha256`/`hs2019` with RSA keys, `(request-target)` tried with then without the query; RFC 9421 when
 * `Signature-Input` is present, covering `@method` and `@target-uri` with `created`; `Digest`/`Content-Digest` on
 * POST; a signature made at most `CLOCK_SKEW_MARGIN` = 1 hour in the future, valid `expires` (default `created` +
 * 5 minutes, at most + `EXPIRATION_WINDOW_LIMIT` = 12 hours) + 1 hour); `@misskey-dev/node-http-message-signatures`
 * 0.0.10 (`Signature` or `Authorization: Signature`; `Date` at most 300 s old and 2 s ahead; Ed25519 signed as
 * `ed25519-sha512`, verified under either name; `(request-target)` without the query for an absolute URL);
 * Fedify 2.3 (`Signature` header only; `(request-target)` and `@query` without the query's `?`; RFC 9421 covering
 * `@method @target-uri @authority`; a one-hour window).
 *
 * @packageDocumentation
 */
import type { CavageSigningOptions, KeyLookup, VerifyOptions } from '../cavage/types.js';
import type { Rfc9421KeyLookup, Rfc9421SigningOptions, VerifyRfc9421Options } from '../rfc9421/types.js';
import type { KeyInput } from '../types.js';
import type { VerifyAutoOptions } from '../verify-auto.js';
import { FEDIVERSE_COMPONENTS, FEDIVERSE_SIGNED_HEADERS } from './fediverse-coverage.js';

/** The key an ActivityPub server signs its requests with. */
export interface FediverseSigner {
  /** The key's URL, as the actor publishes it (`publicKey.id`, e.g. `https://example.com/users/alice#main-key`). */
  keyId: string;
  /** The private key: PEM, JWK, DER, or a `CryptoKey`. */
  key: KeyInput;
  /** The key's type: `'rsa'` (default, what every peer verifies) or `'ed25519'` (not verified by Mastodon). */
  keyType?: 'rsa' | 'ed25519' | undefined;
}

/** Which scheme to sign with: draft-cavage (what every Fediverse server verifies) or RFC 9421. */
export type FediverseSpec = 'cavage' | 'rfc9421';

/** The key lookups of a Fediverse verifier, one per scheme (`@httpsig/keys` makes both over one cache). */
export interface FediverseKeyLookups {
  /** For draft-cavage signatures, e.g. `remoteKeyLookup({ keys })`. */
  cavage: KeyLookup;
  /** For RFC 9421 signatures, e.g. `remoteKeyLookup({ scheme: 'rfc9421', keys })`. */
  rfc9421: Rfc9421KeyLookup;
}


/** Mastodon's `CLOCK_SKEW_MARGIN`: one hour. */
const MASTODON_SKEW = 3600;
/** Mastodon's default validity of a signature without `expires`: five minutes after `created`. */
const MASTODON_DEFAULT_EXPIRY = 300;
/** Misskey's library (0.0.10): a `Date` at most 300 s old. */
const MISSKEY_DELAY = 300;
/** Misskey's library (0.0.10): `created` at most 2 s ahead. */
const MISSKEY_FORWARD = 2;

function keyTypeOf(signer: FediverseSigner, peer: string, ed25519: boolean): 'rsa' | 'ed25519' {
  const type = signer.keyType ?? 'rsa';
  if (type !== 'rsa' && type !== 'ed25519') throw new TypeError("keyType must be 'rsa' or 'ed25519'");
  if (type === 'ed25519' && !ed25519) throw new TypeError(`${peer} verifies RSA keys only`);
  return type;
}

function signOptions(
  signer: FediverseSigner, spec: FediverseSpec, type: 'rsa' | 'ed25519', compat: { requestTarget?: 'without-query'; queryComponent?: 'without-question-mark' },
): CavageSigningOptions | Rfc9421SigningOptions {
  if (spec === 'rfc9421') {
    return {
      scheme: 'rfc9421', keyId: signer.keyId, key: signer.key, algorithm: type === 'rsa' ? 'rsa-v1_5-sha256' : 'ed25519',
      components: FEDIVERSE_COMPONENTS, digest: 'SHA-256', ...(compat.queryComponent === undefined ? {} : { queryComponent: compat.queryComponent }),
    };
  }
  if (spec !== 'cavage') throw new TypeError("spec must be 'cavage' or 'rfc9421'");
  return {
    scheme: 'signature', keyId: signer.keyId, key: signer.key, algorithm: type === 'rsa' ? 'rsa-sha256' : 'ed25519',
    headers: FEDIVERSE_SIGNED_HEADERS, digest: 'SHA-256', ...(compat.requestTarget === undefined ? {} : { requestTarget: compat.requestTarget }),
  };
}

/**
 * Signing options a Mastodon server verifies: draft-cavage `rsa-sha256` in the `Signature` header over
 * `(request-target) host date` and a `Digest` (SHA-256) of the body, or RFC 9421 `rsa-v1_5-sha256` over
 * `@method @target-uri` and a `Content-Digest`, with `created` and `keyid`. No compatibility mode: the query is
 * signed (Mastodon verifies `(request-target)` with the query first). Mastodon verifies RSA keys only.
 *
 * With core's {@link core/src!sign} pass the body (an empty one for a GET) beside these options: the digest is always
 * made (a client adapter digests an absent body as empty).
 *
 * @param signer - keyId and private key (RSA).
 * @param spec - `'cavage'` (default) or `'rfc9421'` (what current Mastodon verifies besides draft-cavage).
 * @returns options for {@link core/src!sign} or a client adapter.
 * @throws TypeError for an Ed25519 signer or an unknown spec.
 * @example
 * ```ts
 * const options = mastodonSignOptions({ keyId: 'https://example.com/users/alice#main-key', key: privateKeyPem })
 * const { headers } = await sign({ method: 'POST', url: 'https://mastodon.example/inbox', headers: {} }, { ...options, body })
 * ```
 */
export function mastodonSignOptions(signer: FediverseSigner, spec?: 'cavage'): CavageSigningOptions;
/**
 * RFC 9421 signing options a Mastodon server verifies (see the draft-cavage overload).
 * @param signer - keyId and private key (RSA).
 * @param spec - `'rfc9421'`.
 * @returns RFC 9421 options for {@link core/src!sign} or a client adapter.
 */
export function mastodonSignOptions(signer: FediverseSigner, spec: 'rfc9421'): Rfc9421SigningOptions;
export function mastodonSignOptions(signer: FediverseSigner, spec: FediverseSpec = 'cavage'): CavageSigningOptions | Rfc9421SigningOptions {
  return signOptions(signer, spec, keyTypeOf(signer, 'Mastodon', false), {});
}

/**
 * Signing options a Misskey server verifies: as {@link mastodonSignOptions} (the query signed; Misskey's verifier
 * builds `(request-target)` from the received path and query), and an Ed25519 key allowed (signed as `ed25519`,
 * which Misskey verifies; `algorithm: 'ed25519-sha512'` writes Misskey's own name, for peers that need it).
 *
 * @param signer - keyId and private key (RSA or Ed25519).
 * @param spec - `'cavage'` (default) or `'rfc9421'`.
 * @returns options for {@link core/src!sign} or a client adapter.
 * @throws TypeError for an unknown key type or spec.
 * @example
 * ```ts
 * const options = misskeySignOptions({ keyId: 'https://example.com/users/alice#ed25519-key', key: ed25519Pem, keyType: 'ed25519' })
 * ```
 */
export function misskeySignOptions(signer: FediverseSigner, spec?: 'cavage'): CavageSigningOptions;
/**
 * RFC 9421 signing options a Misskey server verifies (see the draft-cavage overload).
 * @param signer - keyId and private key.
 * @param spec - `'rfc9421'`.
 * @returns RFC 9421 options.
 */
export function misskeySignOptions(signer: FediverseSigner, spec: 'rfc9421'): Rfc9421SigningOptions;
export function misskeySignOptions(signer: FediverseSigner, spec: FediverseSpec = 'cavage'): CavageSigningOptions | Rfc9421SigningOptions {
  return signOptions(signer, spec, keyTypeOf(signer, 'Misskey', true), {});
}

/**
 * Signing options a Fedify server verifies: as {@link misskeySignOptions}, with Fedify's forms — draft-cavage
 * `(request-target)` without the query (`requestTarget: 'without-query'`) and RFC 9421 `@query` without its `?`
 * (`queryComponent: 'without-question-mark'`). What that gives up: a draft-cavage signature no longer covers the
 * query, so anyone on the path can change it (RFC 9421's `@target-uri` still covers it); the `@query` form only
 * matters when you add `@query` to the components. Use it only towards Fedify: a strict verifier refuses a
 * request with a query signed this way.
 *
 * @param signer - keyId and private key (RSA or Ed25519).
 * @param spec - `'cavage'` (default) or `'rfc9421'`.
 * @returns options for {@link core/src!sign} or a client adapter.
 * @throws TypeError for an unknown key type or spec.
 * @example
 * ```ts
 * const options = fedifySignOptions({ keyId: 'https://example.com/users/alice#main-key', key: privateKeyPem })
 * ```
 */
export function fedifySignOptions(signer: FediverseSigner, spec?: 'cavage'): CavageSigningOptions;
/**
 * RFC 9421 signing options a Fedify server verifies (see the draft-cavage overload).
 * @param signer - keyId and private key.
 * @param spec - `'rfc9421'`.
 * @returns RFC 9421 options.
 */
export function fedifySignOptions(signer: FediverseSigner, spec: 'rfc9421'): Rfc9421SigningOptions;
export function fedifySignOptions(signer: FediverseSigner, spec: FediverseSpec = 'cavage'): CavageSigningOptions | Rfc9421SigningOptions {
  return signOptions(signer, spec, keyTypeOf(signer, 'Fedify', true), { requestTarget: 'without-query', queryComponent: 'without-question-mark' });
}

function autoOptions(keys: FediverseKeyLookups, cavage: Omit<VerifyOptions, 'keyLookup'>, rfc9421: Omit<VerifyRfc9421Options, 'keyLookup'>): VerifyAutoOptions {
  if (typeof keys?.cavage !== 'function' || typeof keys.rfc9421 !== 'function') {
    throw new TypeError('a Fediverse preset needs a cavage and an rfc9421 key lookup');
  }
  return {
    scheme: 'auto',
    cavage: { keyLookup: keys.cavage, requiredHeaders: FEDIVERSE_SIGNED_HEADERS, requestTarget: 'with-or-without-query', ...cavage },
    rfc9421: { keyLookup: keys.rfc9421, requiredComponents: FEDIVERSE_COMPONENTS, requiredParameters: ['created', 'keyid'], ...rfc9421 },
  };
}

/**
 * Verification options that accept what Mastodon sends, with either scheme (`scheme: 'auto'`: RFC 9421 when the
 * request has `Signature-Input`, else draft-cavage from the `Signature` header — the only one Mastodon writes).
 * Draft-cavage: `(request-target) host date` signed (a body needs a signed `Digest`), `Date` within Mastodon's
 * `CLOCK_SKEW_MARGIN` (1 hour, both ways here: {@link VerifyOptions.clockSkew} is symmetric), and
 * `requestTarget: 'with-or-without-query'` (older Mastodon releases sign the path without the query, and Mastodon
 * itself accepts both): a signature over the path alone verifies with `queryUnsigned: true` — do not trust the
 * query then. RFC 9421: `@method @target-uri`, `created` and `keyid`; `maxAge` 300 s (Mastodon's default
 * expiry) plus a 1-hour `clockSkew`, Mastodon's window for a signature without `expires` (one with a later `expires`
 * is still held to `maxAge`: Mastodon would accept it up to 12 hours).
 *
 * @param keys - the key lookups of both schemes.
 * @returns options for {@link core/src!verify} (and, spread, `@httpsig/server`).
 * @throws TypeError when a lookup is missing.
 * @example
 * ```ts
 * const result = await verify({ method: req.method!, url: req.url!, headers: req.headers, }, mastodonVerifyOptions({ cavage: cavageLookup, rfc9421: rfc9421Lookup }))
 * ```
 */
export function mastodonVerifyOptions(keys: FediverseKeyLookups): VerifyAutoOptions {
  return autoOptions(keys, { scheme: 'signature', clockSkew: MASTODON_SKEW }, { maxAge: MASTODON_DEFAULT_EXPIRY, clockSkew: MASTODON_SKEW });
}

/**
 * Verification options that accept what Misskey sends, with either scheme. Draft-cavage from `Signature` or
 * `Authorization: Signature` (`scheme: 'any'`, as Misskey's library reads), `(request-target) host date` signed,
 * `Date` within 300 s (Misskey's library: at most 300 s old; here 300 s ahead too), `requestTarget:
 * 'with-or-without-query'` (Misskey signs the path alone when given an absolute URL: `queryUnsigned: true` then),
 * and its `ed25519-sha512` name accepted for an Ed25519 key as always. RFC 9421: `@method @target-uri`, `created`
 * and `keyid`, `maxAge` 300 s with a 2-second `clockSkew` (the library's `created` tolerance).
 *
 * @param keys - the key lookups of both schemes.
 * @returns options for {@link core/src!verify} (and, spread, `@httpsig/server`).
 * @throws TypeError when a lookup is missing.
 * @example
 * ```ts
 * const options = misskeyVerifyOptions({ cavage: cavageLookup, rfc9421: rfc9421Lookup })
 * ```
 */
export function misskeyVerifyOptions(keys: FediverseKeyLookups): VerifyAutoOptions {
  return autoOptions(keys, { scheme: 'any', clockSkew: MISSKEY_DELAY }, { maxAge: MISSKEY_DELAY, clockSkew: MISSKEY_FORWARD });
}

/**
 * Verification options for an inbox that federates with everyone: what Mastodon, Misskey and Fedify send, with
 * either scheme. Draft-cavage from `Signature` or `Authorization: Signature`, `(request-target) host date`
 * signed, Mastodon's 1-hour window (Fedify's too), `requestTarget: 'with-or-without-query'`. RFC 9421: `@method
 * @target-uri` (Fedify also covers `@authority`; a `@target-uri` satisfies a required `@path` or `@authority`),
 * `created` and `keyid`, `maxAge` 300 s with a 1-hour skew, and `queryComponent:
 * 'rfc9421-or-without-question-mark'` (Fedify's `@query`, reported as `queryComponent: 'without-question-mark'`;
 * the query is still signed). Every compatibility mode is reported in the result; none is tried unless the
 * standard form failed, and each adds at most one signature check.
 *
 * @param keys - the key lookups of both schemes.
 * @returns options for {@link core/src!verify} (and, spread, `@httpsig/server`).
 * @throws TypeError when a lookup is missing.
 * @example
 * ```ts
 * const options = fediverseVerifyOptions({ cavage: cavageLookup, rfc9421: rfc9421Lookup })
 * ```
 */
export function fediverseVerifyOptions(keys: FediverseKeyLookups): VerifyAutoOptions {
  return autoOptions(
    keys,
    { scheme: 'any', clockSkew: MASTODON_SKEW },
    { maxAge: MASTODON_DEFAULT_EXPIRY, clockSkew: MASTODON_SKEW, queryComponent: 'rfc9421-or-without-question-mark' },
  );
}
