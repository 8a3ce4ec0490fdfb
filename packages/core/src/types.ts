/**
 * Public types both schemes share: headers, bodies, keys, and what signing returns.
 *
 * @packageDocumentation
 */

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

/** What is particular to one request: its body and the clock. */
export interface PerRequestSignOptions {
  /** The exact body bytes that will be sent, for the digest. */
  body?: BodyInput | undefined;
  /** The current time (for `Date` and `created`); default `Date.now()`. */
  now?: Date | number | undefined;
}

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
