/**
 * Double-knocking: a client signs with the spec it prefers (draft-cavage or RFC 9421), and when the server refuses
 * it, signs once more with the other and remembers, per origin, the spec that worked. Decided here once for the
 * fetch, axios and got adapters, which only send what this says. The policy itself (`knock-policy.ts`) is loaded on
 * first use: a client that does not double-knock (a browser page signing with `signedFetch`) never downloads it.
 *
 * @packageDocumentation
 */
import type { SigningOptions } from './sign-options.js';
import { headerTable } from './headers.js';
import { outgoingBody, outgoingMessage, signOutgoing, type OutgoingRequest } from './sign-outgoing.js';
import type { HeadersInit, SignResult } from './types.js';

/** The two signature specs a client can sign with: draft-cavage (`Signature`/`Authorization`) or RFC 9421. */
export type SignatureSpec = 'cavage' | 'rfc9421';

/**
 * Double-knocking of a client adapter (its `doubleKnock` option): the signing options the adapter was given are
 * tried first; on a refusal the request is signed once more with `other`.
 */
export interface DoubleKnockOptions {
  /**
   * How to sign with the other spec. Default: derived from the main options' key and keyId with what the
   * Fediverse (Mastodon, Misskey, Fedify) accepts — for RFC 9421 `@method @target-uri` (+ `content-digest` with
   * `digest`) and `created`; for draft-cavage `(request-target) host date` (+ `digest`) in the `Signature` header.
   * The algorithm follows the key: `rsa-sha256` ↔ `rsa-v1_5-sha256`, `ecdsa-sha256` ↔ `ecdsa-p256-sha256`,
   * `ed25519` ↔ `ed25519`, `hmac-sha256` ↔ `hmac-sha256`, `rsa-pss-sha512` → `hs2019` (RSASSA-PSS); other
   * algorithms need `other` given.
   */
  other?: SigningOptions | undefined;
  /** Most origins remembered; the least recently used goes first. Default 1000. */
  maxOrigins?: number | undefined;
  /**
   * Seconds a spec that worked is remembered, counted from when it was learnt (a later success does not extend it,
   * so the preferred spec is tried afresh at least once per `ttl`). Default 86400 (a day).
   */
  ttl?: number | undefined;
  /** The memory's clock, Unix milliseconds (for tests). Default `Date.now`. */
  now?: (() => number) | undefined;
}

/** The `doubleKnock` option: off (default), on with the defaults (`true`), or {@link DoubleKnockOptions}. */
export type DoubleKnockSetting = boolean | DoubleKnockOptions | undefined;

/** One signed try of a request: with which spec, for which origin, and how to sign it. */
export interface KnockAttempt {
  /** The spec this try signs with. */
  readonly spec: SignatureSpec;
  /** The origin of the request (the memory's key). */
  readonly origin: string;
  /** Whether this is the one retry. */
  readonly retry: boolean;
  /**
   * Signs the request for this try: fresh `Date`/`created`, signature and digest over the exact body.
   * @param request - the request as the client will send it.
   * @returns the headers to add (replace a previous try's) and the signed string.
   * @throws TypeError when double-knocking is on and the request goes to another origin than {@link origin} (each
   *   hop of a redirect chain is tried for its own origin); the errors of `signOutgoing`; for a retry asked by an `Accept-Signature`, those of `signForAcceptSignature`
   *   (`UnknownKeyError`, `AlgorithmNotAllowedError` when the server asks for another key or algorithm).
   */
  sign(request: OutgoingRequest): Promise<SignResult>;
}

/**
 * Why a response was (not) answered with a retry:
 * - `'unauthorized'`: a 401 without a challenge; retry with the other spec.
 * - `'accept-signature'`: an `Accept-Signature` challenge (RFC 9421 §5.1); retry with RFC 9421 as it asks, keeping
 *   what the RFC 9421 options require (their components, tag and nonce: a Web Bot Auth signer stays one).
 * - `'cavage-challenge'`: a 401 with `WWW-Authenticate: Signature` (the draft-cavage challenge) after an RFC 9421 try.
 * - `'off'`: double-knocking is not configured; `'not-refused'`: no 401 and no challenge; `'retried'`: this was
 *   the retry already (one retry, never more).
 * - `'body-not-replayable'`: the body was a stream, which is not sent twice.
 * - `'same-spec-refused'`: a 401 with `WWW-Authenticate: Signature` after a draft-cavage try: the server reads
 *   draft-cavage and refused the signature for another reason (key, clock), which the other spec would not mend.
 */
export type KnockReason =
  | 'unauthorized' | 'accept-signature' | 'cavage-challenge'
  | 'off' | 'not-refused' | 'retried' | 'body-not-replayable' | 'same-spec-refused';

/** What {@link Knocker.decide} says about a response: the retry to send, or why there is none. */
export type KnockDecision =
  | { retry: KnockAttempt; reason: 'unauthorized' | 'accept-signature' | 'cavage-challenge' }
  | { retry: undefined; reason: 'off' | 'not-refused' | 'retried' | 'body-not-replayable' | 'same-spec-refused' };

/**
 * The double-knock policy of one client: which spec first, when to retry, what to remember. Its methods are
 * asynchronous because the policy is loaded on first use.
 */
