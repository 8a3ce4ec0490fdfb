/**
 * Public types of draft-cavage signing and verification.
 *
 * @packageDocumentation
 */
import type { ReplayStore } from '../replay-store.js';
import type { BodyInput, DigestAlgorithm, KeyInput, PerRequestSignOptions, ReceivedBody } from '../types.js';

/**
 * The draft-cavage algorithm names this library implements. `ed25519-sha512` is another name of `ed25519` (the
 * same Ed25519 signature; Misskey writes it, Joyent's and PeerTube's `http-signature` require it): a key allowing
 * either name verifies both, and it still needs an Ed25519 key.
 */
export type CavageAlgorithm =
  | 'hmac-sha1'
  | 'hmac-sha256'
  | 'hmac-sha512'
  | 'rsa-sha1'
  | 'rsa-sha256'
  | 'rsa-sha512'
  | 'ecdsa-sha256'
  | 'ed25519'
  | 'ed25519-sha512'
  | 'hs2019';

/**
 * What `hs2019` means for an RSA key. draft-cavage-12 defines it as RSASSA-PSS with SHA-512; deployed
 * servers (the Fediverse) use RSASSA-PKCS1-v1_5 with SHA-256. The caller chooses; the default is `'rsa-sha256'`.
 */
export type Hs2019RsaMapping = 'rsa-sha256' | 'rsa-pss-sha512';

/**
 * What `hs2019` means: for an asymmetric key, an {@link Hs2019RsaMapping} (it applies to RSA keys; EC and
 * Ed25519 keys follow their curve); `'hmac-sha512'` says that the key is an HMAC secret and `hs2019` is
 * HMAC-SHA512. That is the only way `hs2019` runs HMAC: the family is never inferred from the key's form, so a
 * public key given as bytes, DER, base64, JWK text or an OpenSSH line is never taken for a secret.
 */
export type Hs2019Mapping = Hs2019RsaMapping | 'hmac-sha512';

/** Where the signature goes: `Authorization: Signature …` (JumpServer) or a `Signature: …` header. */
export type SignatureScheme = 'authorization' | 'signature';

/**
 * How a signer builds `(request-target)`: `'with-query'` (default, draft-cavage-12 §2.3: the path and query as
 * sent) or `'without-query'` — the path alone, what Fedify signs (and Misskey for an absolute URL). The query is
 * then not signed: anyone on the path can change it. Use it only towards a peer that verifies nothing else.
 */
export type RequestTargetSigning = 'with-query' | 'without-query';

/**
 * How a verifier reads `(request-target)`: `'with-query'` (default: only the draft's form) or
 * `'with-or-without-query'` — the draft's form first, and when it does not verify and the request has a query, the
 * path alone (what Fedify, Misskey and older Mastodon sign). A signature that verified the second way is
 * reported by `queryUnsigned: true`: the query was not signed and the application must not trust it. At most two
 * signature checks per request (the second only for a request with a query), never more key lookups.
 */
export type RequestTargetVerifying = 'with-query' | 'with-or-without-query';

/**
 * How to sign with draft-cavage HTTP Signatures (the default scheme family).
 */
export interface CavageSigningOptions {
  /** The key identifier sent as `keyId` (JumpServer: the access key id). */
  keyId: string;
  /** The signing key: an HMAC secret or a private key. */
  key: KeyInput;
  /** The algorithm written in the header and used to sign. */
  algorithm: CavageAlgorithm;
  /**
   * Names of the headers and pseudo-headers to sign, in order. Default:
   * `['(request-target)', 'host', 'date']`. `digest` is appended when a digest is made.
   */
  headers?: readonly string[] | undefined;
  /** `(created)` as Unix seconds, or `true` for now. Added to the header as `created=`. */
  created?: number | boolean | undefined;
  /** `(expires)` as Unix seconds. Added to the header as `expires=`. */
  expires?: number | undefined;
  /** Where to put the signature. Default `'authorization'`. */
  scheme?: SignatureScheme | undefined;
  /** Make a body digest with this algorithm (needs `body`). */
  digest?: DigestAlgorithm | undefined;
  /** Which digest header to write: RFC 3230 `digest` (default) or RFC 9530 `content-digest`. */
  digestHeader?: 'digest' | 'content-digest' | undefined;
  /**
   * What `hs2019` means: `'rsa-sha256'` (default) or `'rsa-pss-sha512'` for an RSA key, or `'hmac-sha512'` to
   * sign `hs2019` with an HMAC secret (required for that: `hs2019` never runs HMAC otherwise).
   */
  hs2019?: Hs2019Mapping | undefined;
  /** The shortest RSA key accepted, in bits. Default 2048; lower it only for legacy keys you cannot replace. */
  minRsaBits?: number | undefined;
  /**
   * How `(request-target)` is built: `'with-query'` (default, the draft) or `'without-query'` for a peer that
   * verifies only the path (Fedify) — the query is then not signed. See {@link RequestTargetSigning}.
   */
  requestTarget?: RequestTargetSigning | undefined;
}

