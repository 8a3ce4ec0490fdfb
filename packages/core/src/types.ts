/**
 * Public types shared by signing, verification and the adapters built on them.
 *
 * @packageDocumentation
 */
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
 * A key in any accepted form. For HMAC algorithms a string is the secret's UTF-8 bytes (JumpServer
 * secrets are ASCII); for asymmetric algorithms a string is PEM (PKCS#1, PKCS#8, SPKI).
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
  /** What `hs2019` means for an RSA key. Default `'rsa-sha256'`. */
  hs2019?: Hs2019RsaMapping | undefined;
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

/** What a key lookup returns for a keyId: the key and the algorithms it may be used with. */
export interface VerificationKey {
  /** An HMAC secret, or a public key (a private key is accepted and its public half used). */
  key: KeyInput;
  /**
   * The algorithms this key may verify. They decide how the key is read (HMAC secret or asymmetric key);
   * mixing HMAC and asymmetric algorithms for one key is refused.
   */
  algorithms: readonly CavageAlgorithm[];
  /** What `hs2019` means when the key is RSA. Default `'rsa-sha256'`. */
  hs2019?: Hs2019RsaMapping | undefined;
}

/** Finds the key for a keyId; returns `null`/`undefined` when the keyId is unknown. */
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
   * non-empty body without a signed digest is refused.
   */
  body?: BodyInput | undefined;
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
}
