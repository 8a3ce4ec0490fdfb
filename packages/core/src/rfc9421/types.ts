/**
 * Public types of RFC 9421 HTTP Message Signatures: messages, options, results.
 * @packageDocumentation
 */
import type { ReplayStore } from '../replay-store.js';
import type { BodyInput, DigestAlgorithm, HeadersInit, KeyInput, PerRequestSignOptions, ReceivedBody } from '../types.js';

/**
 * The algorithm names of the HTTP Signature Algorithms registry that this library implements
 * (RFC 9421 §3.3, §6.2.2).
 */
export type Rfc9421Algorithm =
  | 'rsa-pss-sha512'
  | 'rsa-v1_5-sha256'
  | 'hmac-sha256'
  | 'ecdsa-p256-sha256'
  | 'ecdsa-p384-sha384'
  | 'ed25519';

/** A request as RFC 9421 derives components from it (RFC 9421 §2.2). */
export interface Rfc9421Request {
  /** The method exactly as sent (`@method` is case-sensitive and not normalised, RFC 9421 §2.2.1). */
  method: string;
  /**
   * The target URI: absolute (`https://example.com:8443/p?q=1`), or the origin-form request target alone
   * (`/p?q=1`, as a server sees it) — then `@authority` comes from the `Host` header. Path and query are used
   * exactly as given, never re-encoded.
   */
  url: string;
  /** The request headers. */
  headers?: HeadersInit | undefined;
  /**
   * The URI scheme (`'https'`, `'http'`) when `url` is not absolute; needed only for `@scheme` and
   * `@target-uri` (a server knows it from its listener).
   */
  scheme?: string | undefined;
}

/** A response, optionally bound to the request that caused it (for `;req` components, RFC 9421 §2.4). */
export interface Rfc9421Response {
  /** The three-digit status code (`@status`, RFC 9421 §2.2.9). */
  status: number;
  /** The response headers. */
  headers?: HeadersInit | undefined;
  /** The request this response answers; components with the `req` parameter are read from it. */
  request?: Rfc9421Request | undefined;
}

/** A message to sign or verify: a request, or a response. */
export type Rfc9421Message = Rfc9421Request | Rfc9421Response;

/** The names of the signature parameters defined by RFC 9421 §2.3. */
export type Rfc9421ParameterName = 'created' | 'expires' | 'nonce' | 'alg' | 'keyid' | 'tag';

/** Signature parameters (RFC 9421 §2.3) as read from a `Signature-Input` member. */
export interface Rfc9421Parameters {
  /** Creation time, Unix seconds. */
  created?: number | undefined;
  /** Expiry time, Unix seconds. */
  expires?: number | undefined;
  /** A random value for replay protection. */
  nonce?: string | undefined;
  /** The algorithm name, when the signer stated it. */
  alg?: string | undefined;
  /** The key identifier. */
  keyid?: string | undefined;
  /** An application-specific tag. */
  tag?: string | undefined;
}

/**
 * What `@signature-params` is built from when calling {@link core/src/rfc9421!buildSignatureBase} directly: the covered
 * component identifiers and the parameters, in the order they are serialised.
 */
export interface SignatureParamsInit {
  /** Component identifiers, e.g. `'@method'`, `'content-digest'`, `'"@query-param";name="Pet"'`, `'signature;key="sig1";req'`. */
  components: readonly string[];
  /** Parameters in serialisation order, e.g. `[['created', 1618884473], ['keyid', 'k']]`, or an object (RFC 9421 §2.3 order of {@link core/src/rfc9421!DEFAULT_PARAMETER_ORDER}). */
  parameters?: Rfc9421Parameters | Iterable<readonly [string, string | number | boolean]> | undefined;
}

/**
 * How a signer derives `@query`: `'rfc9421'` (default, RFC 9421 §2.2.7: `?` and the query, `?` alone when there is
 * none) or `'without-question-mark'` — the query alone, as Fedify writes it, for a peer that verifies only that
 * form. The query is still signed; the two forms are ambiguous only for a query that itself starts with `?`.
 */
export type QueryComponentSigning = 'rfc9421' | 'without-question-mark';

/**
 * How a verifier derives `@query`: `'rfc9421'` (default, the RFC's form only) or
 * `'rfc9421-or-without-question-mark'` — the RFC's form first, and when the signature covers `@query` and does not
 * verify, the query without its `?` (Fedify's form); the result then says `queryComponent: 'without-question-mark'`.
 * Never for a query that itself starts with `?` (`/x??a`): there the `?`-less form is the RFC form of another query
 * (`/x?a`). At most two signature checks per signature tried, never more key lookups.
 */
