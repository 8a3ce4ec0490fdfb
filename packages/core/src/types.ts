/**
 * Public types shared by signing, verification and the adapters built on them.
 *
 * @packageDocumentation
 */
import type { ReplayStore } from './rfc9421/replay.js';
import type { Rfc9421SigningOptions } from './rfc9421/types.js';

/**
 * Headers as callers have them: a plain object (values may be arrays for repeated headers), a WHATWG
 * `Headers`, or ordered `[name, value]` pairs. Names are matched case-insensitively.
 */
export type HeadersInit =
  | Readonly<Record<string, string | number | readonly string[] | undefined>>
  | Headers
  | Iterable<readonly [string, string]>;

/** A request to sign or verify. */
export interface SignableRequest {
  /** The HTTP method, any case (it is lower-cased in `(request-target)`). */
  method: string;
  /**
   * The URL as it goes on the wire: absolute (`https://host:8443/p?q=1`) or the request target alone
   * (`/p?q=1`). The path and query are used exactly as given, never re-encoded.
   */
  url: string;
  /** The request headers. */
  headers?: HeadersInit | undefined;
}

/** A body as bytes or text (text is encoded as UTF-8). */
export type BodyInput = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/**
 * A received body for verification: the bytes, or a function giving them (or a promise of them). A function is
 * called only once the signature bytes verified, so a forged or unsigned request never has its body read.
 */
export type ReceivedBody = BodyInput | (() => BodyInput | PromiseLike<BodyInput>);

/** The draft-cavage algorithm names this library implements. */
export type CavageAlgorithm =
  | 'hmac-sha1'
  | 'hmac-sha256'
  | 'hmac-sha512'
  | 'rsa-sha1'
  | 'rsa-sha256'
  | 'rsa-sha512'
  | 'ecdsa-sha256'
  | 'ed25519'
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

/** A JSON Web Key, as far as this library reads it. */
export interface JsonWebKeyInput {
  /** The key type: `RSA`, `EC` or `OKP`. */
  kty: string;
  [member: string]: unknown;
}

/** A Node `KeyObject`, accepted by shape so that public types do not depend on Node. */
export interface KeyObjectLike {
  /** `'private'` or `'public'` for asymmetric keys. */
  type: 'secret' | 'public' | 'private';
  /** `'rsa'`, `'rsa-pss'`, `'ec'` or `'ed25519'`. */
  asymmetricKeyType?: string | undefined;
  /**
   * Exports the key (used by the portable backend to read a KeyObject as DER).
   * @param options - Node's export options.
   * @returns the exported key.
   */
  export(options?: unknown): unknown;
}

/**
 * A WebCrypto `CryptoKey`, accepted by shape so that public types need no DOM library. The key itself is
 * recognised with `instanceof CryptoKey` of the runtime.
 */
export interface CryptoKeyLike {
  /** `'private'`, `'public'` or `'secret'`. */
  readonly type: string;
  /** The WebCrypto algorithm the key was imported for, e.g. `{ name: 'ECDSA', namedCurve: 'P-256' }`. */
  readonly algorithm: { readonly name: string };
  /** Whether the key material can be exported. */
  readonly extractable: boolean;
  /** What the key may be used for, e.g. `['sign']`. */
  readonly usages: readonly string[];
}

/** A PEM string with the passphrase of its encrypted PKCS#8 body. */
export interface EncryptedPemInput {
  /** An `ENCRYPTED PRIVATE KEY` (or legacy encrypted PKCS#1) PEM. */
  pem: string;
  /** Its passphrase. Never logged. */
  passphrase: string;
}

/**
 * A key in any accepted form. Which one the key must be is decided by the algorithm (and for `hs2019` by an
 * explicit {@link Hs2019Mapping}), never by the key's form. For HMAC algorithms a string is the secret's UTF-8
 * bytes (JumpServer secrets are ASCII); public-key material (PEM in any letter case, DER as bytes or base64, JWK
 * text, an OpenSSH line) is refused as a secret. For asymmetric algorithms a string is PEM (PKCS#1, PKCS#8,
 * SPKI); a `CryptoKey` must be a signing key (RSASSA-PKCS1-v1_5, RSA-PSS, ECDSA, Ed25519) with the `sign` (private)
 * or `verify` (public) usage; RSA keys shorter than 2048 bits are refused unless `minRsaBits` is lowered.
 */
export type KeyInput =
  | string
  | Uint8Array
  | EncryptedPemInput
  | JsonWebKeyInput
  | KeyObjectLike
  | CryptoKeyLike;

/** Which digest to make over the body. */
export type DigestAlgorithm = 'SHA-256' | 'SHA-512';

/** Where the signature goes: `Authorization: Signature …` (JumpServer) or a `Signature: …` header. */
export type SignatureScheme = 'authorization' | 'signature';

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
}

/**
 * Options that say how to sign, shared by {@link sign} and every client adapter: draft-cavage
 * ({@link CavageSigningOptions}, `scheme` `'authorization'` or `'signature'`) or RFC 9421
 * ({@link Rfc9421SigningOptions}, `scheme: 'rfc9421'`).
 */
export type SigningOptions = CavageSigningOptions | Rfc9421SigningOptions;

/** What is particular to one request: its body and the clock. */
export interface PerRequestSignOptions {
  /** The exact body bytes that will be sent, for the digest. */
  body?: BodyInput | undefined;
  /** The current time (for `Date` and `created`); default `Date.now()`. */
  now?: Date | number | undefined;
}

/** Options of a draft-cavage {@link sign}. */
export interface CavageSignOptions extends CavageSigningOptions, PerRequestSignOptions {}

/** Options of an RFC 9421 {@link sign}. */
export interface Rfc9421SignOptions extends Rfc9421SigningOptions, PerRequestSignOptions {}

/** Options of {@link sign}: the signing options plus the body and clock of this one request. */
export type SignOptions = CavageSignOptions | Rfc9421SignOptions;

/** What {@link sign} returns. */
export interface SignResult {
  /**
   * Headers to add to the request, lower-case names: `date` when it was missing and is signed, `digest`
   * (or `content-digest`) when asked, and `authorization` (or `signature`).
   */
  headers: Record<string, string>;
  /**
   * The exact string that was signed (useful for debugging a server that disagrees): the draft-cavage
   * signing string, or the RFC 9421 signature base.
   */
  signingString: string;
  /** The label of an RFC 9421 signature. */
  label?: string | undefined;
}

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
  /** Where to read the signature: `'authorization'`, `'signature'`, or `'any'` (default: Authorization first). */
  scheme?: SignatureScheme | 'any' | undefined;
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
}