export interface Knocker {
  /** Whether double-knocking is on. */
  readonly enabled: boolean;
  /**
   * The signing options in use: the main ones, and the other spec's when double-knocking is on.
   * @returns the options.
   * @throws TypeError when the other spec's options cannot be derived from the main ones (give `doubleKnock.other`).
   */
  signings(): Promise<readonly SigningOptions[]>;
  /**
   * The first try for a URL: the spec remembered for its origin, else the main options'.
   * @param url - the request URL.
   * @returns the try.
   * @throws TypeError when the other spec's options cannot be derived from the main ones (give `doubleKnock.other`).
   */
  first(url: URL): Promise<KnockAttempt>;
  /**
   * Whether a response to a signed try calls for the other spec: a 401, or a 4xx carrying `Accept-Signature`.
   * @param attempt - the try that got the response.
   * @param status - the response status.
   * @param headers - the response headers (read only for a 4xx).
   * @param replayable - whether the body can be sent again (false for a stream body).
   * @returns the decision.
   * @throws {@link core/src!HeaderTooLargeError} when the `Accept-Signature` is over 8192 characters or 16 members;
   *   {@link core/src!MalformedSignatureError} when it does not parse or asks for nothing.
   */
  decide(attempt: KnockAttempt, status: number, headers: HeadersInit, replayable: boolean): Promise<KnockDecision>;
  /**
   * Records the spec of a try the server accepted (2xx) for its origin; anything else records nothing.
   * @param attempt - the last try.
   * @param status - its response status.
   * @returns when it is recorded.
   */
  settle(attempt: KnockAttempt, status: number): Promise<void>;
}

/** The policy behind a {@link Knocker} that double-knocks, once loaded. Internal. */
export interface KnockPolicy {
  /** The main signing options and the other spec's. */
  signings: readonly SigningOptions[];
  /** See {@link Knocker.first}. */
  first(url: URL): KnockAttempt;
  /** See {@link Knocker.decide}. */
  decide(attempt: KnockAttempt, status: number, headers: HeadersInit, replayable: boolean): Promise<KnockDecision>;
  /** See {@link Knocker.settle}. */
  settle(attempt: KnockAttempt, status: number): void;
}

/**
 * What the lazily loaded policy uses of the modules every client loads up front, handed to it rather than imported
 * there: measured, importing them made the bundler split the signer into one more up-front chunk (scripts/size.mjs,
 * +1.2 kB gzipped). Internal.
 */
export interface KnockPolicyDeps {
  /** {@link signOutgoing}. */
  signOutgoing: typeof signOutgoing;
  /** `outgoingMessage` of sign-outgoing. */
  outgoingMessage: typeof outgoingMessage;
  /** `outgoingBody` of sign-outgoing. */
  outgoingBody: typeof outgoingBody;
  /** `headerTable` of headers. */
  headerTable: typeof headerTable;
}

/**
 * The double-knock policy for a client's signing options: with `setting` off, one try signed with `signing` and
 * never a retry; on, the preferred spec (the main options') or the one remembered for the origin first, and one
 * retry with the other when the server refuses (see {@link Knocker.decide}).
 *
 * @param signing - the main signing options: the preferred spec.
 * @param setting - the `doubleKnock` option.
 * @returns the knocker.
 * @throws TypeError when `setting` is not a boolean or an object, or `other` is of the same spec as `signing`. The
 *   rest is checked when the policy is loaded, on the first request, which then rejects before anything is sent: a
 *   TypeError when the other spec's options cannot be derived from the main algorithm, a RangeError for a
 *   `maxOrigins` that is not a positive integer or a `ttl` that is not a positive number.
 * @example
 * ```ts
 * const knocker = createKnocker({ keyId: 'https://me.example/users/alice#main-key', key: privateKeyPem, algorithm: 'rsa-sha256' }, true)
 * const url = new URL('https://server.example/users/bob')
 * let attempt = await knocker.first(url)
 * let signed = await attempt.sign({ method: 'GET', url, headers: { accept: 'application/activity+json' } })
 * // … send it with signed.headers; the server answers 401:
 * const { retry } = await knocker.decide(attempt, 401, {}, true)
 * if (retry !== undefined) {
 *   attempt = retry
 *   signed = await attempt.sign({ method: 'GET', url, headers: { accept: 'application/activity+json' } })
 *   // … send it again; the server answers 200:
 *   await knocker.settle(attempt, 200)
 * }
 * ```
 */
export function createKnocker(signing: SigningOptions, setting: DoubleKnockSetting): Knocker {
  if (setting !== undefined && typeof setting !== 'boolean' && (typeof setting !== 'object' || setting === null)) {
    throw new TypeError('doubleKnock must be a boolean or an options object');
  }
  if (setting === undefined || setting === false) {
    const spec: SignatureSpec = signing.scheme === 'rfc9421' ? 'rfc9421' : 'cavage';
    const only: KnockAttempt = { spec, origin: '', retry: false, sign: (request: OutgoingRequest): Promise<SignResult> => signOutgoing(request, signing) };
    return {
      enabled: false,
      signings: async () => [signing],
      first: async (url) => ({ ...only, origin: url.origin }),
      decide: async () => ({ retry: undefined, reason: 'off' }),
      settle: async () => undefined,
    };
  }
  const options: DoubleKnockOptions = setting === true ? {} : setting;
  const { other } = options;
  if (other !== undefined && (other.scheme === 'rfc9421') === (signing.scheme === 'rfc9421')) throw new TypeError('doubleKnock.other must be of the other spec');
  let policy: Promise<KnockPolicy> | undefined;
  // Loaded on first use, like the RFC 9421 signer (scripts/size.mjs).
  const load = (): Promise<KnockPolicy> => (policy ??= import('./knock-policy.js').then((m) => m.knockPolicy(signing, options, { signOutgoing, outgoingMessage, outgoingBody, headerTable })));
  return {
    enabled: true,
    signings: async () => (await load()).signings,
    first: async (url) => (await load()).first(url),
    decide: async (attempt, status, headers, replayable) => (await load()).decide(attempt, status, headers, replayable),
    settle: async (attempt, status) => { (await load()).settle(attempt, status); },
  };
}