export type QueryComponentVerifying = 'rfc9421' | 'rfc9421-or-without-question-mark';

/** Options that change how component values are derived (shared by signing, verifying and building a base). */
export interface ComponentOptions {
  /**
   * The Structured Field type of fields covered with `;sf` or `;key` that this library does not know
   * (RFC 9421 §2.1.1). Built in: the signature fields, `accept-signature`, `content-digest`, `repr-digest`,
   * `want-*-digest`, `priority`, `cache-status`, `proxy-status`, `cdn-cache-control`.
   */
  structuredFields?: Readonly<Record<string, 'item' | 'list' | 'dictionary'>> | undefined;
}

/** Options of {@link core/src/rfc9421!signRfc9421}. */
export interface SignRfc9421Options extends ComponentOptions {
  /**
   * The signing key: an HMAC secret (string = its UTF-8 bytes, or bytes) for `hmac-sha256`, else a private key.
   * The algorithm decides which; public-key material (PEM, DER, JWK, OpenSSH) is refused as a secret.
   */
  key: KeyInput;
  /** The shortest RSA key accepted, in bits. Default 2048; lower it only for legacy keys you cannot replace. */
  minRsaBits?: number | undefined;
  /** The signature algorithm (RFC 9421 §3.3). */
  algorithm: Rfc9421Algorithm;
  /** The `keyid` parameter. */
  keyId?: string | undefined;
  /**
   * The signature's label in `Signature-Input` and `Signature` (RFC 9421 §4). Default: the first free of
   * `sig1`, `sig2`, … . A label the message already carries is refused.
   */
  label?: string | undefined;
  /**
   * Covered components, in order (RFC 9421 §2). Default: `@method @authority @path` (+ `@query` when the URL
   * has one) for a request; `@status` for a response, plus `"@path";req "@query";req` when its request is given
   * (what the default response policy of verification requires); `content-digest` is appended when a digest is made.
   */
  components?: readonly string[] | undefined;
  /** `created` in Unix seconds; default now; `false` leaves it out. */
  created?: number | false | undefined;
  /** `expires` in Unix seconds (absolute). */
  expires?: number | undefined;
  /**
   * `expires` as a number of seconds after `created`, taken anew for every message signed (so options reused for
   * many requests, as the client adapters do, give each request its own window). Not with `expires` or
   * `created: false`.
   */
  expiresIn?: number | undefined;
  /** `nonce`: a string, or a function called for every message signed (a fresh random value per request). */
  nonce?: string | (() => string) | undefined;
  /**
   * Fields to set on the message before it is signed (replacing a field of the same name), returned with the
   * signature headers so that the caller sends them: e.g. `Signature-Agent`. Cover them in `components`. Names are
   * lower-case tokens other than `signature` and `signature-input`; values are printable ASCII.
   */
  fields?: Readonly<Record<string, string>> | undefined;
  /** `tag`. */
  tag?: string | undefined;
  /** Whether to write the `alg` parameter. Default `false` (RFC 9421 §3.2 derives it from the key). */
  includeAlg?: boolean | undefined;
  /** Serialisation order of the parameters. Default {@link core/src/rfc9421!DEFAULT_PARAMETER_ORDER}. */
  parameterOrder?: readonly Rfc9421ParameterName[] | undefined;
  /** The exact body bytes sent, for `digest`. */
  body?: BodyInput | undefined;
  /** Make an RFC 9530 `Content-Digest` over `body` and cover it. */
  digest?: DigestAlgorithm | undefined;
  /** The current time (a finite number of Unix milliseconds or a valid `Date`, else RangeError); default `Date.now()`. */
  now?: Date | number | undefined;
  /**
   * How `@query` is derived: `'rfc9421'` (default) or `'without-question-mark'` for a peer that verifies only
   * Fedify's form. See {@link QueryComponentSigning}.
   */
  queryComponent?: QueryComponentSigning | undefined;
}

/**
 * RFC 9421 signing through the shared {@link sign} and the client adapters: the {@link SignRfc9421Options}
 * with `scheme: 'rfc9421'`, where `headers` may name the covered components (as it names the signed headers of
 * draft-cavage), so moving between the schemes changes one option.
 */