/** Options of a draft-cavage {@link sign}. */
export interface CavageSignOptions extends CavageSigningOptions, PerRequestSignOptions {}

/** The parameters of a draft-cavage signature header. */
export interface SignatureParameters {
  /** The key identifier. */
  keyId: string;
  /** The algorithm as written by the client (lower-cased), if any. */
  algorithm?: string | undefined;
  /** The signed header names, lower-cased, in order. */
  headers: string[];
  /** Whether `headers=` was present (absent means the default `date`). */
  headersGiven: boolean;
  /** The base64 signature. */
  signature: string;
  /** The `created` parameter, Unix seconds. */
  created?: number | undefined;
  /** The `expires` parameter, Unix seconds. */
  expires?: number | undefined;
}

/**
 * What a key lookup returns for a keyId: the key and the algorithms it may be used with.
 * @example
 * ```ts
 * const rsa: VerificationKey = { key: publicKeyPem, algorithms: ['rsa-sha256', 'hs2019'] }      // hs2019 = RSASSA-PKCS1-v1_5 SHA-256
 * const hmac: VerificationKey = { key: secret, algorithms: ['hmac-sha256'] }                     // HMAC
 * const hmac512: VerificationKey = { key: secret, algorithms: ['hs2019'], hs2019: 'hmac-sha512' } // hs2019 = HMAC-SHA512, said explicitly
 * ```
 */
export interface VerificationKey {
  /** An HMAC secret, or a public key (a private key is accepted and its public half used). */
  key: KeyInput;
  /**
   * The algorithms this key may verify. They decide how the key is read (HMAC secret or asymmetric key), never
   * the key's form: `hmac-*` read it as a secret, the others as an asymmetric key, and `hs2019` as an
   * asymmetric key unless `hs2019` is `'hmac-sha512'`. Mixing HMAC and asymmetric algorithms for one key is refused.
   */
  algorithms: readonly CavageAlgorithm[];
  /**
   * What `hs2019` means: `'rsa-sha256'` (default) or `'rsa-pss-sha512'` for an RSA key, or `'hmac-sha512'` when
   * the key is an HMAC secret — the only way `hs2019` is verified as HMAC.
   */
  hs2019?: Hs2019Mapping | undefined;
  /** The shortest RSA key accepted, in bits. Default 2048; lower it only for legacy keys you cannot replace. */
  minRsaBits?: number | undefined;
  /**
   * A stable name of the key (e.g. its database id) for replay records. Without it the key itself is fingerprinted;
   * give one for a non-extractable `CryptoKey`, or when the same key may be returned in different encodings.
   */
  id?: string | undefined;
  /**
   * Who this key's replay records count against for a store's per-key share (`maxEntriesPerKey`): by default the
   * key itself. Give every key one party controls the same value (e.g. the origin of keys fetched from the
   * network, as `@httpsig/keys` does) so that minting new keys does not multiply that party's share.
   */
  replayShare?: string | undefined;
}

/**
 * Finds the key for a keyId; returns `null`/`undefined` when the keyId is unknown. The entry's `algorithms` (and,
 * for `hs2019`, its `hs2019` mapping) say whether the key is an HMAC secret or an asymmetric key — the key's form
 * never does, and public-key material is refused as a secret.
 */