export interface Rfc9421SigningOptions extends Omit<SignRfc9421Options, 'body' | 'now'> {
  /** Selects RFC 9421 HTTP Message Signatures. */
  scheme: 'rfc9421';
  /** The covered components, in order; an alias of `components`. */
  headers?: readonly string[] | undefined;
  /** RFC 9421 digests are always `content-digest` (RFC 9530). */
  digestHeader?: 'content-digest' | undefined;
}

/** What {@link core/src/rfc9421!signRfc9421} returns. */
export interface SignRfc9421Result {
  /**
   * Headers to set on the message, lower-case names: `signature-input` and `signature` (each holding every
   * signature of the message, the new one last — replace the old values), and `content-digest` when made.
   */
  headers: Record<string, string>;
  /** The label the new signature was given. */
  label: string;
  /** The exact signature base that was signed (RFC 9421 §2.5). */
  signatureBase: string;
  /** The `@signature-params` value, i.e. this signature's `Signature-Input` member value. */
  signatureParams: string;
}

/** What a key lookup returns: the key and the algorithms it may be used with. */
export interface Rfc9421VerificationKey {
  /**
   * An HMAC secret (only with `algorithms: ['hmac-sha256']`), or a public key (a private key is accepted and its
   * public half used). The algorithms decide which, never the key's form: public-key material (PEM, DER, JWK,
   * OpenSSH) is refused as a secret.
   */
  key: KeyInput;
  /** The shortest RSA key accepted, in bits. Default 2048; lower it only for legacy keys you cannot replace. */
  minRsaBits?: number | undefined;
  /**
   * The algorithms this key may verify (RFC 9421 §3.2 step 5: the algorithm comes from the key, never from
   * the message alone). An `alg` parameter must be one of them; without one, the first is used.
   */
  algorithms: readonly Rfc9421Algorithm[];
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
 * Finds the key for a signature; `null`/`undefined` when it is unknown. The entry's `algorithms` say whether the key
 * is an HMAC secret (`['hmac-sha256']` alone) or an asymmetric key — never the key's form.
 */
export type Rfc9421KeyLookup = (
  keyId: string | undefined,
  params: Rfc9421Parameters,
) => Rfc9421VerificationKey | null | undefined | Promise<Rfc9421VerificationKey | null | undefined>;

/** Options of {@link core/src/rfc9421!verifyRfc9421}. */
export interface VerifyRfc9421Options extends ComponentOptions {
  /** Finds the key and allowed algorithms for a signature. */
  keyLookup: Rfc9421KeyLookup;
  /**
   * Verify the signature with this label. Without it, every signature that meets the policy below is tried in
   * `Signature-Input` order (at most `maxSignatures`) until one verifies; when none does, the first one's error
   * is thrown.
   */
  label?: string | undefined;
  /**
   * Component identifiers the signature must cover (`'@method'`, `'"@query-param";name="id"'`,
   * `'@authority;req'`…). Default: `@method @authority @path` for a request; for a response `@status` and a
   * binding to the request's target — `"@target-uri";req`, or `"@path";req` with `"@query";req` when the bound
   * request has a query (or none is bound). A list given here replaces the whole default, binding included. A
   * covered `@target-uri` satisfies a required `@scheme`, `@authority`, `@path` or `@query` (with the same `;req`):
   * it is all of them together, derived from the request as received.
   */
  requiredComponents?: readonly string[] | undefined;
  /** Parameters the signature must carry. Default `['created', 'keyid']`. */
  requiredParameters?: readonly Rfc9421ParameterName[] | undefined;
  /** The `tag` the signature must carry, when the application uses one (RFC 9421 §2.3). */
  tag?: string | undefined;
  /**
   * Oldest accepted signature: `created` must be within this many seconds of now (plus skew); a signature
   * without `created` is then refused (`ERR_HEADER_NOT_SIGNED`). When neither `maxAge` is set nor the signature
   * carries `expires`, the verifier fails closed as if `maxAge` were 0: the signature is accepted only until
   * `created` + `clockSkew` (`ERR_SIGNATURE_EXPIRED` after), and one without `created` is refused
   * (`ERR_HEADER_NOT_SIGNED`). A replay store keeps the nonce exactly until that bound.
   */
  maxAge?: number | undefined;
  /** Allowed clock difference, seconds, for `created` and `expires`. Default 300. */
  clockSkew?: number | undefined;
  /** The current time (a finite number of Unix milliseconds or a valid `Date`, else RangeError); default `Date.now()`. */
  now?: Date | number | undefined;
  /**
   * Replay protection: a signature must carry a `nonce` (unless `requireNonce` is false), and once it has
   * verified it is recorded, keyed on the key that verified (its `id`, else a fingerprint of the key) and the
   * signature base (which carries the nonce), until its `validUntil`; a signature seen before is refused with
   * `ERR_SIGNATURE_REPLAYED`, one the store cannot record (full, unreachable) with `ERR_REPLAY_STORE_UNAVAILABLE`.
   */
  replayStore?: ReplayStore | undefined;
  /** With a `replayStore`: whether a signature must carry a `nonce`. Default `true`. */
  requireNonce?: boolean | undefined;
  /**
   * With a `replayStore`: the longest time, in seconds from now, a verified signature may remain acceptable
   * (its record must be kept that long). A signature valid for longer (a far `expires`) is refused with
   * `ReplayWindowTooLongError` (`ERR_REPLAY_WINDOW_TOO_LONG`) before anything is stored, so that a key holder
   * cannot fill the store with records that never expire. Never less than what the clock policy itself accepts,
   * `2 × clockSkew + maxAge`. Default: no cap (`@httpsig/server` sets one hour).
   */
  maxReplayWindow?: number | undefined;
  /**
   * The received body. When given, a covered `content-digest` is recomputed over it (RFC 9530), and a
   * non-empty body without a covered `content-digest` is refused. Read (a function called) only after the
   * signature verified.
   */
  body?: ReceivedBody | undefined;
  /** Longest accepted `Signature-Input` or `Signature` value, characters. Default 8192. */
  maxHeaderLength?: number | undefined;
  /** Most signatures in one message. Default 16. */
  maxSignatures?: number | undefined;
  /**
   * Most signatures tried (each a key lookup, and with remote keys possibly a fetch) for one message when no
   * `label` is given: the first ones that meet the policy, in order. Default 4.
   */
  maxKeyLookups?: number | undefined;
  /** Most covered components in one signature. Default 64. */
  maxComponents?: number | undefined;
  /**
   * How a covered `@query` is read: `'rfc9421'` (default) or `'rfc9421-or-without-question-mark'` to also accept
   * Fedify's form (the query without its `?`); the result then says `queryComponent: 'without-question-mark'`.
   * See {@link QueryComponentVerifying}.
   */
  queryComponent?: QueryComponentVerifying | undefined;
}

/** What a successful {@link core/src/rfc9421!verifyRfc9421} returns. */
export interface VerifyRfc9421Result {
  /** The label of the verified signature. */
  label: string;
  /** The `keyid` parameter, when present. */
  keyId: string | undefined;
  /** The algorithm the signature was verified with. */
  algorithm: Rfc9421Algorithm;
  /** The covered component identifiers, serialised, in order. */
  components: string[];
  /** The signature parameters. */
  parameters: Rfc9421Parameters;
  /** The signature base that was verified. */
  signatureBase: string;
  /** The last Unix second at which the signature is acceptable (`expires`, `maxAge` or `created`, plus skew). */
  validUntil: number;
  /**
   * `'without-question-mark'` when the signature verified only with `@query` derived without its `?` (with
   * `queryComponent: 'rfc9421-or-without-question-mark'`). Absent otherwise.
   */
  queryComponent?: 'without-question-mark' | undefined;
}

/** One signature a server asks for in `Accept-Signature` (RFC 9421 §5.1). */
export interface AcceptSignatureRequest {
  /** The label the signature must be given. */
  label: string;
  /** The component identifiers to cover, serialised, in order. */
  components: string[];
  /** The requested parameters (`keyid`, `alg`, `tag`, `nonce` are to be copied; others are hints). */
  parameters: Rfc9421Parameters;
}

/**
 * Options of {@link core/src/rfc9421!signForAcceptSignature}: a signing key, and what every signature of the signer
 * carries — its `components`, `tag` and `nonce` are kept in addition to what the request asks (the request's `nonce`
 * and `tag` are the ones written when it names them); the label is the request's.
 */
export type SignForAcceptSignatureOptions = SignRfc9421Options;

/** Options of an RFC 9421 {@link sign}. */
export interface Rfc9421SignOptions extends Rfc9421SigningOptions, PerRequestSignOptions {}