export type KeyLookup = (
  keyId: string,
  params: SignatureParameters,
) => VerificationKey | null | undefined | Promise<VerificationKey | null | undefined>;

/** Size limits of verification; inputs over them are refused before parsing. */
export interface VerifyLimits {
  /** Longest accepted signature header value, in characters. Default 8192. */
  maxHeaderLength?: number | undefined;
  /** Most header names in `headers=`. Default 64. */
  maxSignedHeaders?: number | undefined;
}

/** Options of {@link verify}. */
export interface VerifyOptions extends VerifyLimits {
  /** Finds the key and allowed algorithms for a keyId. */
  keyLookup: KeyLookup;
  /** Headers the signature must cover. Default `['(request-target)', 'date']`. */
  requiredHeaders?: readonly string[] | undefined;
  /** Allowed clock difference in seconds for `Date`, `created` and `expires`. Default 300. */
  clockSkew?: number | undefined;
  /**
   * The received body. When given, a signed `digest`/`content-digest` is recomputed over it, and a
   * non-empty body without a signed digest is refused. Read (a function called) only after the signature verified.
   */
  body?: ReceivedBody | undefined;
  /**
   * Replay protection: once everything else verified, the signature is recorded, keyed on the key that verified
   * (its `id`, else a fingerprint of the key) and the signing string, until its `validUntil`; a signature seen
   * before is refused with `ERR_SIGNATURE_REPLAYED`, one the store cannot record (full, unreachable) with
   * `ERR_REPLAY_STORE_UNAVAILABLE`. A signature must then be bounded in time by a signed
   * `date`, `(created)` or `(expires)`.
   */
  replayStore?: ReplayStore | undefined;
  /**
   * With a `replayStore`: the longest time, in seconds from now, a verified signature may remain acceptable
   * (its record must be kept that long). A signature valid for longer (a far `expires`) is refused with
   * `ReplayWindowTooLongError` (`ERR_REPLAY_WINDOW_TOO_LONG`) before anything is stored, so that a key holder
   * cannot fill the store with records that never expire. Never less than what the clock policy itself accepts,
   * `2 × clockSkew + maxAge`. Default: no cap (`@httpsig/server` sets one hour).
   */
  maxReplayWindow?: number | undefined;
  /**
   * Where to read the signature: `'authorization'` (`Authorization: Signature …` only), `'signature'` (the
   * `Signature` header only, what Mastodon and Fedify read), or `'any'` (default: `Authorization: Signature` when
   * present, else `Signature`).
   */
  scheme?: SignatureScheme | 'any' | undefined;
  /**
   * How `(request-target)` is read: `'with-query'` (default, the draft's form only) or `'with-or-without-query'`
   * to also accept a signature over the path alone (Fedify, Misskey, older Mastodon); the result then says
   * `queryUnsigned: true`. See {@link RequestTargetVerifying}.
   */
  requestTarget?: RequestTargetVerifying | undefined;
  /** The current time; default `Date.now()`. */
  now?: Date | number | undefined;
}

/** What a successful {@link verify} returns. */
export interface VerifyResult {
  /** The verified keyId. */
  keyId: string;
  /** The algorithm the signature was verified with. */
  algorithm: CavageAlgorithm;
  /** The signed header names, lower-cased, in order. */
  headers: string[];
  /** `created` (Unix seconds), when the signature covered `(created)` (an unsigned parameter is ignored). */
  created?: number | undefined;
  /** `expires` (Unix seconds), when the signature covered `(expires)` (an unsigned parameter is ignored). */
  expires?: number | undefined;
  /** The signing string that was verified. */
  signingString: string;
  /**
   * The last Unix second at which the signature is acceptable (the earliest of a signed `Date` + clock skew,
   * `expires` + skew, and without `expires` `created` + skew); undefined when nothing signed bounds it in time.
   */
  validUntil: number | undefined;
  /**
   * `true` when the signature verified only over a `(request-target)` without the query (with
   * `requestTarget: 'with-or-without-query'`) and the request has one: the query was not signed, so the
   * application must not trust it. Absent otherwise.
   */
  queryUnsigned?: true | undefined;
}
